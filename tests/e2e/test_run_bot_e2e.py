"""``studybot run`` as a real process against the fake Bot API: it indexes, migrates, sets the
menus, answers by long polling, never logs the token, and exits cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal

from tests.bot_process import bot_env, start_bot
from tests.fakebot import ALICE


async def test_run_answers_by_long_polling_and_stops_cleanly_on_sigterm(fake_api, tmp_path):
    env = bot_env(tmp_path, fake_api.token, fake_api.root_url, STUDYBOT_LOG_LEVEL="DEBUG")
    process = await start_bot(tmp_path, env)
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
    env = bot_env(tmp_path, "1:x")
    process = await start_bot(tmp_path, env, "--webhook-url", "https://example.org/hook")
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert b"STUDYBOT_WEBHOOK_SECRET" in output


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_mode_checks_the_secret_token_and_answers(fake_api, tmp_path):
    import aiohttp

    port = _free_port()
    secret = "s3cret_Token-42"
    env = bot_env(tmp_path, fake_api.token, fake_api.root_url, STUDYBOT_WEBHOOK_SECRET=secret)
    process = await start_bot(
        tmp_path, env,
        "--webhook-url", "https://bot.example.org/tg/hook",
        "--listen", "127.0.0.1", "--port", str(port),
    )  # fmt: skip
    try:
        await fake_api.wait_for(lambda: fake_api.calls_to("setWebhook"), 90)
        call = fake_api.calls_to("setWebhook")[0]
        assert call.params["url"] == "https://bot.example.org/tg/hook"
        assert call.params["secret_token"] == secret
        update = fake_api.build.private_message(ALICE, "vpc peering")
        url = f"http://127.0.0.1:{port}/tg/hook"
        async with aiohttp.ClientSession() as http:
            for _ in range(100):  # the webhook server may still be starting
                try:
                    async with http.post(url, json=update) as response:
                        assert response.status == 403  # no secret header: refused
                    break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the webhook server never listened")
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            ) as response:
                assert response.status == 403
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
            ) as response:
                assert response.status == 200
        await fake_api.wait_for(lambda: fake_api.messages(ALICE.id), 30)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, output.decode()[-3000:]
    assert len(fake_api.messages(ALICE.id)) == 1
    assert secret not in output.decode()
