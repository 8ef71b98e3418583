"""Saved searches: the query behind a search button's key, kept ~30 days after its last use."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
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


async def save_searches(
    db: Database, searches: Mapping[str, str], now: datetime, prune_before: datetime | None
) -> None:
    """``save_search`` for each key → query, and (with ``prune_before``) the pruning, in one
    transaction: on the claims' own connection where there is one (one handoff on SQLite, one
    round trip per statement on PostgreSQL), else in a session. Keys in order (no deadlock
    between instances)."""
    from bot.db.claim_writers import PostgresClaimWriter, SqliteClaimWriter, in_transaction

    ordered = sorted(searches.items())
    writer = db.claim_writer()
    if isinstance(writer, SqliteClaimWriter):
        stamp = writer.stamp(now)
        rows = [(key, query, stamp, stamp) for key, query in ordered]
        save = _SAVE.format(rows="VALUES (?, ?, ?, ?)")
        prune = _PRUNE.format(before="?")

        def write(connection: sqlite3.Connection) -> None:
            connection.executemany(save, rows)
            if prune_before is not None:
                connection.execute(prune, (writer.stamp(prune_before),))

        await writer.run(lambda connection: in_transaction(connection, lambda: write(connection)))
    elif isinstance(writer, PostgresClaimWriter):
        keys = [key for key, _ in ordered]
        queries = [query for _, query in ordered]
        stamp = writer.stamp(now)
        save = _SAVE.format(
            rows="SELECT k, q, $3::timestamp, $3::timestamp"
            " FROM unnest($1::text[], $2::text[]) AS s(k, q)"
        )

        async def write_pg(connection: Any) -> None:
            async with connection.transaction():
                await connection.execute(save, keys, queries, stamp)
                if prune_before is not None:
                    await connection.execute(_PRUNE.format(before="$1"), writer.stamp(prune_before))

        await writer.run(write_pg)
    else:
        async with db.session() as session:
            for key, query in ordered:
                await save_search(session, key, query, now)
            if prune_before is not None:
                await prune_saved_searches(session, prune_before)


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
