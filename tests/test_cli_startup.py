"""``studybot run`` that cannot start (a token the Bot API rejects, an API nobody listens on)
says so in one line and exits non-zero: no traceback, and never the token. Uncaught tracebacks
are redacted too."""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
import threading
from pathlib import Path

import pytest

from bot.telegram.errors import REDACTED, install_token_redaction
from tests.bot_process import bot_env, start_bot

WRONG_TOKEN = "4242:wrong-secret-the-api-does-not-know"


async def run_studybot(tmp_path: Path, token: str, api_url: str) -> tuple[int, str, str]:
    env = bot_env(tmp_path, token, api_url)
    process = await start_bot(tmp_path, env, merge_stderr=False)
    try:
        out, err = await asyncio.wait_for(process.communicate(), 120)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens once the socket is closed


def assert_one_clear_line(out: str, err: str, token: str) -> str:
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("studybot run: ")
    assert "Traceback" not in err
    secret = token.split(":", 1)[1]
    assert secret not in out + err
    return lines[0]


async def test_a_token_the_api_rejects_is_one_line_without_the_token(fake_api, tmp_path):
    status, out, err = await run_studybot(tmp_path, WRONG_TOKEN, fake_api.root_url)
    assert status == 2  # a setting to fix: systemd does not restart it (RestartPreventExitStatus)
    line = assert_one_clear_line(out, err, WRONG_TOKEN)
    assert "rejected the token" in line and "TELEGRAM_BOT_TOKEN" in line
    assert not fake_api.calls_to("getUpdates")  # it never started polling
    assert not (tmp_path / "data" / "studybot.db").exists()  # nor opened the database


async def test_an_unreachable_api_is_one_line_without_the_token(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}"
    status, out, err = await run_studybot(tmp_path, WRONG_TOKEN, url)
    assert status == 1  # may pass: worth a restart
    line = assert_one_clear_line(out, err, WRONG_TOKEN)
    assert f"cannot reach the Bot API at {url}" in line


@pytest.fixture
def restore_hooks():
    saved = (sys.excepthook, threading.excepthook, logging.getLogRecordFactory())
    try:
        yield
    finally:
        sys.excepthook, threading.excepthook = saved[:2]
        logging.setLogRecordFactory(saved[2])
        for handler in logging.getLogger().handlers:
            for token_filter in list(handler.filters):
                if type(token_filter).__name__ == "TokenRedactingFilter":
                    handler.removeFilter(token_filter)


def test_an_uncaught_traceback_does_not_show_the_token(restore_hooks, capsys):
    install_token_redaction(WRONG_TOKEN)
    try:
        raise RuntimeError(f"The token `{WRONG_TOKEN}` was rejected by the server.")
    except RuntimeError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError" in err
    assert f"The token `{REDACTED}` was rejected" in err
    assert WRONG_TOKEN.split(":")[1] not in err


def test_a_thread_traceback_does_not_show_the_token(restore_hooks, capsys):
    install_token_redaction(WRONG_TOKEN)

    def fail() -> None:
        raise ValueError(f"POST /bot{WRONG_TOKEN}/getMe failed")

    thread = threading.Thread(target=fail, name="poller")
    thread.start()
    thread.join()
    err = capsys.readouterr().err
    assert "Exception in thread poller" in err and "ValueError" in err
    assert f"/bot{REDACTED}/getMe" in err
    assert WRONG_TOKEN.split(":")[1] not in err
