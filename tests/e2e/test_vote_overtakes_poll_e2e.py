"""A vote that reaches the bot before the poll it answers is recorded still counts: Telegram
delivers poll_answer as soon as the student taps, which can beat the bot's own bookkeeping."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import delivery
from tests.e2e.test_quiz_e2e import polls_in, question_bank, quiz_bot, right_option
from tests.fakebot import ALICE

__all__ = ["question_bank", "quiz_bot"]


@pytest.mark.backends("sqlite", "postgresql")
async def test_a_vote_that_overtakes_the_polls_recording_is_counted(quiz_bot, monkeypatch):
    api = quiz_bot.api
    recording_started = asyncio.Event()
    release_recording = asyncio.Event()
    original = delivery.remember_poll

    async def slow_remember_poll(*args, **kwargs):
        recording_started.set()
        await release_recording.wait()  # the vote arrives while the poll is not yet recorded
        return await original(*args, **kwargs)

    monkeypatch.setattr(delivery, "remember_poll", slow_remember_poll)
    api.push_update(api.build.command(ALICE, "quiz"))
    await asyncio.wait_for(recording_started.wait(), 10)
    [poll_message] = polls_in(api, ALICE.id)
    before = len(api.messages(ALICE.id))
    api.push_update(
        api.build.poll_answer(ALICE, poll_message["poll"]["id"], [right_option(poll_message)])
    )
    await asyncio.sleep(0.5)  # the vote is being handled now, before the poll is known
    assert len(api.messages(ALICE.id)) == before
    release_recording.set()

    await api.wait_for(lambda: len(api.messages(ALICE.id)) > before, 10)
    assert "Streak: 1 day" in api.messages(ALICE.id)[-1]["text"]


@pytest.mark.parametrize("pending", [False, True])
async def test_waiting_for_pending_polls_only_when_a_send_is_under_way(pending):
    from bot.core.polls_in_flight import PollsInFlight

    registry = PollsInFlight()
    if not pending:
        assert await registry.wait_for_pending(1.0) is False
        return
    finished = asyncio.Event()

    async def send() -> None:
        async with registry.sending():
            await asyncio.sleep(0.2)
        finished.set()

    task = asyncio.create_task(send())
    await asyncio.sleep(0)
    assert await registry.wait_for_pending(5.0) is True
    assert finished.is_set() or task.done()
    await task
