"""Alembic migrations, on SQLite and PostgreSQL: an empty database goes to head and back to base,
and the models match."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

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
from bot.db.session import make_engine

EXPECTED_TABLES = {
    "users",
    "chats",
    "inbox_updates",
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
    "quiz_flags",
    "daily_post_polls",
    "webhook_registrations",
}


async def _tables_of(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda c: set(inspect(c).get_table_names()))


def _tables(url: str) -> set[str]:
    """The tables in the database at ``url``, looked at through a handle of its own."""

    async def look() -> set[str]:
        engine = make_engine(url)
        try:
            return await _tables_of(engine)
        finally:
            await engine.dispose()

    return asyncio.run(look())


def _schema_diff(connection: Connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_cli_upgrade_then_downgrade_then_upgrade_again(empty_db_url: str) -> None:
    upgrade(empty_db_url, "head")
    assert _tables(empty_db_url) == EXPECTED_TABLES | {"alembic_version"}
    downgrade(empty_db_url, "base")
    assert _tables(empty_db_url) == {"alembic_version"}
    upgrade(empty_db_url)
    assert _tables(empty_db_url) == EXPECTED_TABLES | {"alembic_version"}


def test_cli_upgrade_creates_the_folder_of_a_new_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "state.db"  # the folder does not exist yet
    upgrade(f"sqlite+aiosqlite:///{path}", "head")
    assert path.exists()
    assert _tables(f"sqlite+aiosqlite:///{path}") == EXPECTED_TABLES | {"alembic_version"}


async def test_models_match_the_migrated_schema(empty_db_url: str) -> None:
    db = Database(empty_db_url)
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


async def test_start_twice_is_harmless_and_downgrade_empties(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        await db.start()
        await db.start()
        await downgrade_engine(db.engine, "base")
        assert await current_revision_engine(db.engine) is None
        assert await _tables_of(db.engine) == {"alembic_version"}
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


STARTER = """
import asyncio, logging, os, sys, time
from bot.db import Database

class Steps(logging.Handler):
    applied = 0

    def emit(self, record):
        if record.getMessage().startswith("Running upgrade"):
            Steps.applied += 1

logging.getLogger("alembic.runtime.migration").addHandler(Steps())
logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)

async def main(url, go):
    print("ready", flush=True)
    while not os.path.exists(go):  # a barrier: both instances start at the same moment
        time.sleep(0.002)
    db = Database(url)
    await db.start()
    await db.close()
    print(Steps.applied, flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_two_instances_starting_at_once_migrate_once(
    empty_db_url: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            STARTER,
            empty_db_url,
            str(go),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[1],
        )
        for _ in range(2)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert (await proc.stdout.readline()).strip() == b"ready"
    go.touch()
    outputs = [await proc.communicate() for proc in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
    applied = sorted(int(out) for out, _ in outputs)
    revisions = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())
    assert applied == [0, len(revisions)]  # one instance migrated, the other found it done
    db = Database(empty_db_url)
    try:
        assert await current_revision_engine(db.engine) == _head()
        assert await _tables_of(db.engine) == EXPECTED_TABLES | {"alembic_version"}
    finally:
        await db.close()
