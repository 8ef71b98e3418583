"""The fake Bot API as its own process (for benchmarks): it prints its URL, serves the Bot API to a
bot in another process and is driven through the /_control/ endpoints."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from telegram import Bot
from telegram.error import RetryAfter
from telegram.request import HTTPXRequest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "4242:process-token"


@pytest.fixture
async def fake_process() -> AsyncIterator[str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakebot",
        "--port",
        "0",
        "--token",
        TOKEN,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        url = line.decode().strip()
        assert url.startswith("http://127.0.0.1:")
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0


async def control(session: aiohttp.ClientSession, url: str, action: str, body=None, **query):
    method = "POST" if body is not None else "GET"
    async with session.request(
        method, f"{url}/_control/{action}", json=body, params=query or None
    ) as response:
        payload = json.loads(await response.text())
        return response.status, payload


async def test_process_serves_a_bot_driven_by_the_control_api(fake_process: str) -> None:
    url = fake_process
    user = {"id": 77, "first_name": "Remote", "language_code": "es"}
    async with (
        aiohttp.ClientSession() as session,
        Bot(
            TOKEN, base_url=f"{url}/bot", request=HTTPXRequest(), get_updates_request=HTTPXRequest()
        ) as bot,
    ):
        status, pushed = await control(
            session,
            url,
            "push",
            {
                "build": [
                    {"kind": "private_message", "user": user, "text": "/start"},
                    {"kind": "private_message", "user": user, "text": "hola"},
                ]
            },
        )
        assert status == 200 and pushed["result"]["pushed"] == 2
        updates = await bot.get_updates(timeout=5)
        assert [u.message.text for u in updates] == ["/start", "hola"]
        assert updates[0].message.from_user.language_code == "es"
        await bot.send_message(77, "<b>¡Hola!</b>", parse_mode="HTML")

        status, waited = await control(
            session, url, "wait", key="messages_sent", at_least="1", timeout="5"
        )
        assert status == 200 and waited["result"]["messages_sent"] == 1
        _, messages = await control(session, url, "messages", chat_id="77")
        assert messages["result"][-1]["text"] == "¡Hola!"

        await control(
            session, url, "fail", {"method": "sendMessage", "status": 429, "retry_after": 3}
        )
        with pytest.raises(RetryAfter):
            await bot.send_message(77, "again")
        await control(session, url, "flood", {"enabled": True})
        for _ in range(25):
            try:
                await bot.send_message(77, "burst")
            except RetryAfter:
                break
        _, stats = await control(session, url, "stats")
        stats = stats["result"]
        assert stats["flood_limits"] is True
        assert stats["count_429"] >= 2 and stats["flood_429"] >= 1
        assert stats["by_method"]["sendMessage"] >= 21
        _, calls = await control(session, url, "calls", method="getUpdates")
        assert calls["result"][0]["status"] == 200
        status, waited = await control(
            session, url, "wait", key="messages_sent", at_least="1000", timeout="0.2"
        )
        assert status == 504
        status, _ = await control(session, url, "nonsense", {})
        assert status == 400
