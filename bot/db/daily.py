"""Daily quiz subscriptions per chat, and the ledger that makes each day's post happen once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.streak_rules import local_now
from bot.db.base import affected_rows, insert_unless_present, utcnow
from bot.db.chats import ensure_chat
from bot.db.models import Chat, DailyPost, DailySubscription
from bot.db.users import is_valid_timezone

DEFAULT_COUNT = 3
MIN_COUNT, MAX_COUNT = 1, 10


@dataclass(frozen=True, slots=True)
class DuePost:
    """A chat whose daily post time has passed on its local ``local_date``, not yet claimed."""

    chat_id: int
    local_date: date
    count: int
    timezone: str
    post_time: time


def _check_count(count: int) -> int:
    if not MIN_COUNT <= count <= MAX_COUNT:
        raise ValueError(f"daily count must be {MIN_COUNT}..{MAX_COUNT}, got {count}")
    return count


def _minute(at: time) -> time:
    return at.replace(second=0, microsecond=0, tzinfo=None)


async def subscribe_daily(
    session: AsyncSession,
    chat_id: int,
    at: time,
    tz: str,
    count: int | None = None,
    *,
    starts_on: date | None = None,
) -> DailySubscription:
    """Post the daily quiz in the chat at local ``at`` in zone ``tz`` (active; keeps the count
    unless one is given), from local day ``starts_on`` on (None: from today).
    Raises ValueError for an unknown zone or a count outside 1..10."""
    if not is_valid_timezone(tz):
        raise ValueError(f"unknown time zone: {tz!r}")
    if count is not None:
        _check_count(count)
    await ensure_chat(session, chat_id)
    now = utcnow()
    created = await insert_unless_present(
        session,
        DailySubscription,
        chat_id=chat_id,
        post_time=_minute(at),
        timezone=tz,
        count=count or DEFAULT_COUNT,
        active=True,
        starts_on=starts_on,
        created_at=now,
        updated_at=now,
    )
    if not created:
        values: dict[str, object] = {
            "post_time": _minute(at),
            "timezone": tz,
            "active": True,
            "starts_on": starts_on,
            "updated_at": now,
        }
        if count is not None:
            values["count"] = count
        await session.execute(
            update(DailySubscription).where(DailySubscription.chat_id == chat_id).values(**values)
        )
    subscription = await daily_subscription(session, chat_id)
    assert subscription is not None
    return subscription


async def unsubscribe_daily(session: AsyncSession, chat_id: int) -> bool:
    """Stop the chat's daily quiz (True if there was one)."""
    result = await session.execute(
        delete(DailySubscription).where(DailySubscription.chat_id == chat_id)
    )
    return bool(affected_rows(result))


async def daily_subscription(session: AsyncSession, chat_id: int) -> DailySubscription | None:
    return await session.get(DailySubscription, chat_id, populate_existing=True)


async def set_daily_count(session: AsyncSession, chat_id: int, count: int) -> bool:
    """Change how many questions each daily post holds (False when the chat has no daily quiz)."""
    _check_count(count)
    result = await session.execute(
        update(DailySubscription)
        .where(DailySubscription.chat_id == chat_id)
        .values(count=count, updated_at=utcnow())
    )
    return bool(affected_rows(result))


async def pause_subscription(session: AsyncSession, chat_id: int, paused: bool = True) -> bool:
    """Pause (or resume) the chat's daily quiz without forgetting its settings."""
    result = await session.execute(
        update(DailySubscription)
        .where(DailySubscription.chat_id == chat_id)
        .values(active=not paused, updated_at=utcnow())
    )
    return bool(affected_rows(result))


async def all_active_subscriptions(session: AsyncSession) -> list[DailySubscription]:
    """Every running daily quiz in a chat the bot can still post in (for scheduling at start)."""
    rows = await session.scalars(
        select(DailySubscription)
        .join(Chat, Chat.id == DailySubscription.chat_id)
        .where(DailySubscription.active.is_(True), Chat.active.is_(True))
        .order_by(DailySubscription.chat_id)
    )
    return list(rows)


async def claim_daily_post(session: AsyncSession, chat_id: int, local_date: date) -> bool:
    """Claim the chat's post for ``local_date`` before sending it: True for exactly one caller,
    across processes sharing the database (the claim holds once the session commits)."""
    await ensure_chat(session, chat_id)
    return await insert_unless_present(
        session, DailyPost, chat_id=chat_id, local_date=local_date, claimed_at=utcnow()
    )


async def release_daily_post(session: AsyncSession, chat_id: int, local_date: date) -> None:
    """Give a claim back when nothing could be posted, so a later attempt may try again."""
    await session.execute(
        delete(DailyPost).where(DailyPost.chat_id == chat_id, DailyPost.local_date == local_date)
    )


async def due_daily_posts(session: AsyncSession, now: datetime) -> list[DuePost]:
    """Active chats whose local post time has passed today (in their zone, from their first
    day on) and whose post for today is not claimed yet: what to send now, or catch up on after
    a restart. Two queries, whatever the number of subscriptions."""
    candidates: list[DuePost] = []
    for subscription in await all_active_subscriptions(session):
        local = local_now(now, subscription.timezone)
        if local.time().replace(tzinfo=None) < subscription.post_time:
            continue
        if subscription.starts_on is not None and local.date() < subscription.starts_on:
            continue
        candidates.append(
            DuePost(
                chat_id=subscription.chat_id,
                local_date=local.date(),
                count=subscription.count,
                timezone=subscription.timezone,
                post_time=subscription.post_time,
            )
        )
    if not candidates:
        return []
    claimed = set(
        (
            await session.execute(
                select(DailyPost.chat_id, DailyPost.local_date).where(
                    DailyPost.local_date.in_({post.local_date for post in candidates})
                )
            )
        ).all()
    )
    return [post for post in candidates if (post.chat_id, post.local_date) not in claimed]
