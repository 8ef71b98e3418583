"""Never a 429 at the flood limit: a burst of searches through the real Application, against the
fake in strict mode (at most 30 messages in any 1-second window across all chats, no burst on
top, no jitter forgiven), is answered in full with no refusal; and the pacing itself."""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram.ratelimit import WINDOW, PacedRateLimiter, Pacer, is_message_call
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


async def test_pacer_keeps_any_window_to_its_limit_on_actual_release_times():
    pacer = Pacer(5, window=0.2)
    loop = asyncio.get_running_loop()
    stamps: list[float] = []

    async def take() -> None:
        await pacer.wait()
        stamps.append(loop.time())

    await asyncio.gather(*(take() for _ in range(16)))
    assert stamps == sorted(stamps)  # in call order
    # any 6 consecutive releases span more than the window: never 6 in 0.2 s
    assert all(b - a >= 0.2 - 0.001 for a, b in zip(stamps, stamps[5:], strict=False)), stamps
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert min(gaps) >= pacer.gap - 0.001  # never a burst
    assert stamps[-1] - stamps[0] < 0.2 * 3 + 0.3  # and it does not dawdle: 3 windows


async def test_a_call_counts_in_the_window_until_it_is_over():
    """A send held up between its turn and Telegram (a busy event loop, a slow connection)
    keeps the later ones a full window after it is over, not after it was let go."""
    pacer = Pacer(5, window=0.2)
    loop = asyncio.get_running_loop()
    released: list[float] = []
    ended: dict[int, float] = {}

    async def call(number: int) -> None:
        async with pacer.turn():
            released.append(loop.time())
            await asyncio.sleep(0.15 if number == 0 else 0)
            ended[number] = loop.time()

    await asyncio.gather(*(call(number) for number in range(6)))
    assert released[5] >= ended[0] + 0.2 - 0.001
    assert released[5] - released[0] >= 0.15 + 0.2 - 0.001  # more than the window alone


@pytest.mark.parametrize(("instances", "limit"), [(1, 30), (2, 15), (3, 10), (4, 7)])
def test_each_instance_keeps_to_its_share_of_the_limit(instances, limit):
    limiter = PacedRateLimiter(instances=instances)
    assert limiter.rate == pytest.approx(limit / WINDOW)


def test_only_message_calls_are_paced():
    assert is_message_call("sendMessage", {"chat_id": 1})
    assert is_message_call("editMessageText", {"inline_message_id": "x"})
    assert not is_message_call("sendChatAction", {"chat_id": 1})
    assert not is_message_call("answerCallbackQuery", {"callback_query_id": "1"})
    assert not is_message_call("getUpdates", {})
