"""Evening reminders: at risk from 20:00 local with a running streak and no answer today; once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from time_machine import TimeMachineFixture

from bot.db import Database
from bot.db.answers import record_answer
from bot.db.chats import set_chat_active, upsert_chat
from bot.db.polls import record_poll_sent
from bot.db.reminders import claim_reminder, users_at_risk
from bot.db.users import set_user_reminder, set_user_timezone, upsert_user


async def student(db: Database, user_id: int, tz: str | None, private_chat: bool = True) -> None:
    async with db.session() as s:
        await upsert_user(s, user_id, f"user{user_id}", "es")
        if private_chat:
            await upsert_chat(s, user_id, "private", None)
        if tz:
            await set_user_timezone(s, user_id, tz)


async def answer_at(
    db: Database, user_id: int, at: datetime, tag: str, chat_id: int | None = None
) -> None:
    async with db.session() as s:
        await record_poll_sent(s, f"p-{user_id}-{tag}", "q1", chat_id or user_id, 0)
        outcome = await record_answer(s, f"p-{user_id}-{tag}", user_id, [0], at)
        assert outcome.recorded


async def at_risk(db: Database, now: datetime, **kwargs: object) -> dict[int, date]:
    async with db.session() as s:
        return {u.user_id: u.local_date for u in await users_at_risk(s, now, **kwargs)}


async def test_reminder_due_at_20_local_once_a_day(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    await student(db, 1, "Pacific/Honolulu")
    await answer_at(db, 1, datetime(2026, 2, 10, 22, 0, tzinfo=UTC), "a")  # noon, 10 Feb
    # 11 Feb 19:59 in Honolulu = 12 Feb 05:59 UTC: not yet.
    time_machine.move_to(datetime(2026, 2, 12, 5, 59, tzinfo=UTC), tick=False)
    assert await at_risk(db, datetime.now(UTC)) == {}
    time_machine.move_to(datetime(2026, 2, 12, 6, 0, tzinfo=UTC), tick=False)
    assert await at_risk(db, datetime.now(UTC)) == {1: date(2026, 2, 11)}
    async with db.session() as s:
        (user,) = await users_at_risk(s, datetime.now(UTC))
        assert (user.current_streak, user.timezone, user.first_name) == (
            1,
            "Pacific/Honolulu",
            "user1",
        )
        assert await claim_reminder(s, 1, user.local_date) is True
        assert await claim_reminder(s, 1, user.local_date) is False
    time_machine.move_to(datetime(2026, 2, 12, 9, 0, tzinfo=UTC), tick=False)  # 23:00 local
    assert await at_risk(db, datetime.now(UTC)) == {}  # already reminded today
    # Nothing answered on the 11th: by 12 Feb the streak is lost, nothing left to save.
    time_machine.move_to(datetime(2026, 2, 13, 7, 0, tzinfo=UTC), tick=False)
    assert await at_risk(db, datetime.now(UTC)) == {}


async def test_answering_today_clears_the_risk(db: Database) -> None:
    await student(db, 1, "Europe/Madrid")
    await answer_at(db, 1, datetime(2026, 7, 1, 10, 0, tzinfo=UTC), "a")
    evening = datetime(2026, 7, 2, 18, 30, tzinfo=UTC)  # 20:30 in Madrid (summer)
    assert await at_risk(db, evening) == {1: date(2026, 7, 2)}
    await answer_at(db, 1, datetime(2026, 7, 2, 18, 0, tzinfo=UTC), "b")
    assert await at_risk(db, evening) == {}


async def test_zones_decide_who_is_at_risk_at_one_instant(db: Database) -> None:
    for user_id, tz in ((10, "Pacific/Honolulu"), (14, "Pacific/Kiritimati"), (3, None)):
        await student(db, user_id, tz)
    # Everyone answered on 9 May in their own zone (at noon local).
    await answer_at(db, 10, datetime(2026, 5, 9, 22, 0, tzinfo=UTC), "a")
    await answer_at(db, 14, datetime(2026, 5, 8, 22, 0, tzinfo=UTC), "a")
    await answer_at(db, 3, datetime(2026, 5, 9, 12, 0, tzinfo=UTC), "a")
    # 10 May 06:30 UTC: 20:30 on 9 May in Honolulu (answered that day), 20:30 on 10 May in
    # Kiritimati (not yet), 06:30 in UTC (too early).
    assert await at_risk(db, datetime(2026, 5, 10, 6, 30, tzinfo=UTC)) == {14: date(2026, 5, 10)}
    # 20:00 UTC on 10 May: UTC user at risk; Kiritimati is on 11 May with 10 May missed (broken).
    assert await at_risk(db, datetime(2026, 5, 10, 20, 0, tzinfo=UTC)) == {3: date(2026, 5, 10)}
    # The bot default zone applies to students without one.
    madrid = await at_risk(db, datetime(2026, 5, 10, 18, 0, tzinfo=UTC), default_tz="Europe/Madrid")
    assert madrid == {3: date(2026, 5, 10)}


async def test_reminder_time_and_opt_out_are_respected(db: Database) -> None:
    await student(db, 1, "UTC")
    await answer_at(db, 1, datetime(2026, 3, 1, 9, 0, tzinfo=UTC), "a")
    async with db.session() as s:
        await set_user_reminder(s, 1, at=time(21, 30))
    assert await at_risk(db, datetime(2026, 3, 2, 21, 29, tzinfo=UTC)) == {}
    assert await at_risk(db, datetime(2026, 3, 2, 21, 30, tzinfo=UTC)) == {1: date(2026, 3, 2)}
    async with db.session() as s:
        await set_user_reminder(s, 1, enabled=False)
    assert await at_risk(db, datetime(2026, 3, 2, 22, 0, tzinfo=UTC)) == {}


async def test_only_students_the_bot_can_message_are_listed(db: Database) -> None:
    await student(db, 1, "UTC", private_chat=False)  # answers only in groups
    await student(db, 2, "UTC")
    for user_id in (1, 2):
        await answer_at(db, user_id, datetime(2026, 3, 1, 9, 0, tzinfo=UTC), "a", chat_id=-50)
    evening = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert set(await at_risk(db, evening)) == {2}
    assert set(await at_risk(db, evening, require_private_chat=False)) == {1, 2}
    async with db.session() as s:
        await set_chat_active(s, 2, False)  # blocked the bot
    assert await at_risk(db, evening) == {}


async def test_a_streak_held_by_a_freeze_is_still_at_risk(db: Database) -> None:
    await student(db, 1, "UTC")
    for n in range(7):
        await answer_at(db, 1, datetime(2026, 3, 1 + n, 9, 0, tzinfo=UTC), f"d{n}")
    # 7 Mar answered; 8 Mar missed (a freeze will cover it); 9 Mar evening: still worth saving.
    async with db.session() as s:
        (user,) = await users_at_risk(s, datetime(2026, 3, 9, 20, 0, tzinfo=UTC))
    assert user.current_streak == 7 and user.freezes == 0
