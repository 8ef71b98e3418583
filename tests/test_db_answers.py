"""Recording poll answers: once per (poll, student), local days across zones, DST and freezes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from time_machine import TimeMachineFixture

from bot.core.streak_rules import StreakEvent, StreakState, apply_answer, local_day
from bot.db import Database
from bot.db.answers import record_answer
from bot.db.cards import card_for, due_items
from bot.db.chats import set_chat_timezone, upsert_chat
from bot.db.models import Answer
from bot.db.polls import poll_by_id, record_poll_sent
from bot.db.streaks import current_streak, streak_state, streak_summary
from bot.db.users import set_user_timezone, upsert_user

GROUP = -1001


_poll_counter = iter(range(1, 1_000_000))


async def new_poll(db: Database, chat_id: int, item_id: str = "q1", correct: int = 0) -> str:
    poll_id = f"poll-{next(_poll_counter)}"
    async with db.session() as s:
        await record_poll_sent(s, poll_id, item_id, chat_id, correct, message_id=5)
    return poll_id


async def answer(db: Database, user_id: int, chat_id: int, *, right: bool = True, item="q1"):
    """Send a poll in ``chat_id`` and let ``user_id`` answer it now (the travelled clock)."""
    poll_id = await new_poll(db, chat_id, item)
    async with db.session() as s:
        return await record_answer(
            s, poll_id, user_id, [0 if right else 1], datetime.now(UTC), first_name="Ana"
        )


async def make_user(db: Database, user_id: int, tz: str | None = None) -> None:
    async with db.session() as s:
        await upsert_user(s, user_id, f"user{user_id}", "en")
        await upsert_chat(s, user_id, "private", None)
        if tz:
            await set_user_timezone(s, user_id, tz)


async def streak_of(db: Database, user_id: int, day: date, scope: int | None = None) -> int:
    async with db.session() as s:
        return await current_streak(s, user_id, day, scope)


async def test_polls_are_remembered(db: Database) -> None:
    poll_id = await new_poll(db, 42, "item-9", correct=2)
    async with db.session() as s:
        poll = await poll_by_id(s, poll_id)
        assert poll is not None
        assert (poll.item_id, poll.chat_id, poll.correct_option, poll.message_id) == (
            "item-9",
            42,
            2,
            5,
        )
        assert poll.is_daily is False and poll.sent_at.tzinfo is not None
        assert await poll_by_id(s, "nope") is None
        assert await record_poll_sent(s, poll_id, "other", 42, 0) is False


async def test_the_same_answer_delivered_twice_counts_once(db: Database) -> None:
    await make_user(db, 1)
    poll_id = await new_poll(db, 1)
    at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    async with db.session() as s:
        first = await record_answer(s, poll_id, 1, [0], at)
    async with db.session() as s:
        again = await record_answer(s, poll_id, 1, [0], at + timedelta(seconds=3))
    assert first.recorded and first.correct and first.first_today and first.streak == 1
    assert first.personal is not None and first.personal.event is StreakEvent.STARTED
    assert not again.recorded and again.correct and again.personal is None
    async with db.session() as s:
        rows = await s.scalar(select(func.count()).select_from(Answer))
        card = await card_for(s, 1, "q1")
    assert rows == 1
    assert card is not None and card.reviews == 1


async def test_answers_race_in_two_processes_and_count_once(db_url: str) -> None:
    import asyncio

    one, two = Database(db_url), Database(db_url)
    await one.start()
    await two.start()
    try:
        poll_id = await new_poll(one, 7)
        at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

        async def deliver(db: Database) -> bool:
            async with db.session() as s:
                return (await record_answer(s, poll_id, 7, [0], at)).recorded

        results = await asyncio.gather(*(deliver(db) for db in (one, two, one, two)))
        assert sorted(results) == [False, False, False, True]
        assert await streak_of(one, 7, at.date()) == 1
    finally:
        await one.close()
        await two.close()


async def test_unknown_polls_and_retracted_votes_change_nothing(db: Database) -> None:
    at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    async with db.session() as s:
        unknown = await record_answer(s, "never-sent", 1, [0], at)
    assert not unknown.recorded and not unknown.known_poll
    poll_id = await new_poll(db, 1)
    async with db.session() as s:
        retracted = await record_answer(s, poll_id, 1, [], at)
        assert not retracted.recorded and retracted.known_poll
        assert await s.scalar(select(func.count()).select_from(Answer)) == 0


async def test_wrong_answers_count_for_the_streak_but_not_as_correct(db: Database) -> None:
    await make_user(db, 1)
    at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    poll_id = await new_poll(db, 1, correct=3)
    async with db.session() as s:
        outcome = await record_answer(s, poll_id, 1, [1], at)
    assert outcome.recorded and not outcome.correct and outcome.streak == 1


async def test_a_second_answer_the_same_local_day_does_not_extend(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    await make_user(db, 1, "Europe/Madrid")
    time_machine.move_to(datetime(2026, 6, 1, 6, 0, tzinfo=UTC), tick=False)
    first = await answer(db, 1, 1)
    time_machine.move_to(datetime(2026, 6, 1, 21, 59, tzinfo=UTC), tick=False)  # 23:59 Madrid
    second = await answer(db, 1, 1, item="q2")
    assert first.first_today and not second.first_today and second.recorded
    assert second.personal is not None and second.personal.event is StreakEvent.SAME_DAY
    assert second.streak == 1
    time_machine.move_to(datetime(2026, 6, 1, 22, 1, tzinfo=UTC), tick=False)  # 00:01 next day
    third = await answer(db, 1, 1, item="q3")
    assert third.first_today and third.streak == 2 and third.local_date == date(2026, 6, 2)


async def test_the_same_utc_hour_is_a_different_day_in_honolulu_and_kiritimati(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    await make_user(db, 10, "Pacific/Honolulu")  # UTC-10
    await make_user(db, 14, "Pacific/Kiritimati")  # UTC+14
    await make_user(db, 5, None)  # the bot default (UTC)
    # 09:30 UTC: 23:30 on the 14th in Honolulu, 23:30 on the 15th in Kiritimati.
    time_machine.move_to(datetime(2026, 1, 15, 9, 30, tzinfo=UTC), tick=False)
    early = {uid: await answer(db, uid, uid) for uid in (10, 14, 5)}
    # One hour later both islands passed midnight; UTC did not.
    time_machine.move_to(datetime(2026, 1, 15, 10, 30, tzinfo=UTC), tick=False)
    late = {uid: await answer(db, uid, uid, item="q2") for uid in (10, 14, 5)}
    assert early[10].local_date == date(2026, 1, 14) and late[10].local_date == date(2026, 1, 15)
    assert early[14].local_date == date(2026, 1, 15) and late[14].local_date == date(2026, 1, 16)
    assert early[5].local_date == late[5].local_date == date(2026, 1, 15)
    assert (late[10].streak, late[14].streak, late[5].streak) == (2, 2, 1)
    assert late[10].timezone == "Pacific/Honolulu" and late[5].timezone == "UTC"


async def test_chat_zone_applies_when_the_student_has_none(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    async with db.session() as s:
        await upsert_chat(s, GROUP, "supergroup", "Study")
        await set_chat_timezone(s, GROUP, "Pacific/Kiritimati")
    time_machine.move_to(datetime(2026, 1, 15, 10, 30, tzinfo=UTC), tick=False)
    outcome = await answer(db, 3, GROUP)
    assert outcome.timezone == "Pacific/Kiritimati" and outcome.local_date == date(2026, 1, 16)


async def test_the_25_hour_day_in_new_york_is_one_day(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    await make_user(db, 1, "America/New_York")
    # 00:30 EDT and 23:30 EST on 1 Nov 2026: 24 hours apart in UTC, the same local day.
    time_machine.move_to(datetime(2026, 11, 1, 4, 30, tzinfo=UTC), tick=False)
    first = await answer(db, 1, 1)
    time_machine.move_to(datetime(2026, 11, 2, 4, 30, tzinfo=UTC), tick=False)
    second = await answer(db, 1, 1, item="q2")
    assert first.local_date == second.local_date == date(2026, 11, 1)
    assert not second.first_today and second.streak == 1
    time_machine.move_to(datetime(2026, 11, 2, 5, 30, tzinfo=UTC), tick=False)  # 00:30 EST
    third = await answer(db, 1, 1, item="q3")
    assert third.local_date == date(2026, 11, 2) and third.streak == 2


async def test_the_23_hour_day_in_new_york_can_be_missed_in_24_hours(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    await make_user(db, 1, "America/New_York")
    # 23:30 EST on 7 Mar, then 00:30 EDT on 9 Mar: 24 hours apart, but all of 8 Mar was missed.
    time_machine.move_to(datetime(2026, 3, 8, 4, 30, tzinfo=UTC), tick=False)
    first = await answer(db, 1, 1)
    time_machine.move_to(datetime(2026, 3, 9, 4, 30, tzinfo=UTC), tick=False)
    second = await answer(db, 1, 1, item="q2")
    assert first.local_date == date(2026, 3, 7) and second.local_date == date(2026, 3, 9)
    assert second.started_over and second.streak == 1


async def test_madrid_streak_survives_both_dst_changes(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    await make_user(db, 1, "Europe/Madrid")
    # 23:30 local every evening from 27 Mar to 30 Mar (spring forward on the 29th) ...
    for day_n, utc_hour in ((27, 22), (28, 22), (29, 21), (30, 21)):
        time_machine.move_to(datetime(2026, 3, day_n, utc_hour, 30, tzinfo=UTC), tick=False)
        outcome = await answer(db, 1, 1, item=f"m{day_n}")
        assert outcome.local_date == date(2026, 3, day_n) and outcome.first_today
    assert outcome.streak == 4
    # ... and 00:30 local across fall back (25 Oct): a fresh streak of 3 days.
    for day_n, utc_hour, utc_day in ((24, 22, 23), (25, 22, 24), (26, 23, 25)):
        time_machine.move_to(datetime(2026, 10, utc_day, utc_hour, 30, tzinfo=UTC), tick=False)
        outcome = await answer(db, 1, 1, item=f"o{day_n}")
        assert outcome.local_date == date(2026, 10, day_n)
    assert outcome.streak == 3


async def test_freezes_earned_at_seven_spent_on_a_missed_day_then_reset(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    await make_user(db, 1, "Pacific/Honolulu")
    start = datetime(2026, 2, 1, 22, 0, tzinfo=UTC)  # noon in Honolulu
    outcomes = []
    for n in range(7):
        time_machine.move_to(start + timedelta(days=n), tick=False)
        outcomes.append(await answer(db, 1, 1, item=f"d{n}"))
    assert [o.freeze_earned for o in outcomes] == [False] * 6 + [True]
    today = date(2026, 2, 7)
    async with db.session() as s:
        summary = await streak_summary(s, 1, today)
    assert (summary.current, summary.best, summary.freezes) == (7, 7, 1)
    assert summary.answered_today and summary.answers_today == 1
    # Day 8 missed: the streak holds on day 9, and the answer spends the freeze.
    async with db.session() as s:
        pending = await streak_summary(s, 1, date(2026, 2, 9))
    assert pending.current == 7 and pending.freezes == 0 and not pending.answered_today
    time_machine.move_to(start + timedelta(days=8), tick=False)
    bridged = await answer(db, 1, 1, item="d8")
    assert bridged.freezes_used == 1 and bridged.streak == 8 and not bridged.started_over
    # Two days missed with no freeze left: the streak starts over, the best stays.
    time_machine.move_to(start + timedelta(days=11), tick=False)
    reset = await answer(db, 1, 1, item="d11")
    assert reset.started_over and reset.streak == 1
    async with db.session() as s:
        summary = await streak_summary(s, 1, date(2026, 2, 12))
    assert (summary.current, summary.best, summary.freezes) == (1, 8, 0)
    assert await streak_of(db, 1, date(2026, 2, 14)) == 0  # and it broke again by the 14th


async def test_group_answers_also_build_a_streak_in_that_group(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    await make_user(db, 1)
    async with db.session() as s:
        await upsert_chat(s, GROUP, "supergroup", "Study")
    time_machine.move_to(datetime(2026, 4, 1, 12, 0, tzinfo=UTC), tick=False)
    in_group = await answer(db, 1, GROUP)
    time_machine.move_to(datetime(2026, 4, 2, 12, 0, tzinfo=UTC), tick=False)
    in_private = await answer(db, 1, 1, item="q2")
    assert in_group.group is not None and in_group.group.state.current == 1
    assert in_private.group is None and in_private.streak == 2
    async with db.session() as s:
        summary = await streak_summary(s, 1, date(2026, 4, 2), group_chat_id=GROUP)
    assert summary.current == 2 and summary.group_current == 1 and summary.group_best == 1
    assert await streak_of(db, 1, date(2026, 4, 2), GROUP) == 1


async def test_each_answer_reviews_the_students_card(db: Database) -> None:
    await make_user(db, 1)
    at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    right, wrong = await new_poll(db, 1, "good-item"), await new_poll(db, 1, "bad-item")
    async with db.session() as s:
        await record_answer(s, right, 1, [0], at)
        await record_answer(s, wrong, 1, [1], at)
    async with db.session() as s:
        assert await due_items(s, 1, at) == []
        soon = await due_items(s, 1, at + timedelta(minutes=15))
        assert [c.item_id for c in soon] == ["bad-item", "good-item"]
        good, bad = await card_for(s, 1, "good-item"), await card_for(s, 1, "bad-item")
    assert good is not None and bad is not None
    assert good.due > bad.due > at and good.last_review == at


_user_ids = iter(range(10_000, 1_000_000))
ZONES = ["Pacific/Honolulu", "Pacific/Kiritimati", "Europe/Madrid", "America/New_York", "UTC"]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # one student per example
)
@given(
    zone=st.sampled_from(ZONES),
    hours=st.lists(st.integers(min_value=0, max_value=24 * 12), min_size=1, max_size=12),
    redeliver=st.lists(st.booleans(), min_size=12, max_size=12),
)
async def test_stored_streak_matches_the_pure_rules_despite_redeliveries(
    db: Database, zone: str, hours: list[int], redeliver: list[bool]
) -> None:
    user_id = next(_user_ids)
    await make_user(db, user_id, zone)
    start = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # spans the March DST changes
    expected = StreakState()
    for n, hour in enumerate(sorted(hours)):
        at = start + timedelta(hours=hour, minutes=n)
        poll_id = await new_poll(db, user_id, f"item{n}")
        for _ in range(2 if redeliver[n] else 1):
            async with db.session() as s:
                await record_answer(s, poll_id, user_id, [0], at)
        expected = apply_answer(expected, local_day(at, zone)).state
    async with db.session() as s:
        assert await streak_state(s, user_id) == expected
        rows = await s.scalar(select(func.count()).where(Answer.user_id == user_id))
    assert rows == len(hours)
