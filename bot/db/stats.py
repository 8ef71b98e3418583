"""Progress questions: a group's weekly leaderboard, a student's activity per day, their totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, Integer, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.streak_rules import StreakState, view_streak
from bot.db.models import Answer, Streak, User


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    """One member's standing in a group for a week."""

    user_id: int
    first_name: str
    group_streak: int  # current streak of days answering in this group
    best_streak: int
    week_correct: int
    week_answers: int


@dataclass(frozen=True, slots=True)
class DayActivity:
    answers: int
    correct: int


def _correct_sum() -> ColumnElement[int]:
    """SUM of correct answers as an integer (0 when there are none)."""
    return func.coalesce(func.sum(case((Answer.correct.is_(True), 1), else_=0)), 0).cast(Integer)


async def weekly_leaderboard(
    session: AsyncSession,
    chat_id: int,
    week_start: date,
    today: date | None = None,
    limit: int | None = None,
) -> list[LeaderboardEntry]:
    """Members who answered in the group this week or hold a streak there: their correct answers
    from ``week_start`` (7 local days) and their group streak as of ``today``. Sorted by correct
    answers, then streak, then user id."""
    week_end = week_start + timedelta(days=7)
    if today is None:
        today = min(week_end - timedelta(days=1), datetime.now(UTC).date())
    week_rows = await session.execute(
        select(Answer.user_id, func.count(), _correct_sum())
        .where(
            Answer.chat_id == chat_id,
            Answer.local_date >= week_start,
            Answer.local_date < week_end,
        )
        .group_by(Answer.user_id)
    )
    week = {user_id: (int(total), int(correct)) for user_id, total, correct in week_rows}
    streaks = {
        row.user_id: row
        for row in await session.scalars(select(Streak).where(Streak.scope_chat_id == chat_id))
    }
    user_ids = set(week) | set(streaks)
    if not user_ids:
        return []
    name_rows = await session.execute(select(User.id, User.first_name).where(User.id.in_(user_ids)))
    names: dict[int, str] = {user_id: name for user_id, name in name_rows}
    entries = []
    for user_id in user_ids:
        row = streaks.get(user_id)
        state = (
            StreakState(row.current, row.best, row.last_day, row.freezes)
            if row is not None
            else StreakState()
        )
        view = view_streak(state, today)
        total, correct = week.get(user_id, (0, 0))
        entries.append(
            LeaderboardEntry(
                user_id=user_id,
                first_name=names.get(user_id, ""),
                group_streak=view.current,
                best_streak=view.best,
                week_correct=correct,
                week_answers=total,
            )
        )
    entries.sort(key=lambda e: (-e.week_correct, -e.group_streak, e.user_id))
    return entries[:limit] if limit is not None else entries


async def daily_activity(
    session: AsyncSession, user_id: int, since: date, until: date | None = None
) -> dict[date, DayActivity]:
    """Answers and correct answers per local day from ``since`` (to ``until`` inclusive), for a
    heatmap; days without answers are absent."""
    query = (
        select(Answer.local_date, func.count(), _correct_sum())
        .where(Answer.user_id == user_id, Answer.local_date >= since)
        .group_by(Answer.local_date)
        .order_by(Answer.local_date)
    )
    if until is not None:
        query = query.where(Answer.local_date <= until)
    rows = await session.execute(query)
    return {day: DayActivity(int(total), int(correct)) for day, total, correct in rows}


async def answer_totals(session: AsyncSession, user_id: int) -> DayActivity:
    """All the student's answers and how many were right."""
    row = (
        await session.execute(select(func.count(), _correct_sum()).where(Answer.user_id == user_id))
    ).one()
    return DayActivity(int(row[0]), int(row[1]))
