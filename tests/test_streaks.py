"""Pure streak rules: consecutive local days, freezes earned at 7 (max 2), spent on missed days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.streak_rules import (
    MAX_FREEZES,
    StreakEvent,
    StreakState,
    apply_answer,
    current_streak_on,
    is_at_risk,
    local_day,
    utc_bounds_of_day,
    view_streak,
    week_start,
)

D0 = date(2026, 3, 2)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def run(days: list[int], state: StreakState | None = None) -> StreakState:
    state = state or StreakState()
    for n in days:
        state = apply_answer(state, day(n)).state
    return state


def test_first_answer_starts_a_streak_of_one() -> None:
    change = apply_answer(StreakState(), D0)
    assert change.event is StreakEvent.STARTED
    assert change.state.current == 1 and change.state.best == 1
    assert change.state.last_day == D0
    assert change.counted and change.best_reached


def test_consecutive_days_extend_the_streak() -> None:
    state = run([0, 1, 2])
    assert (state.current, state.best) == (3, 3)
    change = apply_answer(state, day(3))
    assert change.event is StreakEvent.EXTENDED
    assert change.state.current == 4


def test_answering_twice_the_same_day_changes_nothing() -> None:
    state = run([0, 1])
    change = apply_answer(state, day(1))
    assert change.event is StreakEvent.SAME_DAY
    assert change.state == state
    assert not change.counted and not change.best_reached


def test_an_earlier_day_after_a_zone_change_changes_nothing() -> None:
    state = run([0, 1])
    change = apply_answer(state, day(0))
    assert change.event is StreakEvent.SAME_DAY and change.state == state


def test_a_freeze_is_earned_on_the_seventh_day() -> None:
    state = run(list(range(6)))
    assert state.freezes == 0
    change = apply_answer(state, day(6))
    assert change.state.current == 7
    assert change.freeze_earned and change.state.freezes == 1
    assert change.state.last_freeze_earned == day(6)
    state = run(list(range(7, 13)), change.state)
    assert state.freezes == 1  # days 8..13 earn nothing
    change = apply_answer(state, day(13))
    assert change.state.current == 14 and change.state.freezes == 2 and change.freeze_earned


def test_freezes_are_capped_at_two() -> None:
    state = run(list(range(21)))
    assert state.current == 21
    assert state.freezes == MAX_FREEZES
    change = apply_answer(run(list(range(20))), day(20))
    assert not change.freeze_earned


def test_a_missed_day_spends_a_freeze_automatically() -> None:
    state = run(list(range(7)))  # 7 days: one freeze
    change = apply_answer(state, day(8))  # day 7 missed
    assert change.event is StreakEvent.FREEZE_USED
    assert change.freezes_used == 1 and change.missed_days == 1
    assert change.state.freezes == 0
    assert change.state.current == 8  # frozen days keep the streak but do not add to it


def test_two_missed_days_need_two_freezes() -> None:
    state = run(list(range(14)))
    assert state.freezes == 2
    change = apply_answer(state, day(16))  # days 14 and 15 missed
    assert change.event is StreakEvent.FREEZE_USED and change.freezes_used == 2
    assert change.state.current == 15 and change.state.freezes == 0


def test_a_gap_longer_than_the_freezes_starts_over() -> None:
    state = run(list(range(7)))  # one freeze
    change = apply_answer(state, day(9))  # two missed days
    assert change.event is StreakEvent.STARTED_OVER
    assert change.missed_days == 2 and change.freezes_used == 0
    assert change.state.current == 1
    assert change.state.best == 7
    assert change.state.freezes == 1  # not spent in vain


def test_without_freezes_one_missed_day_starts_over() -> None:
    change = apply_answer(run([0, 1, 2]), day(4))
    assert change.event is StreakEvent.STARTED_OVER and change.state.current == 1


def test_view_counts_pending_freezes_and_breaks_when_they_run_out() -> None:
    state = run(list(range(7)))  # last day: day 6, one freeze
    assert view_streak(state, day(6)).answered_today
    assert view_streak(state, day(7)).current == 7 and not view_streak(state, day(7)).answered_today
    pending = view_streak(state, day(8))  # day 7 missed, a freeze will cover it
    assert pending.current == 7 and pending.freezes == 0 and pending.missed_days == 1
    assert current_streak_on(state, day(9)) == 0  # two missed days, one freeze
    assert current_streak_on(StreakState(), day(0)) == 0


def test_at_risk_means_running_streak_without_todays_answer() -> None:
    state = run([0, 1])
    assert not is_at_risk(state, day(1))  # answered today
    assert is_at_risk(state, day(2))
    assert not is_at_risk(state, day(3))  # already broken: nothing to save
    assert not is_at_risk(StreakState(), day(0))


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        # 09:30 UTC is still the previous evening in Honolulu (UTC-10) ...
        (datetime(2026, 1, 15, 9, 30, tzinfo=UTC), "Pacific/Honolulu", date(2026, 1, 14)),
        # ... and already the next day in Kiritimati (UTC+14).
        (datetime(2026, 1, 15, 10, 30, tzinfo=UTC), "Pacific/Kiritimati", date(2026, 1, 16)),
        (datetime(2026, 1, 15, 9, 59, tzinfo=UTC), "Pacific/Kiritimati", date(2026, 1, 15)),
        (datetime(2026, 1, 15, 23, 30, tzinfo=UTC), "Europe/Madrid", date(2026, 1, 16)),
        (datetime(2026, 7, 15, 21, 59, tzinfo=UTC), "Europe/Madrid", date(2026, 7, 15)),
        (datetime(2026, 7, 15, 22, 0, tzinfo=UTC), "Europe/Madrid", date(2026, 7, 16)),
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "Not/AZone", date(2026, 1, 15)),  # UTC
    ],
)
def test_local_day_follows_the_zone(instant: datetime, zone: str, expected: date) -> None:
    assert local_day(instant, zone) == expected


def test_local_day_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        local_day(datetime(2026, 1, 1, 12), "UTC")


@pytest.mark.parametrize(
    ("zone", "the_day", "hours"),
    [
        ("Europe/Madrid", date(2026, 3, 29), 23),  # spring forward
        ("Europe/Madrid", date(2026, 10, 25), 25),  # fall back
        ("America/New_York", date(2026, 3, 8), 23),
        ("America/New_York", date(2026, 11, 1), 25),
        ("Pacific/Kiritimati", date(2026, 3, 29), 24),
    ],
)
def test_day_bounds_are_23_or_25_hours_on_dst_days(zone: str, the_day: date, hours: int) -> None:
    start, end = utc_bounds_of_day(the_day, zone)
    assert end - start == timedelta(hours=hours)
    assert local_day(start, zone) == the_day
    assert local_day(end - timedelta(microseconds=1), zone) == the_day
    assert local_day(end, zone) == the_day + timedelta(days=1)


@pytest.mark.parametrize("zone", ["Europe/Madrid", "America/New_York"])
def test_streak_continues_through_the_short_and_long_dst_days(zone: str) -> None:
    # One answer an hour before local midnight, every day across both DST changes of 2026.
    state = StreakState()
    first = date(2026, 3, 1)
    for n in range(0, 280):
        the_day = first + timedelta(days=n)
        _, end = utc_bounds_of_day(the_day, zone)
        answered = end - timedelta(hours=1)
        assert local_day(answered, zone) == the_day
        state = apply_answer(state, local_day(answered, zone)).state
    assert state.current == 280 and state.best == 280


def test_week_starts_on_monday() -> None:
    assert week_start(date(2026, 11, 22)) == date(2026, 11, 16)  # a Sunday
    assert week_start(date(2026, 11, 16)) == date(2026, 11, 16)


@given(st.lists(st.integers(min_value=0, max_value=120), max_size=60))
def test_invariants_hold_for_any_answer_days(offsets: list[int]) -> None:
    state = StreakState()
    for n in sorted(offsets):
        before = state
        change = apply_answer(state, day(n))
        state = change.state
        assert 0 <= state.freezes <= MAX_FREEZES
        assert 1 <= state.current <= state.best
        assert state.best >= before.best
        if change.event is StreakEvent.SAME_DAY:
            assert state == before
        if change.event is StreakEvent.FREEZE_USED:
            assert before.freezes - change.freezes_used + int(change.freeze_earned) == (
                state.freezes
            )
    if offsets:
        distinct = sorted(set(offsets))
        assert state.current <= len(distinct)
        assert state.last_day == day(distinct[-1])
