"""Each student's spaced-repetition cards: what is due, what was seen, and recording a review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import srs
from bot.core.streak_rules import local_day, utc_bounds_of_day
from bot.db.models import QuizCard
from bot.db.users import ensure_user

DEFAULT_NEW_PER_DAY = 10


async def review_item(
    session: AsyncSession, user_id: int, item_id: str, correct: bool, at: datetime
) -> QuizCard:
    """Schedule the student's card for ``item_id`` after a right or wrong answer at ``at``."""
    row = await session.get(QuizCard, (user_id, item_id), with_for_update=True)
    before = srs.card_from_json(row.card_json) if row is not None else None
    card = srs.review(before, correct, at, item_id=item_id)
    if row is None:
        await ensure_user(session, user_id)
        row = QuizCard(user_id=user_id, item_id=item_id, reviews=0, lapses=0, created_at=at)
        session.add(row)
    row.card_json = srs.card_to_json(card)
    row.due = card.due
    row.last_review = at
    row.reviews = (row.reviews or 0) + 1
    row.lapses = (row.lapses or 0) + (1 if srs.is_lapse(before, correct) else 0)
    await session.flush()
    return row


async def card_for(session: AsyncSession, user_id: int, item_id: str) -> QuizCard | None:
    return await session.get(QuizCard, (user_id, item_id))


async def due_items(
    session: AsyncSession, user_id: int, now: datetime, limit: int = 10
) -> list[srs.DueCard]:
    """The student's cards due at ``now``, most overdue first."""
    rows = await session.execute(
        select(QuizCard.item_id, QuizCard.due)
        .where(QuizCard.user_id == user_id, QuizCard.due <= now)
        .order_by(QuizCard.due, QuizCard.item_id)
        .limit(limit)
    )
    return [srs.DueCard(item_id, due) for item_id, due in rows]


async def upcoming_items(session: AsyncSession, user_id: int, limit: int = 10) -> list[srs.DueCard]:
    """The student's cards in due order, due or not (for review-ahead)."""
    rows = await session.execute(
        select(QuizCard.item_id, QuizCard.due)
        .where(QuizCard.user_id == user_id)
        .order_by(QuizCard.due, QuizCard.item_id)
        .limit(limit)
    )
    return [srs.DueCard(item_id, due) for item_id, due in rows]


async def seen_item_ids(session: AsyncSession, user_id: int) -> set[str]:
    """Every item the student has a card for."""
    return set(await session.scalars(select(QuizCard.item_id).where(QuizCard.user_id == user_id)))


async def new_items_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    """How many items the student met for the first time at or after ``since``."""
    count = await session.scalar(
        select(func.count())
        .select_from(QuizCard)
        .where(QuizCard.user_id == user_id, QuizCard.created_at >= since)
    )
    return int(count or 0)


async def next_items_for_user(
    session: AsyncSession,
    user_id: int,
    all_item_ids: Sequence[str],
    now: datetime,
    *,
    count: int = 1,
    new_per_day: int = DEFAULT_NEW_PER_DAY,
    tz: str = "UTC",
    shuffle_new: bool = True,
) -> list[str]:
    """What to ask this student next: due reviews, then new items (capped per local day), then
    review-ahead. New items come in a stable per-student order when ``shuffle_new``."""
    window = max(count, 1) * 4
    due = await upcoming_items(session, user_id, limit=window + 50)
    seen = await seen_item_ids(session, user_id)
    day_start, _ = utc_bounds_of_day(local_day(now, tz), tz)
    new_today = await new_items_since(session, user_id, day_start)
    candidates = srs.order_new_items(all_item_ids, user_id) if shuffle_new else list(all_item_ids)
    return srs.pick_items(due, seen, candidates, now, new_per_day, new_today=new_today, count=count)
