"""Streaks end to end with time travel: consecutive local days, a freeze earned after 7 days and
spent on a missed day (and the student is told), the evening reminder once a day, /remind off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.features.daily.reminders import send_due_reminders
from bot.telegram.sender import TelegramSender
from tests.e2e.conftest import BotHarness
from tests.e2e.test_daily_e2e import pause_background_jobs
from tests.e2e.test_quiz_e2e import polls_in, question_bank, right_option, start_quiz_bot
from tests.fakebot import ALICE, BOB

__all__ = ["question_bank"]


@pytest.fixture
async def streak_bot(
    fake_api, notes_searcher, question_bank, tmp_path
) -> AsyncIterator[BotHarness]:
    async for harness in start_quiz_bot(fake_api, notes_searcher, tmp_path / "data", question_bank):
        pause_background_jobs(harness.application)
        yield harness


async def quiz_and_answer(bot: BotHarness, user, *, right: bool = True) -> dict:
    """/quiz, answer it, and return the follow-up message."""
    api = bot.api
    before = len(polls_in(api, user.id))
    api.push_update(api.build.command(user, "quiz"))
    await api.wait_for(lambda: len(polls_in(api, user.id)) > before, 10)
    poll_message = polls_in(api, user.id)[-1]
    correct = right_option(poll_message)
    option = correct if right else (correct + 1) % len(poll_message["poll"]["options"])
    count = len(api.messages(user.id))
    api.push_update(api.build.poll_answer(user, poll_message["poll"]["id"], [option]))
    await api.wait_for(lambda: len(api.messages(user.id)) > count, 10)
    return api.messages(user.id)[-1]


async def test_a_week_earns_a_freeze_that_saves_a_missed_day(streak_bot):
    start = datetime(2031, 6, 2, 9, 0, tzinfo=UTC)  # a Monday morning
    with time_machine.travel(start, tick=True) as traveller:
        for day in range(7):
            traveller.move_to(start + timedelta(days=day))
            note = await quiz_and_answer(streak_bot, ALICE)
            assert f"Streak: {day + 1} day" in note["text"]
        assert "earned a streak freeze" in note["text"]

        traveller.move_to(start + timedelta(days=6, hours=3))  # later on the 7th day
        [streak] = await streak_bot.send_and_wait(
            streak_bot.api.build.command(ALICE, "streak"), ALICE.id
        )
        assert "Freezes: 1 of 2" in streak["text"] and "Today: done (1 answer)" in streak["text"]

        traveller.move_to(start + timedelta(days=8))  # the 8th day was missed
        note = await quiz_and_answer(streak_bot, ALICE, right=False)
        assert "freeze saved your streak" in note["text"] and "Streak: 8 days" in note["text"]
        [streak] = await streak_bot.send_and_wait(
            streak_bot.api.build.command(ALICE, "streak"), ALICE.id
        )
        assert "Current streak: 8 days" in streak["text"] and "Freezes: 0 of 2" in streak["text"]

        traveller.move_to(start + timedelta(days=11))  # two days missed, no freeze left
        note = await quiz_and_answer(streak_bot, ALICE)
        assert "Streak: 1 day" in note["text"]
        [streak] = await streak_bot.send_and_wait(
            streak_bot.api.build.command(ALICE, "streak"), ALICE.id
        )
        assert "Best streak: 8 days" in streak["text"]


async def test_streak_days_follow_the_students_time_zone(streak_bot):
    api = streak_bot.api
    await streak_bot.send_and_wait(
        api.build.command(BOB, "timezone", "America/Mexico_City"), BOB.id
    )
    evening = datetime(2031, 6, 3, 3, 30, tzinfo=UTC)  # 21:30 on June 2nd in Mexico City
    with time_machine.travel(evening, tick=True) as traveller:
        await quiz_and_answer(streak_bot, BOB)
        traveller.move_to(evening + timedelta(hours=5))  # 02:30 on June 3rd there
        note = await quiz_and_answer(streak_bot, BOB)
        assert "2 días" in note["text"]  # a new local day, though both are June 3rd in UTC


async def test_evening_reminder_once_a_day_and_remind_off(streak_bot):
    api = streak_bot.api
    services = streak_bot.services
    bot = streak_bot.application.bot
    answered = datetime.now(UTC)
    await quiz_and_answer(streak_bot, ALICE)
    await quiz_and_answer(streak_bot, BOB)
    await streak_bot.send_and_wait(api.build.command(BOB, "remind", "off"), BOB.id)
    tomorrow = (answered + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)

    assert (
        await send_due_reminders(services, TelegramSender(bot), now=tomorrow.replace(hour=19)) == []
    )
    at_eight = tomorrow.replace(hour=20, minute=1)
    assert await send_due_reminders(services, TelegramSender(bot), now=at_eight) == [
        ALICE.id
    ]  # not Bob
    reminder = api.messages(ALICE.id)[-1]
    assert "streak ends at midnight" in reminder["text"]
    keyboard = reminder["reply_markup"]["inline_keyboard"]
    assert any("Next question" in button["text"] for row in keyboard for button in row)
    assert (
        await send_due_reminders(services, TelegramSender(bot), now=tomorrow.replace(hour=21)) == []
    )
