"""Processes for the bot benchmarks: the fake Bot API and a bot, each in its own process, so the
bot's CPU time and memory are its own; the fake is driven through its /_control/ API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

TOKEN = "123456:BENCH-token-not-secret"
ROOT = Path(__file__).resolve().parent.parent


class FakeServer:
    """``python -m tests.fakebot`` in a child process, with a small client for its control API."""

    def __init__(self, *, flood_limits: bool = False, strict_flood: bool = False) -> None:
        args = [sys.executable, "-m", "tests.fakebot", "--port", "0", "--token", TOKEN]
        if flood_limits:
            args.append("--flood-limits")
        if strict_flood:
            args.append("--strict-flood")
        args.append("--no-query-timeout")
        self.process = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise RuntimeError("the fake Bot API did not start")

    def control(self, action: str, body: Mapping[str, Any] | None = None, **query: Any) -> Any:
        url = f"{self.url}/_control/{action}"
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            url,
            data=data,
            method="POST" if data is not None else "GET",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["result"]

    def stats(self) -> dict[str, Any]:
        return self.control("stats")

    def push(self, specs: list[dict[str, Any]]) -> list[int]:
        return self.control("push", {"build": specs})["update_ids"]

    def calls(self, method: str, since: int = 0) -> list[dict[str, Any]]:
        return self.control("calls", method=method, since=since)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class BotProcess:
    """A bot started as ``argv`` against ``fake``; exposes its CPU seconds and resident memory."""

    def __init__(self, argv: list[str], fake: FakeServer, env: Mapping[str, str]) -> None:
        full_env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "STUDYBOT_LOG_LEVEL": "WARNING",
            **env,
        }
        self.process = subprocess.Popen(argv, cwd=ROOT, env=full_env, stderr=subprocess.PIPE)
        self.ps = psutil.Process(self.process.pid)

    def cpu_seconds(self) -> float:
        times = self.ps.cpu_times()
        return times.user + times.system

    def rss_mb(self) -> float:
        return self.ps.memory_info().rss / 2**20

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> str:
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err.decode(errors="replace")[-2000:] if err else ""


def wait_until(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(poll)


@contextmanager
def running(fake: FakeServer, bot: BotProcess | None = None):
    """Stop both processes however the block ends."""
    try:
        yield fake, bot
    finally:
        if bot is not None:
            bot.stop()
        fake.stop()
