"""Saved searches: the query behind a search button's key, kept ~30 days after its last use."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import affected_rows, insert_unless_present, utcnow
from bot.db.models import SavedSearch

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
