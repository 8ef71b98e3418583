"""Group commit of inbox marks (replies sent, done, dead): the marks of updates finishing at the
same moment share one transaction (on the claims' own connection where there is one,
bot.db.claim_writers), and so do the saved searches behind the buttons of the replies they
record (``SearchesSource``); a transient storage failure is retried (bounded) before the
mark is given up, which leaves the update pending for a replay."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Protocol

from bot.db.inbox import Mark, record_marks
from bot.db.searches import SearchesToSave, save_in_session
from bot.db.storage_errors import retry_storage

if TYPE_CHECKING:
    from bot.db.session import Database

log = logging.getLogger(__name__)


def _merge(old: Mark, new: Mark) -> Mark:
    return Mark(
        new.bot_id,
        new.update_id,
        max(old.replies_sent, new.replies_sent),
        new.state or old.state,
        new.error or old.error,
    )


class SearchesSource(Protocol):
    """Searches waiting to be saved (bot.core.search_memory), written with each round."""

    def to_save(self) -> SearchesToSave | None: ...

    def saved(self, batch: SearchesToSave) -> None: ...

    def given_up(self, batch: SearchesToSave) -> None: ...


class InboxMarks:
    """``await mark(m)`` returns once ``m`` is committed (or raises after the retry bound).
    Each round also writes what ``searches`` has waiting (a failed round leaves it waiting)."""

    def __init__(
        self, db: Database, *, retry_bound_s: float = 30.0, searches: SearchesSource | None = None
    ) -> None:
        self.db = db
        self.retry_bound_s = retry_bound_s
        self.searches = searches
        self.rounds = 0
        self._pending: list[tuple[Mark, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def mark(self, mark: Mark) -> None:
        await self.mark_soon(mark)

    def mark_soon(self, mark: Mark) -> asyncio.Future[None]:
        """Queue ``mark`` for the next round without waiting for it (a later mark of the same
        update, queued before the round starts, shares its transaction)."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((mark, waiter))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_all(), name="inbox-marks")
        return waiter

    async def _flush_all(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            merged: dict[tuple[int, int], Mark] = {}
            for mark, _ in batch:
                key = (mark.bot_id, mark.update_id)
                merged[key] = _merge(merged[key], mark) if key in merged else mark
            try:
                await self._write_round(list(merged.values()))
            except Exception as error:
                for _, waiter in batch:
                    if not waiter.done():
                        waiter.set_exception(error)
                continue
            except BaseException:
                for _, waiter in batch + self._pending:
                    waiter.cancel()
                self._pending.clear()
                raise
            for _, waiter in batch:
                if not waiter.done():
                    waiter.set_result(None)

    async def _write_round(self, marks: list[Mark]) -> None:
        """``marks`` with the searches waiting. If that fails and the marks alone then succeed,
        the searches were the trouble: they are given up (their buttons work in this process
        only, as when ``SearchMemory.save`` fails), so they never hold the marks back."""
        source = self.searches
        searches = source.to_save() if source is not None else None
        try:
            await self._retrying(marks, searches)
        except Exception:
            if source is None or searches is None:
                raise
            await self._retrying(marks, None)
            count = len(searches.searches)
            log.warning("could not save %d search(es) with inbox marks", count, exc_info=True)
            source.given_up(searches)
            return
        if source is not None and searches is not None:
            source.saved(searches)

    async def _retrying(self, marks: list[Mark], searches: SearchesToSave | None) -> None:
        await retry_storage(
            lambda: self._write(marks, searches),
            bound_s=self.retry_bound_s,
            what="recording inbox progress",
        )

    async def _write(self, marks: list[Mark], searches: SearchesToSave | None) -> None:
        writer = self.db.claim_writer()  # one round trip on the claims' own connection
        if writer is not None:
            await writer.write_marks(marks, searches)
        else:
            async with self.db.session() as session:
                await record_marks(session, marks)
                if searches is not None:
                    await save_in_session(session, searches)
        self.rounds += 1
