"""Alembic revision scripts (a package only so that the wheel carries them)."""
