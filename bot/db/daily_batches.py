"""Batch queries for the daily fan-out: claim many chats' posts at once, read their chats, what
each chat was asked before and the students' cards — a handful of
statements per batch of chats instead of several per chat."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import srs
from bot.db.base import conflict_insert, utcnow
from bot.db.models import Answer, Chat, DailyPost, PollSent, QuizCard, User
from bot.db.users import is_valid_timezone


def _insert(session: AsyncSession) -> Callable[..., Any]:
    """The dialect's ON CONFLICT insert: these batch statements need SQLite or PostgreSQL."""
    insert = conflict_insert(session)
    if insert is None:
        raise RuntimeError("batch claims need SQLite or PostgreSQL")
    return insert


async def claim_daily_posts(
    session: AsyncSession, claims: Sequence[tuple[int, date]], owner: str | None = None
) -> set[int]:
    """Claim several chats' posts (chat id, local date) in one statement; returns the chat ids
    this caller won (the others were claimed before, by this or another process). The chats
    must exist (they have subscriptions). In key order, so that two instances claiming at
    once lock the rows in the same order (no deadlock on PostgreSQL). A claim starts in the
    ``sending`` state, held by ``owner`` (bot.db.daily_ledger)."""
    if not claims:
        return set()
    insert = _insert(session)
    now = utcnow()
    rows = [
        {"chat_id": c, "local_date": d, "claimed_at": now, "state": "sending", "owner": owner}
        for c, d in sorted(set(claims))
    ]
    statement = insert(DailyPost).values(rows).on_conflict_do_nothing().returning(DailyPost.chat_id)
    return set((await session.scalars(statement)).all())


async def chats_by_id(session: AsyncSession, chat_ids: Iterable[int]) -> dict[int, Chat]:
    ids = list(set(chat_ids))
    if not ids:
        return {}
    rows = await session.scalars(select(Chat).where(Chat.id.in_(ids)))
    return {chat.id: chat for chat in rows}


async def items_posted_in_chats(
    session: AsyncSession, chat_ids: Iterable[int]
) -> dict[int, dict[str, datetime]]:
    """chat id → (item id → when it was last posted there), for many chats at once."""
    ids = list(set(chat_ids))
    posted: dict[int, dict[str, datetime]] = {chat_id: {} for chat_id in ids}
    if not ids:
        return posted
    rows = await session.execute(
        select(PollSent.chat_id, PollSent.item_id, func.max(PollSent.sent_at))
        .where(PollSent.chat_id.in_(ids))
        .group_by(PollSent.chat_id, PollSent.item_id)
    )
    for chat_id, item_id, sent in rows:
        posted[chat_id][item_id] = _aware(sent)
    return posted


@dataclass
class StudentCards:
    """What spaced repetition needs to know about one student."""

    timezone: str
    cards: list[srs.DueCard] = field(default_factory=list)  # every card, by due time
    created: list[datetime] = field(default_factory=list)  # when each card was first seen

    @property
    def seen(self) -> set[str]:
        return {card.item_id for card in self.cards}


async def student_cards(
    session: AsyncSession, user_ids: Iterable[int], default_tz: str = "UTC"
) -> dict[int, StudentCards]:
    """user id → their zone (own, else their private chat's, else ``default_tz``) and cards."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    fallback = default_tz if is_valid_timezone(default_tz) else "UTC"
    own = dict(
        (await session.execute(select(User.id, User.timezone).where(User.id.in_(ids)))).all()
    )
    chat_zones = dict(
        (await session.execute(select(Chat.id, Chat.timezone).where(Chat.id.in_(ids)))).all()
    )
    students: dict[int, StudentCards] = {}
    for user_id in ids:
        zone = next(
            (
                tz
                for tz in (own.get(user_id), chat_zones.get(user_id))
                if tz and is_valid_timezone(tz)
            ),
            fallback,
        )
        students[user_id] = StudentCards(timezone=zone)
    rows = await session.execute(
        select(QuizCard.user_id, QuizCard.item_id, QuizCard.due, QuizCard.created_at)
        .where(QuizCard.user_id.in_(ids))
        .order_by(QuizCard.user_id, QuizCard.due, QuizCard.item_id)
    )
    for user_id, item_id, due, created in rows:
        student = students[user_id]
        student.cards.append(srs.DueCard(item_id, _aware(due)))
        student.created.append(_aware(created))
    return students


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def unanswered_items(
    session: AsyncSession, chat_id: int, user_id: int, since: datetime
) -> set[str]:
    """Items posted in the chat since ``since`` that the student has not answered yet (so a
    second /quiz does not repeat a question still waiting for them)."""
    answered = select(Answer.poll_id).where(Answer.user_id == user_id)
    rows = await session.scalars(
        select(PollSent.item_id).where(
            PollSent.chat_id == chat_id,
            PollSent.sent_at >= since,
            PollSent.poll_id.not_in(answered),
        )
    )
    return set(rows)
