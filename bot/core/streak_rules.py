"""Pure streak rules over local calendar days: extend, freeze, start over (no database, no clock).

A streak counts consecutive local days with at least one answer. Every completed run of 7 answered
days earns a freeze (at most 2 held); a missed day spends one automatically when the student comes
back; a gap longer than the freezes held starts the streak over. Days frozen keep the streak alive
but do not add to it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_FREEZES = 2
FREEZE_EVERY = 7  # answered days in a run that earn one freeze


class StreakEvent(StrEnum):
    """What one answer did to a streak."""

    STARTED = "started"  # the first streak day ever
    EXTENDED = "extended"  # the day after the last one
    FREEZE_USED = "freeze_used"  # missed days bridged with freezes, then extended
    STARTED_OVER = "started_over"  # the gap was too long: back to 1
    SAME_DAY = "same_day"  # already answered that day: nothing changes


@dataclass(frozen=True, slots=True)
class StreakState:
    """What is stored per student and scope."""

    current: int = 0
    best: int = 0
    last_day: date | None = None  # the last local day with an answer
    freezes: int = 0
    last_freeze_earned: date | None = None


@dataclass(frozen=True, slots=True)
class StreakChange:
    """The state after an answer, and what happened (for the note shown to the student)."""

    before: StreakState
    state: StreakState
    event: StreakEvent
    freezes_used: int = 0
    missed_days: int = 0
    freeze_earned: bool = False

    @property
    def counted(self) -> bool:
        """True when the answer was the first of its day (the streak moved)."""
        return self.event is not StreakEvent.SAME_DAY

    @property
    def best_reached(self) -> bool:
        """True when this answer set a new personal best."""
        return self.counted and self.state.current > self.before.best


@dataclass(frozen=True, slots=True)
class StreakView:
    """A streak as it stands on a given local day, freezes not yet spent taken into account."""

    current: int  # 0 when the streak is broken
    best: int
    freezes: int  # freezes still available after covering the days already missed
    answered_today: bool
    missed_days: int = 0  # days since the last answer, before today, that freezes will cover

    @property
    def alive(self) -> bool:
        return self.current > 0


def safe_zone(tz: str | None) -> ZoneInfo:
    """The zone named ``tz``, or UTC for a missing or unknown name (never raises)."""
    if tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return ZoneInfo("UTC")


def local_day(instant: datetime, tz: str | None) -> date:
    """The calendar day in zone ``tz`` at the aware UTC ``instant``."""
    if instant.tzinfo is None:
        raise ValueError("local_day needs an aware datetime")
    return instant.astimezone(safe_zone(tz)).date()


def local_now(instant: datetime, tz: str | None) -> datetime:
    """``instant`` as wall-clock time in zone ``tz``."""
    if instant.tzinfo is None:
        raise ValueError("local_now needs an aware datetime")
    return instant.astimezone(safe_zone(tz))


def utc_bounds_of_day(day: date, tz: str | None) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of local ``day`` in ``tz`` (23 or 25 hours on DST days)."""
    zone = safe_zone(tz)
    start = datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    return start, end


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def apply_answer(state: StreakState, day: date) -> StreakChange:
    """The streak after an answer on local ``day``."""
    if state.last_day is None:
        after = replace(state, current=1, best=max(state.best, 1), last_day=day)
        return _maybe_earn(StreakChange(state, after, StreakEvent.STARTED))
    gap = (day - state.last_day).days
    if gap <= 0:  # same day, or an earlier day after a time-zone change: nothing to count
        return StreakChange(state, state, StreakEvent.SAME_DAY)
    missed = gap - 1
    if missed == 0:
        current = state.current + 1
        after = replace(state, current=current, best=max(state.best, current), last_day=day)
        return _maybe_earn(StreakChange(state, after, StreakEvent.EXTENDED))
    if missed <= state.freezes:
        current = state.current + 1
        after = replace(
            state,
            current=current,
            best=max(state.best, current),
            last_day=day,
            freezes=state.freezes - missed,
        )
        change = StreakChange(
            state, after, StreakEvent.FREEZE_USED, freezes_used=missed, missed_days=missed
        )
        return _maybe_earn(change)
    after = replace(state, current=1, best=max(state.best, 1), last_day=day)
    return StreakChange(state, after, StreakEvent.STARTED_OVER, missed_days=missed)


def _maybe_earn(change: StreakChange) -> StreakChange:
    state = change.state
    if state.current % FREEZE_EVERY != 0 or state.freezes >= MAX_FREEZES:
        return change
    earned = replace(state, freezes=state.freezes + 1, last_freeze_earned=state.last_day)
    return replace(change, state=earned, freeze_earned=True)


def view_streak(state: StreakState, today: date) -> StreakView:
    """How the streak looks on local ``today`` (whether or not the student answered yet)."""
    if state.last_day is None:
        return StreakView(0, state.best, state.freezes, answered_today=False)
    gap = (today - state.last_day).days
    if gap <= 0:
        return StreakView(state.current, state.best, state.freezes, answered_today=True)
    missed = gap - 1
    if missed <= state.freezes:
        return StreakView(
            state.current,
            state.best,
            state.freezes - missed,
            answered_today=False,
            missed_days=missed,
        )
    return StreakView(0, state.best, state.freezes, answered_today=False, missed_days=missed)


def current_streak_on(state: StreakState, today: date) -> int:
    """The streak shown on local ``today``: 0 once it can no longer be saved."""
    return view_streak(state, today).current


def is_at_risk(state: StreakState, today: date) -> bool:
    """True when a running streak still lacks today's answer (the evening reminder's rule)."""
    view = view_streak(state, today)
    return view.alive and not view.answered_today
