"""The database handle: an async engine, migrations at start, one session per unit of work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import SQLITE_BUSY_TIMEOUT_S, make_engine, sqlite_file

if TYPE_CHECKING:
    from bot.db.claim_writers import ClaimWriter

log = logging.getLogger(__name__)

__all__ = ["SQLITE_BUSY_TIMEOUT_S", "Database", "make_engine"]


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
        # Alembic loads only when a database starts: importing it logs at INFO, before the
        # command line has set the level
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
            elif self.dialect == "sqlite" and (path := sqlite_file(url)) is not None:
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
