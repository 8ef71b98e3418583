"""``studybot run`` as a real process against the fake Bot API: it indexes, migrates, sets the
menus, answers by long polling, never logs the token, and exits cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fakebot import ALICE

ROOT = Path(__file__).resolve().parents[2]


async def test_run_answers_by_long_polling_and_stops_cleanly_on_sigterm(fake_api, tmp_path):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_URL": fake_api.root_url,
        "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
        "STUDYBOT_CORPUS_DIR": str(ROOT / "corpus"),
        "STUDYBOT_LOG_LEVEL": "DEBUG",
    }
    env.pop("DATABASE_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output = b""
    try:
        await fake_api.wait_for(lambda: fake_api.calls_to("setMyCommands"), 90)
        fake_api.push_update(fake_api.build.private_message(ALICE, "vpc peering"))
        await fake_api.wait_for(lambda: fake_api.messages(ALICE.id), 30)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = output.decode("utf-8", "replace")
    assert process.returncode == 0, log[-3000:]
    assert "peering" in fake_api.messages(ALICE.id)[0]["text"].lower()
    assert fake_api.token.split(":")[1] not in log
    assert "services closed" in log
    assert (tmp_path / "data" / "studybot.db").exists()


async def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "1:x", "STUDYBOT_DATA_DIR": str(tmp_path)}
    env.pop("STUDYBOT_WEBHOOK_SECRET", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--webhook-url",
        "https://example.org/hook",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert b"STUDYBOT_WEBHOOK_SECRET" in output
