"""Alembic, configured in code: upgrade or downgrade a database given its (async) URL.

Migrations run under a lock, so instances starting at once against an older schema upgrade it
once: the others wait, then find it current. PostgreSQL: a transaction-scoped advisory lock
(``pg_advisory_xact_lock``) taken first in the migration's transaction. SQLite: the migration's
transaction begins ``IMMEDIATE`` (bot.db.session), which takes the database's write lock up front;
waiting for it may take longer than ordinary writes may.
"""

from __future__ import annotations

import asyncio
from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import SQLITE_BUSY_TIMEOUT_S, make_engine

# the top-level ``migrations`` package: found the same way in a checkout and in an installed wheel
MIGRATIONS_DIR = Path(str(files("migrations")))
MIGRATION_LOCK_KEY = 0x5374_7564_7962_6F74 >> 1  # "Studybot", as a positive bigint
MIGRATION_WAIT_S = 600  # how long an instance waits for another's migration


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` without an ini file: scripts in ``migrations/``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _sqlite_pragma(connection: Connection, statement: str) -> None:
    """Run a PRAGMA on the raw driver connection, outside any transaction."""
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None, "a live connection has a driver connection"
    cursor = dbapi.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


def _take_migration_lock(connection: Connection) -> None:
    """PostgreSQL: wait for (then hold to the end of the transaction) the migration lock."""
    if connection.dialect.name != "postgresql":
        return  # SQLite's BEGIN IMMEDIATE already holds the write lock
    connection.execute(text(f"SET LOCAL lock_timeout = '{MIGRATION_WAIT_S}s'"))
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def _run_on_connection(connection: Connection, action: str, revision: str) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations rebuild tables; with foreign keys on, dropping the old copy would
        # cascade. The pragma only takes effect outside a transaction, hence the raw connection.
        _sqlite_pragma(connection, "PRAGMA foreign_keys=OFF")
        _sqlite_pragma(connection, f"PRAGMA busy_timeout={MIGRATION_WAIT_S * 1000}")
    try:
        with connection.begin():
            _take_migration_lock(connection)
            # read the revision only now: another instance may have upgraded while we waited
            getattr(command, action)(alembic_config(connection=connection), revision)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        if sqlite:
            _sqlite_pragma(connection, "PRAGMA foreign_keys=ON")
            _sqlite_pragma(connection, f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")


async def upgrade_engine(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` on an existing engine (``Database.start``)."""
    async with engine.connect() as connection:
        await connection.run_sync(_run_on_connection, "upgrade", revision)


async def downgrade_engine(engine: AsyncEngine, revision: str = "base") -> None:
    """Revert migrations down to ``revision`` on an existing engine."""
    async with engine.connect() as connection:
        await connection.run_sync(_run_on_connection, "downgrade", revision)


def _current(connection: Connection) -> Any:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def current_revision_engine(engine: AsyncEngine) -> str | None:
    """The revision the database is at (None when unversioned)."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def _with_engine(url: str, action: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_on_connection, action, revision)
    finally:
        await engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (``studybot db upgrade``)."""
    asyncio.run(_with_engine(url, "upgrade", revision))


def downgrade(url: str, revision: str = "base") -> None:
    """Revert migrations down to ``revision`` (``studybot db downgrade``)."""
    asyncio.run(_with_engine(url, "downgrade", revision))
