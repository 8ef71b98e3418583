"""Duplicate delivery guard: each Telegram update id is handled once, and old ids are pruned."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import insert_unless_present, utcnow
from bot.db.models import ProcessedUpdate

KEEP_UPDATES_FOR = timedelta(days=2)
PRUNE_EVERY = 500  # update ids: prune when one of them is a multiple of this


async def claim_update(session: AsyncSession, update_id: int) -> bool:
    """True the first time an update id is seen, False for a redelivery."""
    now = utcnow()
    claimed = await insert_unless_present(
        session, ProcessedUpdate, update_id=update_id, seen_at=now
    )
    if claimed and update_id % PRUNE_EVERY == 0:
        await prune_processed_updates(session, now - KEEP_UPDATES_FOR)
    return claimed


async def prune_processed_updates(session: AsyncSession, before: datetime) -> int:
    """Forget update ids seen before ``before`` (Telegram stops redelivering long before)."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.seen_at < before))
    return result.rowcount or 0
