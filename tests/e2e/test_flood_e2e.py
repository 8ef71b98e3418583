"""Never a 429 at the flood limit: a burst of searches through the real Application, against the
fake in strict mode (at most 30 messages in any 1-second window across all chats, no burst on
top, no jitter forgiven), is answered in full with no refusal; and the pacing itself."""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram.ratelimit import PacedRateLimiter, Pacer, is_message_call
from tests.fakebot import User

BURST = 75  # 2.5 windows' worth


async def test_a_burst_of_searches_under_the_strict_limit_gets_no_429(bot):
    api = bot.api
    api.flood_limits = True
    api.flood.strict = True
    api.flood.reset()
    users = [User(800_000 + i, f"Burst {i}") for i in range(BURST)]
    for user in users:
        api.push_update(api.build.private_message(user, "permission boundaries"))
    await api.wait_for(lambda: all(bot.sent(u.id) for u in users), timeout=30)
    assert api.stats()["count_429"] == 0
    assert all(len(bot.sent(u.id)) == 1 for u in users)


async def test_the_strict_fake_does_refuse_an_unpaced_burst(fake_api):
    """The test above can fail: the same fake refuses a client that does not pace itself."""
    from telegram import Bot

    fake_api.flood_limits = True
    fake_api.flood.strict = True
    users = [User(810_000 + i, f"Raw {i}") for i in range(40)]
    for user in users:
        fake_api.push_update(fake_api.build.private_message(user, "hi"))
    async with Bot(fake_api.token, base_url=f"{fake_api.root_url}/bot") as raw:
        results = await asyncio.gather(
            *(raw.send_message(u.id, "x") for u in users), return_exceptions=True
        )
    assert sum(isinstance(r, Exception) for r in results) >= 10
    assert fake_api.stats()["count_429"] >= 10


async def test_pacer_hands_out_one_slot_per_interval_in_call_order():
    pacer = Pacer(50.0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    stamps: list[float] = []

    async def take() -> None:
        await pacer.wait()
        stamps.append(loop.time() - started)

    await asyncio.gather(*(take() for _ in range(11)))
    # no slot comes before its time (a late wake-up may follow an early-scheduled one: the
    # schedule, not the gaps, is what keeps any 31 sends over 30 intervals apart)
    assert all(stamp >= k * 0.02 - 0.002 for k, stamp in enumerate(stamps)), stamps


@pytest.mark.parametrize(("instances", "rate"), [(1, 27.9), (2, 13.95), (3, 9.3)])
def test_each_instance_paces_at_its_share_of_the_limit(instances, rate):
    assert PacedRateLimiter(instances=instances).rate == pytest.approx(rate)


def test_only_message_calls_are_paced():
    assert is_message_call("sendMessage", {"chat_id": 1})
    assert is_message_call("editMessageText", {"inline_message_id": "x"})
    assert not is_message_call("sendChatAction", {"chat_id": 1})
    assert not is_message_call("answerCallbackQuery", {"callback_query_id": "1"})
    assert not is_message_call("getUpdates", {})
