"""Stored streaks per student and scope (global or one group): read them, count an answer day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.streak_rules import StreakChange, StreakState, apply_answer, view_streak
from bot.db.base import insert_unless_present
from bot.db.models import GLOBAL_SCOPE, Answer, Streak


@dataclass(frozen=True, slots=True)
class StreakSummary:
    """A student's streak as of their local ``today`` (what ``/streak`` shows)."""

    current: int
    best: int
    freezes: int
    answered_today: bool
    answers_today: int
    group_current: int | None = None  # set when asked for a group as well
    group_best: int | None = None


def _scope(scope_chat_id: int | None) -> int:
    return GLOBAL_SCOPE if scope_chat_id is None else scope_chat_id


def _state(row: Streak | None) -> StreakState:
    if row is None:
        return StreakState()
    return StreakState(
        current=row.current,
        best=row.best,
        last_day=row.last_day,
        freezes=row.freezes,
        last_freeze_earned=row.last_freeze_earned,
    )


async def streak_state(
    session: AsyncSession, user_id: int, scope_chat_id: int | None = None
) -> StreakState:
    """The stored streak (global when ``scope_chat_id`` is None), empty if none yet."""
    row = await session.get(Streak, (user_id, _scope(scope_chat_id)))
    return _state(row)


async def apply_answer_day(
    session: AsyncSession, user_id: int, day: date, scope_chat_id: int | None = None
) -> StreakChange:
    """Count an answer on local ``day`` towards a streak and store the result (row locked)."""
    scope = _scope(scope_chat_id)
    await insert_unless_present(session, Streak, user_id=user_id, scope_chat_id=scope)
    row = await session.get(Streak, (user_id, scope), with_for_update=True, populate_existing=True)
    assert row is not None
    change = apply_answer(_state(row), day)
    if change.counted:
        after = change.state
        row.current = after.current
        row.best = after.best
        row.last_day = after.last_day
        row.freezes = after.freezes
        row.last_freeze_earned = after.last_freeze_earned
        await session.flush()
    return change


async def current_streak(
    session: AsyncSession, user_id: int, day: date, scope_chat_id: int | None = None
) -> int:
    """The streak shown on local ``day``: 0 when none, or when missed days outran the freezes."""
    return view_streak(await streak_state(session, user_id, scope_chat_id), day).current


async def answers_on(session: AsyncSession, user_id: int, day: date) -> int:
    """How many answers the student gave on local ``day`` (any chat)."""
    count = await session.scalar(
        select(func.count())
        .select_from(Answer)
        .where(Answer.user_id == user_id, Answer.local_date == day)
    )
    return int(count or 0)


async def streak_summary(
    session: AsyncSession, user_id: int, today: date, group_chat_id: int | None = None
) -> StreakSummary:
    """Current and best streak, freezes available, and today's answers (plus a group's streak)."""
    view = view_streak(await streak_state(session, user_id), today)
    summary = StreakSummary(
        current=view.current,
        best=view.best,
        freezes=view.freezes,
        answered_today=view.answered_today,
        answers_today=await answers_on(session, user_id, today),
    )
    if group_chat_id is None or group_chat_id == GLOBAL_SCOPE:
        return summary
    group = view_streak(await streak_state(session, user_id, group_chat_id), today)
    return StreakSummary(
        current=summary.current,
        best=summary.best,
        freezes=summary.freezes,
        answered_today=summary.answered_today,
        answers_today=summary.answers_today,
        group_current=group.current,
        group_best=group.best,
    )
