"""Studybot's persistent state: models, the Database handle, and small query functions."""

from bot.db.session import Database

__all__ = ["Database"]
