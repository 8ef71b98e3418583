"""Bench section ``daily``: the daily-quiz fan-out to many subscribed chats (private chats and
groups) through the fake Bot API in its own process with Telegram's flood limits on.

The bot side runs in this process: the real Application's bot (PTB's rate limiter, retries) and
``bot.features.daily.fanout.post_due_daily_quizzes`` over a fresh SQLite database. Printed: elapsed
time against the theoretical floor (messages / 30 per second, and 20 per minute per group), the
429s received, and chats that got no poll (lost) or more than one day's polls (duplicated).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from bench.processes import TOKEN, FakeServer
from bench.table import Table

GLOBAL_RATE = 30.0  # messages per second, overall
GROUP_RATE = 20.0 / 60.0  # messages per second, per group
TARGET_RATIO = 1.2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--daily-chats", type=int, default=1000, help="subscribed chats")
    parser.add_argument(
        "--daily-groups", type=float, default=0.3, help="share of the chats that are groups"
    )
    parser.add_argument("--daily-count", type=int, default=1, help="questions per daily post")


class _Chunks:
    """The part of a searcher the question bank needs: the notes' chunks."""

    def __init__(self, chunks: list) -> None:
        self._chunks = chunks

    def chunks(self) -> list:
        return self._chunks

    def search(self, query: str, limit: int = 5):  # pragma: no cover - not used
        raise NotImplementedError

    def chunk(self, chunk_id: str):  # pragma: no cover - not used
        return None


async def demo_services(settings):
    """Started services over the shipped notes (the demo notebook), as the bot builds them."""
    from bot.core.notebooks import DEMO, Notebook, NotebookRegistry
    from bot.core.question_bank import QuizBank, QuizBankHolder
    from bot.core.services import AppServices
    from bot.db.session import Database
    from index.chunker import load_chunks

    chunks = await asyncio.to_thread(load_chunks, settings.corpus_dir)
    bank = await asyncio.to_thread(QuizBank.from_chunks, chunks)
    db = Database(settings.effective_database_url)
    await db.start()
    notebook = Notebook(DEMO, _Chunks(chunks), QuizBankHolder(bank))
    return AppServices(settings=settings, db=db, notebooks=NotebookRegistry([notebook]))


def floor_seconds(messages: int, group_messages_max: int) -> float:
    """The least time Telegram's limits allow: the overall rate, or the busiest group's rate."""
    overall = messages / GLOBAL_RATE
    per_group = max(0, group_messages_max - 20) / GROUP_RATE  # 20 fit in the first minute
    return max(overall, per_group)


def _register_chats(fake: FakeServer, privates: list[int], groups: list[int]) -> None:
    """Make the chats known to the fake (as if each had written to the bot once)."""
    specs: list[dict] = []
    for user_id in privates:
        user = {"id": user_id, "first_name": f"Student{user_id}", "language_code": "en"}
        specs.append({"kind": "private_message", "user": user, "text": "hi"})
    for index, chat_id in enumerate(groups):
        chat = {"id": chat_id, "type": "supergroup", "title": f"Study group {index}"}
        user = {"id": 9_000_000 + index, "first_name": f"Member{index}"}
        specs.append({"kind": "group_message", "chat": chat, "user": user, "text": "hello"})
    for start in range(0, len(specs), 500):
        fake.push(specs[start : start + 500])


async def _fan_out(args: argparse.Namespace, fake: FakeServer, workdir: Path) -> dict:
    from bot.db.chats import upsert_chat
    from bot.db.daily import subscribe_daily
    from bot.features.daily.fanout import post_due_daily_quizzes
    from bot.settings import Settings
    from bot.telegram.app import build_application
    from bot.telegram.sender import TelegramSender

    chats = args.daily_chats if not args.quick else min(args.daily_chats, 200)
    group_count = round(chats * args.daily_groups)
    groups = [-1_002_000_000_000 - i for i in range(group_count)]
    privates = [20_000_000 + i for i in range(chats - group_count)]
    _register_chats(fake, privates, groups)

    settings = Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.url,
        STUDYBOT_DATA_DIR=str(workdir),
        DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'daily.db'}",
        STUDYBOT_LOG_LEVEL="WARNING",
    )
    services = await demo_services(settings)
    db = services.db
    post_at = clock_time(7, 0)
    async with db.session() as session:
        for chat_id in privates:
            await upsert_chat(session, chat_id, "private", None)
            await subscribe_daily(session, chat_id, post_at, "UTC", count=args.daily_count)
        for chat_id in groups:
            await upsert_chat(session, chat_id, "supergroup", "group")
            await subscribe_daily(session, chat_id, post_at, "UTC", count=args.daily_count)

    application = build_application(settings, services)
    await application.initialize()
    since = fake.stats()["requests"]
    before_429 = fake.stats()["count_429"]
    now = datetime.now(UTC).replace(hour=7, minute=1, second=0, microsecond=0)
    try:
        started = time.perf_counter()
        report = await post_due_daily_quizzes(services, TelegramSender(application.bot), now=now)
        elapsed = time.perf_counter() - started
        # a second process-like pass (and a later tick) must not post again
        again = await post_due_daily_quizzes(
            services, TelegramSender(application.bot), now=now + timedelta(minutes=5)
        )
    finally:
        await application.shutdown()
        await db.close()

    sent = Counter(
        int(call["params"]["chat_id"])
        for call in fake.calls("sendPoll", since=0)
        if call["status"] == 200
    )
    expected = set(privates) | set(groups)
    lost = sum(1 for chat_id in expected if sent.get(chat_id, 0) < args.daily_count)
    duplicated = sum(1 for chat_id in expected if sent.get(chat_id, 0) > args.daily_count)
    messages = chats * args.daily_count
    return {
        "chats": chats,
        "privates": len(privates),
        "groups": len(groups),
        "messages": messages,
        "polls_sent": sum(sent[c] for c in expected),
        "elapsed": elapsed,
        "floor": floor_seconds(messages, args.daily_count),
        "count_429": fake.stats()["count_429"] - before_429,
        "lost": lost,
        "duplicated": duplicated,
        "second_pass_polls": again.polls_sent,
        "failed": len(report.failed),
        "requests": fake.stats()["requests"] - since,
    }


def run(args: argparse.Namespace) -> list[Table]:
    fake = FakeServer(flood_limits=True)
    try:
        with tempfile.TemporaryDirectory(prefix="studybot-daily-") as tmp:
            result = asyncio.run(_fan_out(args, fake, Path(tmp)))
    finally:
        fake.stop()
    ratio = result["elapsed"] / result["floor"] if result["floor"] else math.nan
    table = Table(
        "Daily fan-out through the fake Bot API (flood limits on: 30 msg/s, 20/min per group)",
        [
            "chats",
            "private",
            "groups",
            "polls",
            "elapsed s",
            "floor s",
            "× floor",
            "429s",
            "lost",
            "duplicated",
        ],
    )
    table.add_row(
        result["chats"],
        result["privates"],
        result["groups"],
        result["polls_sent"],
        f"{result['elapsed']:.1f}",
        f"{result['floor']:.1f}",
        f"{ratio:.2f}×",
        result["count_429"],
        result["lost"],
        result["duplicated"],
    )
    verdict = "meets" if ratio <= TARGET_RATIO and not result["lost"] else "misses"
    table.notes.append(
        f"target: 0 lost, 0 duplicated, within {TARGET_RATIO}× the floor — {verdict} it; "
        f"a second tick 5 min later sent {result['second_pass_polls']} polls; "
        f"{result['failed']} chats failed."
    )
    return [table]
