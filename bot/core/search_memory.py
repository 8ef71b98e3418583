"""The queries behind search buttons, under short keys bound to a notebook: a bounded LRU in
front of the ``saved_searches`` table, so a button keeps working after a restart or in another
process."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.db.searches import KEEP_SEARCHES_FOR, SearchesToSave, save_searches, search_query
from bot.db.session import Database

log = logging.getLogger(__name__)

KEY_CHARS = 12  # SearchMemory.key_for: 9 bytes of SHA-256 in URL-safe base64


def search_scope(notebook_id: str, chat_id: int) -> str:
    """Where a search button may be pressed: the chat it was sent to, over one notebook."""
    return f"{notebook_id}:{chat_id}"


REFRESH_SAVED_AFTER = timedelta(days=1)  # a used search is re-marked used in the DB at most daily
PRUNE_SAVED_EVERY = timedelta(days=1)  # per process: forget long-unused saved searches this often


@dataclass(slots=True)
class _Remembered:
    query: str
    saved_at: datetime | None  # when the database last marked it used (None: not saved yet)


class SearchMemory:
    """The queries behind search buttons, under short keys: a bounded in-process LRU in front of
    the ``saved_searches`` table, so a button keeps working after a restart or in another process.

    Keys are a hash of the query, so the same query always gets the same key in every process.
    ``remember`` / ``recall`` touch only the memory; ``save`` writes what was remembered to the
    database (one short session) and ``lookup`` falls back to it. A key known nowhere (forged, or
    pruned after ~30 days unused) makes the button "expired".
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self._queries: OrderedDict[str, _Remembered] = OrderedDict()
        self._unsaved: dict[str, str] = {}  # key → query, waiting for ``save``
        self._capacity = capacity
        self._pruned_at: datetime | None = None
        # one save at a time: searches finishing together would otherwise each open a session
        # to write the same pending keys; the ones that wait find them written
        self._saving = asyncio.Lock()

    @staticmethod
    def key_for(query: str, scope: str = "") -> str:
        """The key of ``query`` within ``scope`` (``search_scope``: a notebook and a chat), so a
        search button opens only in the chat it was sent to, over the notes it was made from."""
        material = f"{scope}\x00{query}" if scope else query
        digest = hashlib.sha256(material.encode("utf-8")).digest()
        return base64.urlsafe_b64encode(digest[:9]).decode("ascii")  # 12 characters

    def remember(self, query: str, scope: str = "") -> str:
        """The key for ``query``, remembered here (and queued for ``save`` if needed)."""
        key = self.key_for(query, scope)
        entry = self._queries.get(key)
        if entry is None:
            entry = self._queries[key] = _Remembered(query, None)
        self._used(key, entry)
        return key

    def recall(self, key: str) -> str | None:
        """The query behind ``key`` if this process remembers it (no database access)."""
        entry = self._queries.get(key)
        return None if entry is None else entry.query

    async def lookup(self, key: str, db: Database, scope: str = "") -> str | None:
        """The query behind ``key`` within ``scope``: from memory, else from the database
        (saved by an earlier run or another process). None when it is known nowhere, or when
        the key was made for another scope (another chat's button, replayed here)."""
        query = await self._lookup(key, db)
        if query is None or self.key_for(query, scope) != key:
            return None
        return query

    async def _lookup(self, key: str, db: Database) -> str | None:
        entry = self._queries.get(key)
        if entry is not None:
            self._used(key, entry)
            return entry.query
        if len(key) != KEY_CHARS:
            return None
        now = datetime.now(UTC)
        async with db.session() as session:
            query = await search_query(session, key, used_at=now)
        if query is None:
            return None
        self._queries[key] = _Remembered(query, now)
        self._evict()
        return query

    async def save(self, db: Database) -> None:
        """Write the queries remembered since the last save to the database, in one short
        session (and now and then prune long-unused ones). A database failure is logged: the
        buttons then work in this process only."""
        if not self._unsaved:
            return
        async with self._saving:
            if self._unsaved:  # another save may have written them while this one waited
                await self._save_pending(db)

    async def _save_pending(self, db: Database) -> None:
        batch = self.to_save()
        if batch is None:
            return
        try:
            await save_searches(db, batch.searches, batch.now, batch.prune_before)
        except Exception:  # SQLAlchemy's, or the driver's on the claims' own connection
            count = len(batch.searches)
            log.warning("could not save %d search(es); kept in memory", count, exc_info=True)
            return
        self.saved(batch)

    def to_save(self) -> SearchesToSave | None:
        """What ``save`` would write now (None: nothing), for a write that carries it along
        (bot.db.marks: the record of the replies whose buttons need it)."""
        if not self._unsaved:
            return None
        now = datetime.now(UTC)
        prune = self._pruned_at is None or now - self._pruned_at >= PRUNE_SAVED_EVERY
        return SearchesToSave(dict(self._unsaved), now, now - KEEP_SEARCHES_FOR if prune else None)

    def saved(self, batch: SearchesToSave) -> None:
        """``batch`` (from ``to_save``) is committed."""
        if batch.prune_before is not None:
            self._pruned_at = batch.now
        for key, query in batch.searches.items():
            if self._unsaved.get(key) == query:
                del self._unsaved[key]
            entry = self._queries.get(key)
            if entry is not None:
                entry.saved_at = batch.now

    def given_up(self, batch: SearchesToSave) -> None:
        """``batch`` could not be written where it went along (bot.db.marks): it is kept in
        memory, and not carried again until its search is used again."""
        for key, query in batch.searches.items():
            if self._unsaved.get(key) == query:
                del self._unsaved[key]

    def _used(self, key: str, entry: _Remembered) -> None:
        self._queries.move_to_end(key)
        stale = entry.saved_at is None or datetime.now(UTC) - entry.saved_at >= REFRESH_SAVED_AFTER
        if stale:
            self._unsaved[key] = entry.query
        self._evict()

    def _evict(self) -> None:
        while len(self._queries) > self._capacity:
            key, _ = self._queries.popitem(last=False)
            self._unsaved.pop(key, None)
