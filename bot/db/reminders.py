"""Evening streak reminders: who may lose a streak right now, and a once-a-day ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.streak_rules import MAX_FREEZES, StreakState, local_now, view_streak
from bot.db.base import insert_unless_present, utcnow
from bot.db.models import GLOBAL_SCOPE, Chat, ReminderSent, Streak, User
from bot.db.users import is_valid_timezone


@dataclass(frozen=True, slots=True)
class AtRiskUser:
    """A student to remind: their running streak still lacks today's answer."""

    user_id: int
    first_name: str
    language: str | None  # explicit choice, else None (use telegram_language)
    telegram_language: str | None
    timezone: str
    local_date: date
    current_streak: int
    freezes: int


async def users_at_risk(
    session: AsyncSession,
    now: datetime,
    default_tz: str = "UTC",
    *,
    require_private_chat: bool = True,
) -> list[AtRiskUser]:
    """Students with a streak ≥ 1 who have not answered today in their zone, whose reminder time
    has passed there, who allow reminders and were not reminded today.

    With ``require_private_chat`` only students with an active private chat with the bot count
    (the bot cannot message anyone else)."""
    fallback = default_tz if is_valid_timezone(default_tz) else "UTC"
    # Every zone's "today" lies within a day of the UTC date; a streak whose last day is older
    # than that minus the freezes it could hold is broken already and needs no reminder.
    utc_today = now.astimezone(UTC).date()
    oldest_alive = utc_today - timedelta(days=2 + MAX_FREEZES)
    query = (
        select(User, Streak)
        .join(Streak, (Streak.user_id == User.id) & (Streak.scope_chat_id == GLOBAL_SCOPE))
        .where(
            User.reminder_enabled.is_(True),
            Streak.current >= 1,
            Streak.last_day >= oldest_alive,
        )
        .order_by(User.id)
    )
    if require_private_chat:
        query = query.join(Chat, Chat.id == User.id).where(Chat.active.is_(True))
    reminded = {
        (user_id, day)
        for user_id, day in await session.execute(
            select(ReminderSent.user_id, ReminderSent.local_date).where(
                ReminderSent.local_date >= utc_today - timedelta(days=1)
            )
        )
    }
    at_risk: list[AtRiskUser] = []
    for user, streak in await session.execute(query):
        tz = user.timezone if user.timezone and is_valid_timezone(user.timezone) else fallback
        local = local_now(now, tz)
        today = local.date()
        if local.time().replace(tzinfo=None) < user.reminder_time:
            continue
        state = StreakState(streak.current, streak.best, streak.last_day, streak.freezes)
        view = view_streak(state, today)
        if not view.alive or view.answered_today:
            continue
        if (user.id, today) in reminded:
            continue
        at_risk.append(
            AtRiskUser(
                user_id=user.id,
                first_name=user.first_name,
                language=user.language,
                telegram_language=user.telegram_language,
                timezone=tz,
                local_date=today,
                current_streak=view.current,
                freezes=view.freezes,
            )
        )
    return at_risk


async def claim_reminder(session: AsyncSession, user_id: int, local_date: date) -> bool:
    """Claim the student's reminder for ``local_date`` before sending: True once per day."""
    return await insert_unless_present(
        session, ReminderSent, user_id=user_id, local_date=local_date, sent_at=utcnow()
    )
