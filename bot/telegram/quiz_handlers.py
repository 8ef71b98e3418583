"""Quiz, daily posts and streak handlers (the quiz feature); wired in by bot.telegram.app."""

from __future__ import annotations

from telegram.ext import Application


def register(application: Application) -> None:
    """Add the quiz/daily/streak handlers, jobs and menu commands to ``application``.

    Called once by ``bot.telegram.app.build_application`` after the search handlers and before the
    catch-all handlers (unknown commands, expired buttons), all in handler group 0.
    """
