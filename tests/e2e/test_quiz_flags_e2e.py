""" "👎 Bad question" end to end, the real Application against the fake Bot API: the button after
a private answer and under group polls; one press retires the item in that chat, N different
students retire it for everyone; a button carried to another chat does nothing; the daily quiz
never asks a retired item; the owner sees the counts in /status."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.core.question_bank import QuizBank
from bot.db.daily import subscribe_daily
from bot.db.flags import flagged_items, retired_items
from bot.features.daily.fanout import post_due_daily_quizzes
from bot.telegram.sender import TelegramSender
from tests.e2e.conftest import BotHarness, button_data, buttons
from tests.e2e.test_daily_e2e import pause_background_jobs
from tests.e2e.test_quiz_e2e import answer, polls_in, question_bank, start_quiz_bot
from tests.fakebot import ALICE, BOB, CAROL, STUDY_GROUP

__all__ = ["question_bank"]  # the session fixture, shared with the quiz tests

SMALL = 3  # a bank this small makes review-ahead bring every answered item back


@pytest.fixture
async def flag_bot(
    fake_api, notes_searcher, question_bank, tmp_path, e2e_db_url
) -> AsyncIterator[BotHarness]:
    bank = QuizBank(question_bank.items[:SMALL], notes_searcher.chunks())
    async for harness in start_quiz_bot(
        fake_api, notes_searcher, tmp_path / "data", bank, e2e_db_url
    ):
        pause_background_jobs(harness.application)
        yield harness


def toast(bot: BotHarness, query_id: str) -> str:
    return str(bot.api.callback_queries[query_id].answers[-1].get("text", ""))


async def quiz_and_answer(bot: BotHarness, user, chat_id: int, *, right: bool) -> dict:
    """/quiz in ``chat_id``, answered by ``user``; returns the poll message."""
    [poll] = await bot.send_and_wait(bot.api.build.command(user, "quiz"), chat_id)
    before = len(bot.api.messages(chat_id))
    await answer(bot, user, poll, right=right)
    await bot.api.wait_for(lambda: len(bot.api.messages(chat_id)) > before, 10)
    return poll


async def retired_in(bot: BotHarness, chat_id: int) -> set[str]:
    async with bot.services.db.session() as session:
        return await retired_items(
            session,
            scope="demo",
            chat_id=chat_id,
            threshold=bot.services.settings.quiz_flags_to_retire,
        )


def item_of(bot: BotHarness, poll_message: dict) -> str:
    """The bank item a poll asks (by its question text)."""
    bank = bot.services.notebooks.default.bank.bank
    assert bank is not None
    question = poll_message["poll"]["question"]
    [item] = [item for item in bank.items if item.question[:250] == question[:250]]
    return item.id


@pytest.mark.backends("sqlite", "postgresql")
async def test_a_flag_after_a_private_answer_retires_the_item_for_that_student(flag_bot):
    api = flag_bot.api
    first = await quiz_and_answer(flag_bot, ALICE, ALICE.id, right=False)
    assert not any("Bad question" in b["text"] for b in buttons(first))  # in private: after
    follow_up = api.messages(ALICE.id)[-1]
    query = await flag_bot.press(ALICE, follow_up, button_data(follow_up, "Bad question"))
    assert "won't be asked" in toast(flag_bot, query)
    again = await flag_bot.press(ALICE, follow_up, button_data(follow_up, "Bad question"))
    assert "already flagged" in toast(flag_bot, again)
    flagged = item_of(flag_bot, first)
    assert await retired_in(flag_bot, ALICE.id) == {flagged}

    # the other items, then reviews ahead of time: the wrongly answered, flagged one (due
    # soonest) never comes back
    for _ in range(SMALL + 2):
        poll = await quiz_and_answer(flag_bot, ALICE, ALICE.id, right=True)
        assert item_of(flag_bot, poll) != flagged
    assert await retired_in(flag_bot, BOB.id) == set()  # one student: only their chat


@pytest.mark.backends("sqlite", "postgresql")
async def test_group_polls_carry_the_flag_and_two_students_retire_it_for_everyone(flag_bot):
    api = flag_bot.api
    [poll] = await flag_bot.send_and_wait(
        api.build.command(ALICE, "quiz", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    flagged = item_of(flag_bot, poll)
    data = button_data(poll, "Bad question")
    assert len(data.encode()) <= 64
    query = await flag_bot.press(ALICE, poll, data)
    assert "won't be asked" in toast(flag_bot, query)
    assert await retired_in(flag_bot, STUDY_GROUP.id) == {flagged}
    assert await retired_in(flag_bot, CAROL.id) == set()  # one student so far
    for _ in range(SMALL + 1):  # the group rotation never posts it again
        [next_poll] = await flag_bot.send_and_wait(
            api.build.command(BOB, "quiz", chat=STUDY_GROUP), STUDY_GROUP.id
        )
        assert item_of(flag_bot, next_poll) != flagged

    await flag_bot.press(BOB, poll, data)  # a second student: retired for every chat
    assert await retired_in(flag_bot, CAROL.id) == {flagged}
    for _ in range(SMALL + 1):
        carol_poll = await quiz_and_answer(flag_bot, CAROL, CAROL.id, right=False)
        assert item_of(flag_bot, carol_poll) != flagged
    async with flag_bot.services.db.session() as session:
        [listed] = await flagged_items(session)
    assert (listed.item_id, listed.students, listed.chats) == (flagged, 2, 1)


async def test_a_flag_button_carried_to_another_chat_does_nothing(flag_bot):
    api = flag_bot.api
    [group_poll] = await flag_bot.send_and_wait(
        api.build.command(ALICE, "quiz", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    data = button_data(group_poll, "Bad question")
    mine = await quiz_and_answer(flag_bot, ALICE, ALICE.id, right=True)
    update = api.build.callback_query(ALICE, mine, data, check_button=False)
    query_id = update["callback_query"]["id"]
    api.push_update(update)
    await api.wait_for(lambda: api.callback_queries[query_id].answered, 10)
    assert "no longer valid" in toast(flag_bot, query_id)
    forged = data[:-2] + ("00" if not data.endswith("00") else "11")
    update = api.build.callback_query(ALICE, group_poll, forged, check_button=False)
    forged_id = update["callback_query"]["id"]
    api.push_update(update)
    await api.wait_for(lambda: api.callback_queries[forged_id].answered, 10)
    assert "no longer valid" in toast(flag_bot, forged_id)
    async with flag_bot.services.db.session() as session:
        assert await flagged_items(session) == []


async def test_the_daily_quiz_never_posts_a_retired_item(flag_bot):
    api = flag_bot.api
    [poll] = await flag_bot.send_and_wait(
        api.build.command(ALICE, "quiz", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    await flag_bot.press(ALICE, poll, button_data(poll, "Bad question"))
    flagged = item_of(flag_bot, poll)
    start = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
    async with flag_bot.services.db.session() as session:
        await subscribe_daily(session, STUDY_GROUP.id, time(9, 0), "UTC", count=SMALL)
    sender = TelegramSender(flag_bot.application.bot)
    before = len(polls_in(api, STUDY_GROUP.id))
    for day in range(3):
        await post_due_daily_quizzes(
            flag_bot.services, sender, now=start + timedelta(days=day, seconds=5)
        )
    daily = polls_in(api, STUDY_GROUP.id)[before:]
    assert len(daily) >= SMALL  # every day posts what is left
    assert all(item_of(flag_bot, p) != flagged for p in daily)
    assert all(any("Bad question" in b["text"] for b in buttons(p)) for p in daily)
