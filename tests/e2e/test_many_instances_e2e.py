"""Two `studybot run --webhook-url …` processes on one database behind one address: only the
first sets the webhook; each serves GET /healthz; an update delivered to both gets one answer;
a vote delivered to both counts once, whichever process received it first."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import Answer
from tests.fakebot import ALICE, BOB

ROOT = Path(__file__).resolve().parents[2]
SECRET = "many_Instances-1"
HOOK = "https://bot.example.org/tg/hook"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _start(fake_api, tmp_path: Path, db_url: str) -> tuple[asyncio.subprocess.Process, int]:
    port = _free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_URL": fake_api.root_url,
        "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
        "STUDYBOT_CORPUS_DIR": str(ROOT / "corpus"),
        "STUDYBOT_WEBHOOK_SECRET": SECRET,
        "STUDYBOT_INSTANCES": "2",
        "DATABASE_URL": db_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--webhook-url", HOOK,
        "--listen", "127.0.0.1", "--port", str(port),
        cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    return process, port


async def _health(http: aiohttp.ClientSession, port: int, timeout: float = 90) -> dict:
    """Wait until the instance answers GET /healthz; its JSON."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                return {"status": response.status, **(await response.json())}
        except aiohttp.ClientConnectorError:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the instance never listened") from None
            await asyncio.sleep(0.2)


@pytest.fixture
async def two_webhook_instances(
    fake_api, tmp_path, e2e_db_url
) -> AsyncIterator[tuple[list[int], aiohttp.ClientSession]]:
    processes = []
    async with aiohttp.ClientSession() as http:
        try:
            first, port1 = await _start(fake_api, tmp_path, e2e_db_url)
            processes.append(first)
            await _health(http, port1)  # the first builds the index; the second finds it
            second, port2 = await _start(fake_api, tmp_path, e2e_db_url)
            processes.append(second)
            await _health(http, port2)
            yield [port1, port2], http
        finally:
            for process in processes:
                if process.returncode is None:
                    process.terminate()
            for process in processes:
                try:
                    await asyncio.wait_for(process.wait(), 30)
                except TimeoutError:
                    process.kill()
                    await process.wait()
    assert [p.returncode for p in processes] == [0, 0]


async def _post(http: aiohttp.ClientSession, port: int, update: dict) -> int:
    async with http.post(
        f"http://127.0.0.1:{port}/tg/hook", json=update, headers=HEADERS
    ) as response:
        return response.status


@pytest.mark.backends("sqlite", "postgresql")
async def test_two_instances_one_webhook_one_answer_one_vote(
    fake_api, two_webhook_instances, e2e_db_url
):
    ports, http = two_webhook_instances
    # only the first instance set the webhook; the second compared and left it
    calls = fake_api.calls_to("setWebhook")
    assert len(calls) == 1 and calls[0].params["url"] == HOOK
    assert len(fake_api.calls_to("getWebhookInfo")) >= 1

    for port in ports:
        health = await _health(http, port)
        assert health["status"] == 200 and health["ok"] is True
        assert health["database"] == "ok" and health["index_generation"]
        assert isinstance(health["notebooks_open"], int)
    assert len({(await _health(http, p))["instance"] for p in ports}) == 2

    # one update delivered to both instances (a redelivery through the balancer): one answer
    search = fake_api.build.private_message(ALICE, "vpc peering")
    assert await asyncio.gather(*(_post(http, p, search) for p in ports)) == [200, 200]
    await fake_api.wait_for(lambda: fake_api.messages(ALICE.id), 30)
    await asyncio.sleep(1.0)
    assert len(fake_api.messages(ALICE.id)) == 1

    # a quiz from the first, its vote delivered to both: counted once
    assert await _post(http, ports[0], fake_api.build.command(BOB, "quiz")) == 200
    await fake_api.wait_for(lambda: any("poll" in m for m in fake_api.messages(BOB.id)), 60)
    poll = next(m for m in fake_api.messages(BOB.id) if "poll" in m)["poll"]
    vote = fake_api.build.poll_answer(BOB, poll["id"], [0])
    assert await asyncio.gather(*(_post(http, p, vote) for p in reversed(ports))) == [200, 200]
    db = Database(e2e_db_url)
    await db.start()
    try:
        for _ in range(100):
            async with db.session() as s:
                answers = await s.scalar(
                    select(func.count()).select_from(Answer).where(Answer.user_id == BOB.id)
                )
            if answers:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        async with db.session() as s:
            answers = await s.scalar(
                select(func.count()).select_from(Answer).where(Answer.user_id == BOB.id)
            )
    finally:
        await db.close()
    assert answers == 1
