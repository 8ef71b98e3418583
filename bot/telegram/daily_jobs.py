"""The daily quiz fan-out: a repeating JobQueue job finds chats whose local post time has passed
today and whose post is not yet claimed, claims each one in the database, then sends its polls.

Claiming before sending makes the post happen at most once per chat and local day whatever
happens (restarts, two bot processes on one database, DST gaps and repeats: the comparison is
on local wall-clock times). A missed time after downtime is caught up on the next tick. Sends go
through the bot's rate limiter with bounded concurrency; a chat that answers 403 is paused.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.core.polls_in_flight import polls_in_flight
from bot.core.quiz import DailyBatchItem, QuizPost, prepare_daily_posts, remember_polls
from bot.core.services import AppServices
from bot.telegram.context import get_services

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0
FANOUT_CONCURRENCY = 64  # chats claimed ahead of their sends; the rate limiter paces sends
CLAIM_BATCH = 32  # chats claimed per transaction
JOB_NAME = "daily-quiz"
_LOCK_KEY = "daily_fanout_lock"
_UNREACHABLE = ("chat not found", "bot was kicked", "not enough rights", "have no rights")


@dataclass
class FanoutReport:
    """What one tick did (for logs, tests and the benchmark)."""

    due: int = 0
    posted_chats: int = 0
    polls_sent: int = 0
    claimed_elsewhere: int = 0
    paused: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    nothing_to_ask: int = 0


def schedule(
    application: Application, *, interval: float = TICK_SECONDS, first: float = 1.0
) -> None:
    """Run the fan-out every ``interval`` seconds: subscriptions are read from the database on
    each tick, so every active one is served from start-up on (nothing to restore by hand)."""
    if application.job_queue is None:
        log.warning("no JobQueue: daily quizzes will not be posted")
        return
    application.job_queue.run_repeating(
        daily_tick,
        interval=interval,
        first=first,
        name=JOB_NAME,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )


async def daily_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    report = await post_due_daily_quizzes(context.bot, get_services(context))
    if report.due:
        log.info("daily fan-out: %s", report)


async def post_due_daily_quizzes(
    bot: Bot,
    services: AppServices,
    *,
    now: datetime | None = None,
    concurrency: int = FANOUT_CONCURRENCY,
    batch: int = CLAIM_BATCH,
) -> FanoutReport:
    """Claim and post every daily quiz due at ``now`` (one tick; overlapping ticks are skipped).

    Chats are claimed in batches (one transaction each, committed before their polls go out),
    at most ``concurrency`` chats ahead of the sends, so a crash loses little; the rate limiter
    paces the sends themselves."""
    report = FanoutReport()
    if services.db is None:
        return report
    lock: asyncio.Lock = services.extra.setdefault(_LOCK_KEY, asyncio.Lock())
    if lock.locked():
        return report
    from bot.db.daily import due_daily_posts

    async with lock:
        moment = now or datetime.now(UTC)
        async with services.db.session() as session:
            due = await due_daily_posts(session, moment)
        report.due = len(due)
        slots = asyncio.Semaphore(max(batch, concurrency))
        db_turn = asyncio.Lock()  # one unit of database work at a time: SQLite writers queue
        tasks: list[asyncio.Task[None]] = []

        async def deliver(entry: DailyBatchItem) -> None:
            try:
                await post_daily_quiz(bot, services, entry, report, db_turn=db_turn)
            except Exception:
                log.exception("daily post to %s failed", entry.chat_id)
                report.failed.append(entry.chat_id)
            finally:
                slots.release()

        for start in range(0, len(due), batch):
            chunk = due[start : start + batch]
            for _ in chunk:
                await slots.acquire()
            async with db_turn:
                prepared = await prepare_daily_posts(services, chunk, moment)
            report.claimed_elsewhere += len(chunk) - len(prepared)
            for _ in range(len(chunk) - len(prepared)):
                slots.release()
            tasks.extend(asyncio.create_task(deliver(entry)) for entry in prepared)
        await asyncio.gather(*tasks)
    return report


async def post_daily_quiz(
    bot: Bot,
    services: AppServices,
    entry: DailyBatchItem,
    report: FanoutReport,
    *,
    db_turn: asyncio.Lock | None = None,
) -> None:
    """Send one claimed chat's polls and record them; a 403 pauses the chat."""
    turn = db_turn or asyncio.Lock()
    sent: list[tuple[str, int, QuizPost]] = []
    async with polls_in_flight(services).sending():
        await _send_and_record(bot, services, entry, report, turn, sent)
    if sent:
        report.posted_chats += 1


async def _send_and_record(
    bot: Bot,
    services: AppServices,
    entry: DailyBatchItem,
    report: FanoutReport,
    turn: asyncio.Lock,
    sent: list[tuple[str, int, QuizPost]],
) -> None:
    try:
        for post in entry.posts:
            try:
                message = await _send_with_retry(bot, entry.chat_id, post)
            except Forbidden:
                await _pause(services, entry.chat_id, turn, report)
                return
            except BadRequest as exc:
                if any(reason in exc.message.lower() for reason in _UNREACHABLE):
                    await _pause(services, entry.chat_id, turn, report)
                    return
                raise
            if message.poll is not None:
                sent.append((message.poll.id, message.message_id, post))
            report.polls_sent += 1
    finally:
        if sent:
            async with turn:
                await remember_polls(services, entry.chat_id, sent, is_daily=True)


async def _pause(
    services: AppServices, chat_id: int, turn: asyncio.Lock, report: FanoutReport
) -> None:
    async with turn:
        await pause_chat(services, chat_id)
    report.paused.append(chat_id)


async def _send_with_retry(bot: Bot, chat_id: int, post: QuizPost, attempts: int = 4) -> Message:
    """One poll; a 429 the rate limiter gave up on is waited out here (the claim is ours)."""
    from bot.telegram.quiz_handlers import send_quiz_post

    for attempt in range(attempts):
        try:
            return await send_quiz_post(bot, chat_id, post)
        except RetryAfter as exc:
            if attempt == attempts - 1:
                raise
            delay = exc.retry_after
            seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            await asyncio.sleep(seconds + 0.1)
    raise TelegramError("unreachable")


async def pause_chat(services: AppServices, chat_id: int) -> None:
    """After a 403: pause the chat's daily quiz and mark the chat inactive (no retries forever)."""
    from bot.db.chats import set_chat_active
    from bot.db.daily import pause_subscription

    assert services.db is not None
    async with services.db.session() as session:
        await pause_subscription(session, chat_id)
        await set_chat_active(session, chat_id, False)
    log.info("chat %s answered 403: daily quiz paused, chat inactive", chat_id)
