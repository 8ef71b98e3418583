"""Alembic migrations: an empty database goes to head and back to base, and the models match."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from bot.db import Database
from bot.db.base import Base
from bot.db.migrate import (
    alembic_config,
    current_revision_engine,
    downgrade,
    downgrade_engine,
    upgrade,
    upgrade_engine,
)

EXPECTED_TABLES = {
    "users",
    "chats",
    "processed_updates",
    "quiz_cards",
    "polls",
    "answers",
    "daily_subscriptions",
    "daily_posts",
    "streaks",
    "reminders_sent",
    "saved_searches",
    "notebook_files",
    "notebook_options",
}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return {name for (name,) in rows} - {"sqlite_sequence"}


def _schema_diff(connection: Connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_cli_upgrade_then_downgrade_then_upgrade_again(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "state.db"  # the folder does not exist yet
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url, "head")
    assert _tables(path) == EXPECTED_TABLES | {"alembic_version"}
    downgrade(url, "base")
    assert _tables(path) == {"alembic_version"}
    upgrade(url)
    assert _tables(path) == EXPECTED_TABLES | {"alembic_version"}


async def test_models_match_the_migrated_schema(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    try:
        await db.start()
        assert await current_revision_engine(db.engine) == _head()
        async with db.engine.connect() as connection:
            diff = await connection.run_sync(_schema_diff)
            names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert diff == []
        assert names >= EXPECTED_TABLES
    finally:
        await db.close()


async def test_start_twice_is_harmless_and_downgrade_empties(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await db.start()
        await db.start()
        await downgrade_engine(db.engine, "base")
        assert await current_revision_engine(db.engine) is None
        assert _tables(path) == {"alembic_version"}
        await upgrade_engine(db.engine, "head")
        assert await current_revision_engine(db.engine) == _head()
    finally:
        await db.close()


async def test_in_memory_database_migrates_too() -> None:
    db = Database("sqlite+aiosqlite:///:memory:")
    try:
        await db.start()
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_schema_diff) == []
    finally:
        await db.close()
