"""Bench section ``crash``: nothing acknowledged is lost, nothing is done twice, with the bot as
a real process against the fake Bot API (bench.processes):

- ``kill -9`` during 200 incoming messages, then a restart on the same database;
- ``kill -9`` during 200 poll answers, then a restart (answers counted in the database);
- PostgreSQL stopped (``pg_ctl stop -m fast``) for 12 s during a burst, then started again;
- SQLite "disk full" for 3 s during a burst: an injected fault (bench.faulty_bot makes every
  write fail with SQLite's own ``database or disk is full`` while a flag file exists).

Received: updates the bot confirmed to the fake (getUpdates offsets past them); answered: chats
(or students) that got their answer; lost: the rest; duplicated: answers beyond one.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.processes import BotProcess, FakeServer, wait_until
from bench.table import Table
from tests.pg_cluster import PgCluster, find_bindir

BOT_ARGV = [sys.executable, "-m", "bot.cli", "run"]
FAULTY_ARGV = [sys.executable, "-m", "bench.faulty_bot", "run"]
LEASE = {"STUDYBOT_INBOX_LEASE_S": "2", "STUDYBOT_STORAGE_RETRY_S": "60"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--crash-count", type=int, default=200, help="updates per crash row")


def _env(data_dir: Path, url: str, **extra: str) -> dict[str, str]:
    return {
        "STUDYBOT_DATA_DIR": str(data_dir),
        "STUDYBOT_CORPUS_DIR": "corpus",
        "DATABASE_URL": url,
        **LEASE,
        **extra,
    }


def _start(argv: list[str], fake: FakeServer, env: dict[str, str]) -> BotProcess:
    bot = BotProcess(argv, fake, env)
    polls = fake.stats()["by_method"].get("getUpdates", 0)
    wait_until(
        lambda: fake.stats()["by_method"].get("getUpdates", 0) > polls or not bot.alive(),
        120,
        "the bot to start polling",
    )
    if not bot.alive():
        raise RuntimeError("the bot exited at start:\n" + bot.stop())
    return bot


def _kill(bot: BotProcess) -> None:
    bot.process.kill()  # SIGKILL: no shut-down of any kind
    bot.process.wait()


def _messages(count: int, first_user: int) -> list[dict[str, Any]]:
    return [
        {
            "kind": "private_message",
            "user": {"id": first_user + i, "first_name": f"S{i}", "language_code": "en"},
            "text": "lambda",
        }
        for i in range(count)
    ]


def _replies_per_chat(fake: FakeServer, chats: set[int], method: str = "sendMessage") -> Counter:
    counts: Counter[int] = Counter()
    for call in fake.calls(method):
        chat_id = int(call["params"].get("chat_id", 0))
        if call["status"] == 200 and chat_id in chats:
            counts[chat_id] += 1
    return counts


def _received(fake: FakeServer, update_ids: list[int]) -> int:
    pending = fake.stats().get("pending_updates")
    if isinstance(pending, int):
        return len(update_ids) - min(pending, len(update_ids))
    return len(update_ids)


def _row(name: str, sent: int, received: int, per_chat: Counter, chats: set[int]) -> list[Any]:
    answered = sum(1 for chat in chats if per_chat[chat] > 0)
    duplicated = sum(max(per_chat[chat] - 1, 0) for chat in chats)
    return [name, sent, received, answered, sent - answered, duplicated]


def _kill_during_messages(data_dir: Path, count: int) -> list[Any]:
    fake = FakeServer()
    url = f"sqlite+aiosqlite:///{data_dir / 'crash-messages.db'}"
    bot: BotProcess | None = None
    try:
        bot = _start(BOT_ARGV, fake, _env(data_dir, url))
        first = 300_000
        chats = set(range(first, first + count))
        ids = fake.push(_messages(count, first))
        wait_until(
            lambda: sum(_replies_per_chat(fake, chats).values()) >= count // 4, 60, "replies"
        )
        _kill(bot)
        bot = _start(BOT_ARGV, fake, _env(data_dir, url))
        wait_until(lambda: len(_replies_per_chat(fake, chats)) >= count, 60, "every answer")
        time.sleep(3)  # more leases run out: nothing may be answered twice
        return _row(
            "kill -9 during messages",
            count,
            _received(fake, ids),
            _replies_per_chat(fake, chats),
            chats,
        )
    except TimeoutError:
        return _row("kill -9 during messages", count, 0, _replies_per_chat(fake, chats), chats)
    finally:
        if bot is not None:
            bot.stop()
        fake.stop()


def _answers(db_path: Path, users: set[int]) -> Counter:
    with sqlite3.connect(db_path, timeout=30) as connection:
        rows = connection.execute("SELECT user_id FROM answers").fetchall()
    return Counter(user for (user,) in rows if user in users)


def _kill_during_votes(data_dir: Path, count: int) -> list[Any]:
    fake = FakeServer()
    db_path = data_dir / "crash-votes.db"
    url = f"sqlite+aiosqlite:///{db_path}"
    first = 400_000
    users = set(range(first, first + count))
    bot: BotProcess | None = None
    try:
        bot = _start(BOT_ARGV, fake, _env(data_dir, url))
        # the quiz bank is built after start: ask until a poll comes back
        wait_until(lambda: _one_quiz(fake, first - 1), 120, "the quiz bank")
        fake.push(
            [
                {"kind": "command", "user": {"id": u, "first_name": "S"}, "command": "/quiz"}
                for u in sorted(users)
            ]
        )
        wait_until(lambda: len(_replies_per_chat(fake, users, "sendPoll")) >= count, 120, "polls")
        votes = []
        for user in sorted(users):
            poll = next(m["poll"] for m in fake.control("messages", chat_id=user) if "poll" in m)
            votes.append(
                {
                    "kind": "poll_answer",
                    "user": {"id": user, "first_name": "S"},
                    "poll_id": poll["id"],
                    "option_ids": [0],
                }
            )
        ids = fake.push(votes)
        wait_until(lambda: sum(_answers(db_path, users).values()) >= count // 4, 60, "answers")
        _kill(bot)
        bot = _start(BOT_ARGV, fake, _env(data_dir, url))
        wait_until(lambda: len(_answers(db_path, users)) >= count, 60, "every answer")
        time.sleep(3)
        received = _received(fake, ids)
    except TimeoutError:
        received = 0
    finally:
        if bot is not None:
            bot.stop()
        fake.stop()
    return _row("kill -9 during poll answers", count, received, _answers(db_path, users), users)


def _one_quiz(fake: FakeServer, user: int) -> bool:
    fake.push([{"kind": "command", "user": {"id": user, "first_name": "W"}, "command": "/quiz"}])
    time.sleep(1.0)
    return any("poll" in m for m in fake.control("messages", chat_id=user))


def _burst_with_fault(
    name: str,
    argv: list[str],
    fake: FakeServer,
    env: dict[str, str],
    count: int,
    first: int,
    fault: Any,
    heal: Any,
) -> list[Any]:
    chats = set(range(first, first + count))
    bot = _start(argv, fake, env)
    try:
        half = count // 2
        ids = fake.push(_messages(half, first))
        fault()
        ids += fake.push(_messages(count - half, first + half))
        heal()
        try:
            wait_until(lambda: len(_replies_per_chat(fake, chats)) >= count, 90, "every answer")
            time.sleep(2)
        except TimeoutError:
            pass
        return _row(name, count, _received(fake, ids), _replies_per_chat(fake, chats), chats)
    finally:
        bot.stop()


def _postgres_stopped(data_dir: Path, count: int) -> list[Any] | str:
    bindir = find_bindir()
    if bindir is None:
        return "PostgreSQL is not installed"
    cluster = PgCluster(bindir)
    try:
        cluster.start()
    except (OSError, RuntimeError) as error:
        cluster.stop()
        return f"the PostgreSQL server did not start: {error}"
    fake = FakeServer()
    try:
        cluster.execute("CREATE DATABASE crash")
        data = str(cluster.data_dir)

        def stop() -> None:  # pg_ctl as the cluster's own user
            done = cluster._run("pg_ctl", "--pgdata", data, "--mode", "fast", "stop")
            if done.returncode != 0:
                raise RuntimeError(f"pg_ctl stop failed: {done.stderr}")
            time.sleep(12)

        def start() -> None:
            log = str(cluster.data_dir.parent / "server-again.log")
            options = f"-p {cluster.port}"
            cluster._run(
                "pg_ctl", "--pgdata", data, "--log", log, "--options", options, "--wait", "start"
            )

        env = _env(data_dir, cluster.url("crash"))
        return _burst_with_fault(
            "PostgreSQL stopped 12 s", BOT_ARGV, fake, env, count, 500_000, stop, start
        )
    finally:
        fake.stop()
        cluster.stop()


def _disk_full(data_dir: Path, count: int) -> list[Any]:
    flag = data_dir / "disk-full"
    env = _env(
        data_dir,
        f"sqlite+aiosqlite:///{data_dir / 'crash-disk.db'}",
        STUDYBOT_BENCH_DISK_FULL=str(flag),
    )
    fake = FakeServer()

    def fill() -> None:
        flag.touch()
        time.sleep(3)

    try:
        return _burst_with_fault(
            "SQLite disk full 3 s", FAULTY_ARGV, fake, env, count, 600_000, fill, flag.unlink
        )
    finally:
        fake.stop()


def run(args: argparse.Namespace) -> list[Table]:
    from index.store import ensure_index

    count = 60 if args.quick else args.crash_count
    table = Table(
        f"Crash bench: {count} updates per row, the bot as a real process",
        ["row", "sent", "received", "answered", "lost", "duplicated"],
    )
    with tempfile.TemporaryDirectory(prefix="studybot-crash-") as tmp:
        data_dir = Path(tmp)
        ensure_index(Path("corpus"), data_dir / "index")
        table.add_row(*_kill_during_messages(data_dir, count))
        table.add_row(*_kill_during_votes(data_dir, count))
        pg = _postgres_stopped(data_dir, count // 2)
        if isinstance(pg, str):
            table.notes.append(f"No PostgreSQL row: {pg}.")
        else:
            table.add_row(*pg)
        table.add_row(*_disk_full(data_dir, count // 2))
    table.notes += [
        "Poll answers: 'answered' is answers recorded in the database (one row per student).",
        "Disk full is injected (bench.faulty_bot: every SQLite write fails while a flag exists).",
        "Targets: 0 lost and 0 duplicated in every row.",
    ]
    return [table]
