"""Bench section ``bot``: the Telegram bot in its own process against the fake Bot API, with a
bare PTB echo bot measured in the same run as the framework's floor.

- CPU per reply: a burst of private searches from distinct users, flood limits off; on SQLite,
  and on PostgreSQL (a throw-away cluster, tests.pg_cluster) where the server is installed.
- Delivery under flood limits: a burst of private searches with the fake enforcing ~30 msg/s.
- Latency: update → reply at a steady rate.
- Memory: resident set of the running bot.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.processes import BotProcess, FakeServer, running, wait_until
from bench.table import Table
from tests.pg_cluster import PgCluster, find_bindir

FLOOD_CEILING = 30.0  # messages per second, Telegram's overall limit that the fake enforces
BOT_ARGV = [sys.executable, "-m", "bot.cli", "run"]
ECHO_ARGV = [sys.executable, "-m", "bench.echo_bot"]
_RUNS = itertools.count(1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bot-burst", type=int, default=1000, help="messages in the CPU burst")


def _queries() -> list[str]:
    from tests.relevance_cases import CASES

    return [case.query for case in CASES]


def _specs(queries: list[str], count: int, first_user: int) -> list[dict]:
    return [
        {
            "kind": "private_message",
            "user": {"id": first_user + i, "first_name": f"Student{i}", "language_code": "en"},
            "text": queries[i % len(queries)],
        }
        for i in range(count)
    ]


def _replied(fake: FakeServer, chat_ids: set[int], since: int) -> dict[int, float]:
    """First successful sendMessage time per chat among ``chat_ids``."""
    first: dict[int, float] = {}
    for call in fake.calls("sendMessage", since=since):
        chat_id = int(call["params"].get("chat_id", 0))
        if call["status"] == 200 and chat_id in chat_ids and chat_id not in first:
            first[chat_id] = call["timestamp"]
    return first


def _call_count(fake: FakeServer) -> int:
    return fake.stats()["requests"]


def _burst(fake: FakeServer, bot: BotProcess, count: int, first_user: int, timeout: float):
    """Push ``count`` searches at once; wait for every reply. Returns (cpu s, elapsed s, 429s)."""
    queries = _queries()
    chat_ids = set(range(first_user, first_user + count))
    since = _call_count(fake)
    before_429 = fake.stats()["count_429"]
    cpu_before = bot.cpu_seconds()
    started = time.time()
    for offset in range(0, count, 250):
        fake.push(_specs(queries, min(250, count - offset), first_user + offset))
    replies: dict[int, float] = {}

    def all_replied() -> bool:
        replies.update(_replied(fake, chat_ids, since))
        return len(replies) >= count or not bot.alive()

    wait_until(all_replied, timeout, f"{count} replies", poll=0.5)
    if len(replies) < count:
        raise RuntimeError(f"the bot died after {len(replies)} of {count} replies")
    elapsed = max(replies.values()) - started
    return bot.cpu_seconds() - cpu_before, elapsed, fake.stats()["count_429"] - before_429


def _warm_up(fake: FakeServer, bot: BotProcess, first_user: int) -> None:
    wait_until(
        lambda: fake.stats()["by_method"].get("getUpdates", 0) > 0 or not bot.alive(),
        120,
        "the bot to start polling",
    )
    if not bot.alive():
        raise RuntimeError("the bot exited at start:\n" + bot.stop())
    _burst(fake, bot, 20, first_user, timeout=120)
    _wait_until_idle(bot)


def _wait_until_idle(bot: BotProcess, *, busy: float = 0.05, limit: float = 60.0) -> None:
    """Start-up work (the question bank is built in a thread after boot) is not per-reply
    cost: wait until the bot uses under ``busy`` of a core for a full second."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = bot.cpu_seconds()
        time.sleep(1.0)
        if bot.cpu_seconds() - before < busy:
            return


def _bot_env(data_dir: Path, postgres: PgCluster | None = None) -> dict[str, str]:
    """The shared, prebuilt index, and a fresh database per run: each fake numbers its updates
    from 1, which the previous run's database would drop as already processed."""
    run = next(_RUNS)
    if postgres is not None:
        postgres.execute(f"CREATE DATABASE bench_{run}")
        url = postgres.url(f"bench_{run}")
    else:
        url = f"sqlite+aiosqlite:///{data_dir / f'bench-{run}.db'}"
    return {
        "STUDYBOT_DATA_DIR": str(data_dir),
        "STUDYBOT_CORPUS_DIR": "corpus",
        "DATABASE_URL": url,
    }


def _start_postgres() -> tuple[PgCluster | None, str]:
    """A throw-away PostgreSQL server for the bench, or None and why not."""
    bindir = find_bindir()
    if bindir is None:
        return None, "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin)"
    cluster = PgCluster(bindir)
    try:
        cluster.start()
    except (OSError, RuntimeError) as error:
        cluster.stop()
        return None, f"the PostgreSQL server did not start: {error}"
    return cluster, ""


def _measure_cpu(
    argv: list[str], data_dir: Path, burst: int, postgres: PgCluster | None = None
) -> tuple[float, float, float]:
    """(CPU ms per reply, replies per second, RSS MB after the burst) for one bot program."""
    fake = FakeServer()
    with running(fake, BotProcess(argv, fake, _bot_env(data_dir, postgres))) as (_, bot):
        _warm_up(fake, bot, first_user=10_000)
        cpu, elapsed, _ = _burst(fake, bot, burst, first_user=100_000, timeout=600)
        return cpu * 1000 / burst, burst / elapsed, bot.rss_mb()


def _measure_flood(data_dir: Path, burst: int) -> tuple[float, float, int]:
    """(elapsed s, replies per second, 429s received) for a burst under the strict flood limit
    (30 messages in any 1-second window)."""
    fake = FakeServer(flood_limits=True, strict_flood=True)
    with running(fake, BotProcess(BOT_ARGV, fake, _bot_env(data_dir))) as (_, bot):
        _warm_up(fake, bot, first_user=20_000)
        time.sleep(1.5)  # let the fake's one-second window forget the warm-up
        _, elapsed, count_429 = _burst(fake, bot, burst, first_user=200_000, timeout=600)
        return elapsed, burst / elapsed, count_429


def _measure_latency(data_dir: Path, rate: float, count: int) -> tuple[float, float, float]:
    """(p50 ms, p99 ms, RSS MB) of update → reply at a steady ``rate`` messages per second."""
    fake = FakeServer()
    with running(fake, BotProcess(BOT_ARGV, fake, _bot_env(data_dir))) as (_, bot):
        _warm_up(fake, bot, first_user=30_000)
        queries = _queries()
        since = _call_count(fake)
        pushed_at: dict[int, float] = {}
        start = time.monotonic()
        for i in range(count):
            # steady pacing against the schedule, not sleep-after-send, so drift does not add up
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            user = 300_000 + i
            pushed_at[user] = time.time()
            fake.push(_specs([queries[i % len(queries)]], 1, user))
        replies: dict[int, float] = {}

        def all_replied() -> bool:
            replies.update(_replied(fake, set(pushed_at), since))
            return len(replies) >= count

        wait_until(all_replied, 120, "steady-rate replies", poll=0.5)
        latencies = sorted((replies[u] - pushed_at[u]) * 1000 for u in pushed_at)
        p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
        return statistics.median(latencies), p99, bot.rss_mb()


def run(args: argparse.Namespace) -> list[Table]:
    from index.store import ensure_index

    burst = 200 if args.quick else args.bot_burst
    flood_burst = 100 if args.quick else 300
    steady = 100 if args.quick else 400
    with tempfile.TemporaryDirectory(prefix="studybot-botbench-") as tmp:
        data_dir = Path(tmp)
        ensure_index(Path("corpus"), data_dir / "index")  # built once, outside the timings

        echo_cpu, echo_rate, echo_rss = _measure_cpu(ECHO_ARGV, data_dir, burst)
        bot_cpu, bot_rate, bot_rss = _measure_cpu(BOT_ARGV, data_dir, burst)
        postgres, no_postgres = _start_postgres()
        try:
            pg_row = postgres and _measure_cpu(BOT_ARGV, data_dir, burst, postgres)
        finally:
            if postgres is not None:
                postgres.stop()
        flood_elapsed, flood_rate, flood_429 = _measure_flood(data_dir, flood_burst)
        p50, p99, steady_rss = _measure_latency(data_dir, 20.0, steady)

    cpu = Table(
        f"Bot: CPU per reply, {burst} private searches from distinct users, no flood limits",
        ["program", "CPU ms/reply", "replies/s", "RSS MB", "vs echo"],
    )
    cpu.add_row("PTB echo bot (floor)", echo_cpu, echo_rate, echo_rss, "1.00×")
    cpu.add_row("Studybot (SQLite)", bot_cpu, bot_rate, bot_rss, f"{bot_cpu / echo_cpu:.2f}×")
    if pg_row:
        pg_cpu, pg_rate, pg_rss = pg_row
        cpu.add_row("Studybot (PostgreSQL)", pg_cpu, pg_rate, pg_rss, f"{pg_cpu / echo_cpu:.2f}×")
        cpu.notes.append("PostgreSQL: the bot's process only (the server's own CPU is not in it).")
    else:
        cpu.notes.append(f"No PostgreSQL row: {no_postgres}.")
    cpu.notes.append("Target: Studybot on SQLite ≤ 2× the echo bot's CPU per reply; RSS ≤ 150 MB.")

    flood = Table(
        f"Bot: delivery under the strict flood limit ({FLOOD_CEILING:.0f} in any 1 s window), "
        f"burst of {flood_burst}",
        ["replies", "elapsed s", "replies/s", "of ceiling", "429s received"],
    )
    flood.add_row(
        flood_burst,
        flood_elapsed,
        flood_rate,
        f"{100 * flood_rate / FLOOD_CEILING:.0f}%",
        flood_429,
    )
    flood.notes.append(
        "Target: every search answered, ≥ 27 replies/s (90% of the ceiling), 0 × 429."
    )

    latency = Table(
        f"Bot: update → reply latency at a steady 20 msg/s ({steady} messages)",
        ["p50 ms", "p99 ms", "RSS MB after"],
    )
    latency.add_row(p50, p99, steady_rss)
    return [cpu, flood, latency]
