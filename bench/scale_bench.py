"""Bench section ``scale``: many instances on one PostgreSQL, each in its own process against the
fake Bot API in its own process.

- Searches: 2,000 from 1,000 users, delivered by webhook through a round-robin reverse proxy
  (here, in this process) to one instance, then split between two; replies/s, lost, duplicated.
- The daily fan-out to 1,000 chats with two instances running the job at once, under the strict
  flood limit (30 messages in any 1-second window): elapsed against the floor, 429s, lost,
  duplicated, and the work each instance did or found done (the duplicated work of running the
  job everywhere).
- A kill -9 of one instance in the middle of a fan-out: the survivor resumes the dead one's
  unfinished posts once their lease runs out; chats with their whole quiz, chats with a poll twice.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bench.bot_bench import _queries, _start_postgres
from bench.daily_bench import _register_chats, floor_seconds
from bench.processes import ROOT, BotProcess, FakeServer, wait_until
from bench.table import Table
from tests.pg_cluster import PgCluster

SECRET = "bench_Secret-1"
HOOK = "https://bot.example.org/tg/hook"
TARGET_RATIO = 1.2
_DATABASES = itertools.count(1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale-searches", type=int, default=2000, help="searches, two per user")
    parser.add_argument("--scale-chats", type=int, default=1000, help="chats in the fan-out")
    parser.add_argument("--kill-chats", type=int, default=300, help="chats in the kill -9 run")


# ---------------------------------------------------------------- the reverse proxy
class RoundRobinProxy:
    """A tiny reverse proxy (aiohttp, in a thread): each POST goes to the next backend, with its
    headers (the secret token) and body; the backend's status is the answer."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)
        self._thread.start()
        self._ready.wait(10)

    async def _serve(self) -> None:
        from aiohttp import ClientSession, web

        turns = itertools.cycle(self.backends)
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with ClientSession() as client:

            async def forward(request: web.Request) -> web.Response:
                body = await request.read()
                headers = {
                    k: v
                    for k, v in request.headers.items()
                    if k.lower() in ("content-type", "x-telegram-bot-api-secret-token")
                }
                async with client.post(next(turns), data=body, headers=headers) as answer:
                    return web.Response(status=answer.status, body=await answer.read())

            app = web.Application()
            app.router.add_post("/tg/hook", forward)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self._ready.set()
            await self._stop.wait()
            await runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tg/hook"

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


# ---------------------------------------------------------------- searches
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _webhook_instance(fake: FakeServer, data_dir: Path, db_url: str, instances: int):
    port = _free_port()
    argv = [sys.executable, "-m", "bot.cli", "run", "--webhook-url", HOOK]
    argv += ["--listen", "127.0.0.1", "--port", str(port)]
    env = {
        "STUDYBOT_DATA_DIR": str(data_dir),
        "STUDYBOT_CORPUS_DIR": "corpus",
        "DATABASE_URL": db_url,
        "STUDYBOT_WEBHOOK_SECRET": SECRET,
        "STUDYBOT_INSTANCES": str(instances),
    }
    return BotProcess(argv, fake, env), port


def _healthy(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _search_specs(users: int, first_user: int, round_: int) -> list[dict]:
    queries = _queries()
    return [
        {
            "kind": "private_message",
            "user": {"id": first_user + i, "first_name": f"User{i}", "language_code": "en"},
            "text": queries[(i + round_ * 7) % len(queries)],
        }
        for i in range(users)
    ]


def _searches(count: int, data_dir: Path, cluster: PgCluster, instances: int) -> dict[str, Any]:
    """``count`` searches from count/2 users through the proxy to ``instances`` instances."""
    name = f"scale_{next(_DATABASES)}"
    cluster.execute(f"CREATE DATABASE {name}")
    fake = FakeServer()
    bots: list[BotProcess] = []
    proxy: RoundRobinProxy | None = None
    try:
        ports = []
        for _ in range(instances):  # one after the other: the first builds nothing new
            bot, port = _webhook_instance(fake, data_dir, cluster.url(name), instances)
            bots.append(bot)
            ports.append(port)
            wait_until(lambda p=port, b=bot: _healthy(p) or not b.alive(), 120, "healthz")
            if not bot.alive():
                raise RuntimeError("an instance exited at start:\n" + bot.stop())
        proxy = RoundRobinProxy([f"http://127.0.0.1:{p}/tg/hook" for p in ports])
        fake.control("webhook_delivery", {"url": proxy.url})
        set_webhook = fake.stats()["by_method"].get("setWebhook", 0)
        users = count // 2
        warm = _search_specs(20, 50_000, 0)
        fake.push(warm)
        wait_until(lambda: fake.stats()["messages_sent"] >= 20, 120, "warm-up replies")
        time.sleep(1.0)
        sent_before = fake.stats()["messages_sent"]
        cpu_before = sum(b.cpu_seconds() for b in bots)
        started = time.time()
        for round_ in range(2):
            specs = _search_specs(users, 600_000, round_)
            for first in range(0, users, 250):
                fake.push(specs[first : first + 250])
        wait_until(
            lambda: fake.stats()["messages_sent"] - sent_before >= count, 600, "replies", 0.25
        )
        time.sleep(1.0)  # any duplicate would come now
        replies = [
            call
            for call in fake.calls("sendMessage")
            if call["status"] == 200 and 600_000 <= int(call["params"]["chat_id"]) < 600_000 + users
        ]
        elapsed = max(call["timestamp"] for call in replies) - started
        per_user = Counter(int(call["params"]["chat_id"]) for call in replies)
        return {
            "rate": len(replies) / elapsed,
            "elapsed": elapsed,
            "cpu_ms": (sum(b.cpu_seconds() for b in bots) - cpu_before) * 1000 / count,
            "lost": sum(max(0, 2 - per_user.get(600_000 + i, 0)) for i in range(users)),
            "duplicated": sum(max(0, n - 2) for n in per_user.values()),
            "set_webhook": set_webhook,
        }
    finally:
        if proxy is not None:
            proxy.stop()
        for bot in bots:
            bot.stop()
        fake.stop()


# ---------------------------------------------------------------- the daily fan-out
def _chat_ids(chats: int) -> tuple[list[int], list[int]]:
    groups = [-1_003_000_000_000 - i for i in range(round(chats * 0.3))]
    privates = [30_000_000 + i for i in range(chats - len(groups))]
    return privates, groups


async def _subscribe(db_url: str, privates: list[int], groups: list[int], count: int) -> None:
    from bot.db.chats import upsert_chat
    from bot.db.daily import subscribe_daily
    from bot.db.session import Database

    db = Database(db_url)
    await db.start()
    try:
        async with db.session() as session:
            for chat_id in privates:
                await upsert_chat(session, chat_id, "private", None)
                await subscribe_daily(session, chat_id, clock_time(7, 0), "UTC", count=count)
            for chat_id in groups:
                await upsert_chat(session, chat_id, "supergroup", "group")
                await subscribe_daily(session, chat_id, clock_time(7, 0), "UTC", count=count)
    finally:
        await db.close()


class Worker:
    """``python -m bench.daily_worker`` in a child process."""

    def __init__(self, fake: FakeServer, db_url: str, data_dir: Path, chats: int) -> None:
        moment = datetime.now(UTC).replace(hour=7, minute=1, second=0, microsecond=0)
        argv = [sys.executable, "-m", "bench.daily_worker", "--api", fake.url, "--db", db_url]
        argv += ["--data-dir", str(data_dir), "--chats", str(chats)]
        argv += ["--moment", moment.isoformat(), "--lease", "3", "--instances", "2"]
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, "STUDYBOT_LOG_LEVEL": "WARNING"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def ready(self) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"the daily worker did not start: {line!r}")

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def result(self, timeout: float = 400) -> dict[str, Any]:
        out, _ = self.process.communicate(timeout=timeout)
        return json.loads(out.strip().splitlines()[-1])

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def _fanout(
    cluster: PgCluster, data_dir: Path, chats: int, count: int, kill_after: int | None
) -> dict[str, Any]:
    """Two workers at once over ``chats`` chats × ``count`` polls; the first one killed -9 once
    the fake has taken ``kill_after`` polls (None: never)."""
    name = f"scale_{next(_DATABASES)}"
    cluster.execute(f"CREATE DATABASE {name}")
    url = cluster.url(name)
    privates, groups = _chat_ids(chats)
    fake = FakeServer(flood_limits=True, strict_flood=True)
    workers: list[Worker] = []
    try:
        _register_chats(fake, privates, groups)
        asyncio.run(_subscribe(url, privates, groups, count))
        workers = [Worker(fake, url, data_dir, chats) for _ in range(2)]
        for worker in workers:
            worker.ready()
        before_429 = fake.stats()["count_429"]
        started = time.time()
        for worker in workers:
            worker.go()
        if kill_after is not None:
            wait_until(
                lambda: fake.stats()["by_method"].get("sendPoll", 0) >= kill_after,
                300,
                "polls before the kill",
                0.02,
            )
            workers[0].kill()
            killed_at = fake.stats()["by_method"].get("sendPoll", 0)
        results = [w.result() for w in workers[1 if kill_after is not None else 0 :]]
        polls = [c for c in fake.calls("sendPoll") if c["status"] == 200]
        per_chat = Counter(int(c["params"]["chat_id"]) for c in polls)
        expected = set(privates) | set(groups)
        questions = Counter((int(c["params"]["chat_id"]), c["params"]["question"]) for c in polls)
        return {
            "chats": chats,
            "polls": len(polls),
            "elapsed": max(c["timestamp"] for c in polls) - started,
            "floor": floor_seconds(chats * count, count),
            "count_429": fake.stats()["count_429"] - before_429,
            "whole": sum(1 for c in expected if per_chat.get(c, 0) >= count),
            "lost": sum(1 for c in expected if per_chat.get(c, 0) < count),
            "twice": sum(1 for c in expected if per_chat.get(c, 0) > count),
            "repeated_polls": sum(n - 1 for n in questions.values() if n > 1),
            "workers": results,
            "killed_at": killed_at if kill_after is not None else None,
        }
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.kill()
                worker.process.wait()
        fake.stop()


# ---------------------------------------------------------------- the tables
def run(args: argparse.Namespace) -> list[Table]:
    from index.store import ensure_index

    searches = 400 if args.quick else args.scale_searches
    chats = 200 if args.quick else args.scale_chats
    kill_chats = 100 if args.quick else args.kill_chats
    cluster, why_not = _start_postgres()
    if cluster is None:
        table = Table("Scale: many instances on one PostgreSQL", ["skipped"])
        table.add_row(why_not)
        return [table]
    try:
        with tempfile.TemporaryDirectory(prefix="studybot-scale-") as tmp:
            data_dir = Path(tmp)
            ensure_index(Path("corpus"), data_dir / "index")
            one = _searches(searches, data_dir, cluster, 1)
            two = _searches(searches, data_dir, cluster, 2)
            both = _fanout(cluster, data_dir, chats, 1, None)
            killed = _fanout(cluster, data_dir, kill_chats, 2, kill_chats)
    finally:
        cluster.stop()

    search = Table(
        f"Scale: {searches} searches from {searches // 2} users by webhook through a round-robin "
        "proxy, one PostgreSQL",
        ["instances", "replies/s", "vs one", "CPU ms/reply", "lost", "duplicated", "setWebhook"],
    )
    for label, row in (("1", one), ("2", two)):
        search.add_row(
            label,
            row["rate"],
            f"{row['rate'] / one['rate']:.2f}×",
            row["cpu_ms"],
            row["lost"],
            row["duplicated"],
            row["set_webhook"],
        )
    search.notes.append(
        "Target: 0 lost, 0 duplicated; setWebhook: calls by all instances together (only one "
        f"sets it). {os.cpu_count()} CPUs shared by every process, the fake and PostgreSQL too."
    )

    daily = Table(
        f"Scale: daily fan-out to {both['chats']} chats, two instances running the job at once, "
        "strict flood limit (30 in any 1 s), one PostgreSQL",
        ["polls", "elapsed s", "floor s", "× floor", "429s", "lost", "duplicated"],
    )
    ratio = both["elapsed"] / both["floor"]
    daily.add_row(
        both["polls"],
        both["elapsed"],
        both["floor"],
        f"{ratio:.2f}×",
        both["count_429"],
        both["lost"],
        both["twice"],
    )
    work = ", ".join(
        f"instance {i + 1}: {w['posted_chats']} chats posted, {w['claimed_elsewhere']} found "
        f"claimed by the other, {w['ticks']} ticks"
        for i, w in enumerate(both["workers"])
    )
    verdict = (
        "meets" if ratio <= TARGET_RATIO and not both["lost"] and not both["twice"] else "misses"
    )
    daily.notes.append(f"Target: 0 lost, 0 duplicated, ≤ {TARGET_RATIO}× the floor — {verdict} it.")
    daily.notes.append(
        f"Duplicated work: {work} (no poll is sent twice; a lost claim costs one row)."
    )

    kill = Table(
        f"Scale: kill -9 of one instance mid fan-out ({killed['chats']} chats × 2 polls), the "
        "survivor finishing the day (lease 3 s)",
        [
            "killed after",
            "chats with the quiz",
            "lost",
            "twice",
            "polls repeated",
            "429s",
            "elapsed s",
        ],
    )
    kill.add_row(
        killed["killed_at"],
        f"{killed['whole']} of {killed['chats']}",
        killed["lost"],
        killed["twice"],
        killed["repeated_polls"],
        killed["count_429"],
        killed["elapsed"],
    )
    survivor = killed["workers"][0]
    kill.notes.append(
        f"The survivor resumed {survivor['resumed']} unfinished posts of the killed instance. "
        "Target: every chat its whole quiz, none twice. A poll can repeat only when the kill "
        "falls between Telegram's answer and the poll's record (one round trip)."
    )
    return [search, daily, kill]
