"""Saved searches: the query behind a search button's key, kept ~30 days after its last use."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import affected_rows, insert_unless_present, utcnow
from bot.db.models import SavedSearch
from bot.db.session import Database

KEEP_SEARCHES_FOR = timedelta(days=30)


async def save_search(
    session: AsyncSession, key: str, query: str, now: datetime | None = None
) -> bool:
    """Store ``query`` under ``key``; True if it was new. Saving again only marks it used now
    (the first query stored under a key stays: keys are hashes of the query)."""
    now = now or utcnow()
    inserted = await insert_unless_present(
        session, SavedSearch, key=key, query=query, created_at=now, last_used_at=now
    )
    if not inserted:
        await session.execute(
            update(SavedSearch)
            .where(SavedSearch.key == key, SavedSearch.last_used_at < now)
            .values(last_used_at=now)
        )
    return inserted


_SAVE = (
    "INSERT INTO saved_searches (key, query, created_at, last_used_at) {rows}"
    " ON CONFLICT (key) DO UPDATE SET last_used_at = excluded.last_used_at"
    " WHERE saved_searches.last_used_at < excluded.last_used_at"
)
_PRUNE = "DELETE FROM saved_searches WHERE last_used_at < {before}"


@dataclass(frozen=True, slots=True)
class SearchesToSave:
    """Key → query of searches to save (or mark used) at ``now``, and, with ``prune_before``,
    the pruning of those unused since."""

    searches: Mapping[str, str]
    now: datetime
    prune_before: datetime | None = None


def save_on_sqlite(connection: sqlite3.Connection, batch: SearchesToSave, stamp: Any) -> None:
    """``batch`` on the claims' own ``sqlite3`` connection, inside the caller's transaction
    (``stamp``: how the connection's writer stores an instant)."""
    now = stamp(batch.now)
    rows = [(key, query, now, now) for key, query in sorted(batch.searches.items())]
    connection.executemany(_SAVE.format(rows="VALUES (?, ?, ?, ?)"), rows)
    if batch.prune_before is not None:
        connection.execute(_PRUNE.format(before="?"), (stamp(batch.prune_before),))


async def save_on_postgres(connection: Any, batch: SearchesToSave, stamp: Any) -> None:
    """``batch`` on the claims' own asyncpg connection, inside the caller's transaction."""
    ordered = sorted(batch.searches.items())
    save = _SAVE.format(
        rows="SELECT k, q, $3::timestamp, $3::timestamp"
        " FROM unnest($1::text[], $2::text[]) AS s(k, q)"
    )
    keys = [key for key, _ in ordered]
    queries = [query for _, query in ordered]
    await connection.execute(save, keys, queries, stamp(batch.now))
    if batch.prune_before is not None:
        await connection.execute(_PRUNE.format(before="$1"), stamp(batch.prune_before))


async def save_in_session(session: AsyncSession, batch: SearchesToSave) -> None:
    """``batch`` in the caller's session (keys in order)."""
    for key, query in sorted(batch.searches.items()):
        await save_search(session, key, query, batch.now)
    if batch.prune_before is not None:
        await prune_saved_searches(session, batch.prune_before)


async def save_searches(
    db: Database, searches: Mapping[str, str], now: datetime, prune_before: datetime | None
) -> None:
    """``save_search`` for each key → query, and (with ``prune_before``) the pruning, in one
    transaction: on the claims' own connection where there is one (one handoff on SQLite, one
    round trip per statement on PostgreSQL), else in a session. Keys in order (no deadlock
    between instances)."""
    from bot.db.claim_writers import PostgresClaimWriter, SqliteClaimWriter, in_transaction

    batch = SearchesToSave(searches, now, prune_before)
    writer = db.claim_writer()
    if isinstance(writer, SqliteClaimWriter):
        stamp = writer.stamp

        def write(connection: sqlite3.Connection) -> None:
            in_transaction(connection, lambda: save_on_sqlite(connection, batch, stamp))

        await writer.run(write)
    elif isinstance(writer, PostgresClaimWriter):
        pg_stamp = writer.stamp

        async def write_pg(connection: Any) -> None:
            async with connection.transaction():
                await save_on_postgres(connection, batch, pg_stamp)

        await writer.run(write_pg)
    else:
        async with db.session() as session:
            await save_in_session(session, batch)


async def search_query(
    session: AsyncSession, key: str, used_at: datetime | None = None
) -> str | None:
    """The query saved under ``key`` (None if unknown or pruned); with ``used_at``, also mark
    it used then."""
    query = await session.scalar(select(SavedSearch.query).where(SavedSearch.key == key))
    if query is not None and used_at is not None:
        await session.execute(
            update(SavedSearch)
            .where(SavedSearch.key == key, SavedSearch.last_used_at < used_at)
            .values(last_used_at=used_at)
        )
    return query


async def prune_saved_searches(session: AsyncSession, older_than: datetime) -> int:
    """Forget searches last used before ``older_than``; their buttons answer "expired"."""
    result = await session.execute(delete(SavedSearch).where(SavedSearch.last_used_at < older_than))
    return affected_rows(result) or 0
