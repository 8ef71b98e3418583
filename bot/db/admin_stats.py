"""Read-only counts for the owner's /status: users, chats, daily subscriptions, answers and the
inbox (pending and dead-letter updates),
answered in one round trip to the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Answer, Chat, DailySubscription, InboxUpdate, User


@dataclass(frozen=True, slots=True)
class BotCounts:
    """How much the bot is used, at one moment."""

    users: int
    active_chats: int
    inactive_chats: int
    daily_active: int
    daily_paused: int
    answers_today: int
    answers_total: int
    inbox_pending: int = 0
    inbox_dead: int = 0  # set aside after failing (dead letter)


async def bot_counts(session: AsyncSession, *, day_start: datetime, day_end: datetime) -> BotCounts:
    """Every count of /status; "today" is the half-open UTC interval [day_start, day_end)."""

    def count(model: type, *conditions: ColumnElement[bool]) -> ScalarSelect[int]:
        # a scalar subquery: SELECT count(*) ...
        return select(func.count()).select_from(model).where(*conditions).scalar_subquery()

    row = (
        await session.execute(
            select(
                count(User),
                count(Chat, Chat.active.is_(True)),
                count(Chat, Chat.active.is_(False)),
                count(DailySubscription, DailySubscription.active.is_(True)),
                count(DailySubscription, DailySubscription.active.is_(False)),
                count(Answer, Answer.answered_at >= day_start, Answer.answered_at < day_end),
                count(Answer),
                count(InboxUpdate, InboxUpdate.state == "pending"),
                count(InboxUpdate, InboxUpdate.state == "dead"),
            )
        )
    ).one()
    return BotCounts(*(int(value or 0) for value in row))
