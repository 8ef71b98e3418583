"""Group commit of update receipts: the updates arriving at the same moment are stored in the
inbox (exactly-once: a copy already there is not handled again), their users and chats
recorded, the users' /lang choices and the chats' stored notes (for the notes check before
their requests) read, in ONE transaction, since a transaction costs far
more than the statements in it. On SQLite files and PostgreSQL that transaction is one round
trip on a connection kept for claims (bot.db.claim_writers); elsewhere it goes through a
session."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.db.base import utcnow
from bot.db.chats import record_chats
from bot.db.claim_writers import Written
from bot.db.inbox import first_copies, receive_updates
from bot.db.notebook_files import NotesRead
from bot.db.seen import SeenUpdate
from bot.db.users import explicit_languages, record_users

if TYPE_CHECKING:
    from bot.db.session import Database

log = logging.getLogger(__name__)

MAX_BATCH = 256  # claims per transaction (keeps each statement far below SQLite's bind limit)


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """``first_time``: handle the update (False: a redelivery, drop it).
    ``explicit_lang``: the user's stored /lang choice (None: none), meaningful when
    ``language_read``: read for a first-time update with a user that wanted it, or that the
    user's row was created or changed in this claim.
    ``notes``: the stored notes of the update's chat, read in the claim's transaction (None:
    not read there)."""

    first_time: bool
    explicit_lang: str | None = None
    language_read: bool = False
    notes: NotesRead | None = field(default=None, compare=False)  # a moment's read


class UpdateClaims:
    """Coalesces the claims of concurrently handled updates into one transaction each round.

    ``claim`` queues the update and waits. One flusher task writes everything queued in one
    transaction; claims arriving meanwhile wait for the next round. No timer: an idle bot
    writes a lone claim at once. If the transaction fails, every claim in it raises the error
    (nothing of that round was recorded) and the next round starts afresh.
    Create one per event loop (one per Application).
    """

    def __init__(self, db: Database, *, max_batch: int = MAX_BATCH, direct: bool = True) -> None:
        """``direct``: write through the database's claim connection where it has one (False:
        always through a session)."""
        self.db = db
        self.direct = direct
        self.rounds = 0  # transactions written
        self._max_batch = max_batch
        self._pending: list[tuple[SeenUpdate, asyncio.Future[ClaimResult]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def claim(self, seen: SeenUpdate) -> ClaimResult:
        """Claim ``seen.update_id`` (and record its user and chat if it is new)."""
        waiter: asyncio.Future[ClaimResult] = asyncio.get_running_loop().create_future()
        self._pending.append((seen, waiter))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_all(), name="update-claims")
        return await waiter

    async def _flush_all(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                results = await self._write([seen for seen, _ in batch])
            except Exception as error:
                for _, waiter in batch:
                    if not waiter.done():
                        waiter.set_exception(error)
                continue
            except BaseException:  # cancelled (shut-down): nobody gets an answer
                for _, waiter in batch + self._pending:
                    waiter.cancel()
                self._pending.clear()
                raise
            for (_, waiter), result in zip(batch, results, strict=True):
                if not waiter.done():
                    waiter.set_result(result)

    async def _write(self, batch: list[SeenUpdate]) -> list[ClaimResult]:
        writer = self.db.claim_writer() if self.direct else None
        read_at = time.monotonic()
        if writer is not None:
            first_times, languages, notes = await writer.write(batch, utcnow())
        else:
            first_times, languages, notes = await self._write_in_session(batch)
        self.rounds += 1
        if len(batch) > 1:
            log.debug("claimed %d updates in one transaction", len(batch))
        results = []
        for seen, first in zip(batch, first_times, strict=True):
            read = first and seen.user is not None and seen.user.id in languages
            chat_notes = None
            if first and seen.chat is not None and notes is not None:
                files, keep_demo = notes.get(seen.chat.id, ([], False))
                chat_notes = NotesRead(seen.chat.id, tuple(files), keep_demo, read_at)
            results.append(
                ClaimResult(
                    first_time=first,
                    explicit_lang=languages[seen.user.id] if read and seen.user else None,
                    language_read=read,
                    notes=chat_notes,
                )
            )
        return results

    async def _write_in_session(self, batch: list[SeenUpdate]) -> Written:
        async with self.db.session() as session:
            new_keys = await receive_updates(session, batch)
            first_times = first_copies(batch, new_keys)
            fresh = [seen for seen, first in zip(batch, first_times, strict=True) if first]
            users = [seen.user for seen in fresh if seen.user is not None]
            languages = await record_users(session, users)  # those created or changed
            await record_chats(session, [seen.chat for seen in fresh if seen.chat is not None])
            unread = {
                seen.user.id for seen in fresh if seen.user is not None and seen.wants_language
            } - languages.keys()
            if unread:
                languages.update(await explicit_languages(session, unread))
        return first_times, languages, None
