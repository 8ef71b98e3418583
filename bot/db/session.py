"""The database handle: an async engine, migrations at start, one session per unit of work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

if TYPE_CHECKING:
    from bot.db.claim_writers import ClaimWriter

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 15.0


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:")


def _prepare_sqlite_file(url: URL) -> None:
    """Create the folder of a file database, so a fresh checkout starts without setup."""
    path = _sqlite_file(url)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; for SQLite: WAL, foreign keys ON, a busy timeout, and real transactions.

    SQLite transactions start with ``BEGIN IMMEDIATE``: the write lock is taken up front, so two
    processes on one file wait for each other instead of failing mid-transaction.
    Keep sessions short.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(parsed, pool_pre_ping=True, **kwargs)
    _prepare_sqlite_file(parsed)
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S, **kwargs.pop("connect_args", {})}
    engine = create_async_engine(parsed, connect_args=connect_args, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _sqlite_file(url: URL) -> str | None:
    """The path of a plain SQLite file database (None: in memory, or a URI)."""
    if _is_memory(url) or url.query.get("uri") or str(url.database).startswith("file:"):
        return None
    return str(Path(str(url.database)).expanduser())


class Database:
    """Studybot's store: ``await start()`` once (migrates), then ``async with db.session()``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._claim_writer: ClaimWriter | None = None
        self._claim_writer_loop: asyncio.AbstractEventLoop | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def start(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from bot.db.migrate import upgrade_engine

        await upgrade_engine(self.engine, "head")
        log.info("database ready (%s)", self.engine.url.render_as_string(hide_password=True))

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits when the block ends, rolls back if it raises."""
        async with self._sessions() as session:
            try:
                yield session
            except BaseException:
                await session.rollback()
                raise
            await session.commit()

    def claim_writer(self) -> ClaimWriter | None:
        """The connection kept for update claims (bot.db.claim_writers), opened on first use in
        this event loop; None where claims go through sessions (in-memory SQLite, others)."""
        from bot.db.claim_writers import PostgresClaimWriter, SqliteClaimWriter

        loop = asyncio.get_running_loop()
        if self._claim_writer is not None and self._claim_writer_loop is not loop:
            self._claim_writer.discard()  # made in a loop that is gone (tests)
            self._claim_writer = None
        if self._claim_writer is None:
            url = self.engine.url
            if self.dialect == "postgresql" and url.get_driver_name() == "asyncpg":
                self._claim_writer = PostgresClaimWriter(self.engine)
            elif self.dialect == "sqlite" and (path := _sqlite_file(url)) is not None:
                self._claim_writer = SqliteClaimWriter(path, SQLITE_BUSY_TIMEOUT_S)
            else:
                return None
            self._claim_writer_loop = loop
        return self._claim_writer

    async def close(self) -> None:
        if self._claim_writer is not None:
            writer, self._claim_writer = self._claim_writer, None
            if self._claim_writer_loop is asyncio.get_running_loop():
                await writer.close()
            else:
                writer.discard()
        await self.engine.dispose()
