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
from typing import TYPE_CHECKING

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.core.quiz import QuizPost, quiz_posts, remember_poll
from bot.core.replies import Asker
from bot.core.services import AppServices
from bot.telegram.context import get_services

if TYPE_CHECKING:
    from bot.db.daily import DuePost

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0
FANOUT_CONCURRENCY = 32  # chats posted to at once; the rate limiter paces the actual sends
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
) -> FanoutReport:
    """Claim and post every daily quiz due at ``now`` (one tick; overlapping ticks are skipped)."""
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
        if not due:
            return report
        gate = asyncio.Semaphore(max(1, concurrency))

        async def one(post: DuePost) -> None:
            async with gate:
                try:
                    await post_daily_quiz(bot, services, post, report, now=moment)
                except Exception:
                    log.exception("daily post to %s failed", post.chat_id)
                    report.failed.append(post.chat_id)

        await asyncio.gather(*(one(post) for post in due))
    return report


async def post_daily_quiz(
    bot: Bot, services: AppServices, due: DuePost, report: FanoutReport, *, now: datetime
) -> None:
    """Claim the chat's post for its local day, then send its polls (nothing if claimed already)."""
    from bot.db.chats import get_chat
    from bot.db.daily import claim_daily_post, release_daily_post

    assert services.db is not None
    async with services.db.session() as session:
        claimed = await claim_daily_post(session, due.chat_id, due.local_date)
        chat = await get_chat(session, due.chat_id)
    if not claimed:
        report.claimed_elsewhere += 1
        return
    chat_type = chat.type if chat is not None else ("private" if due.chat_id > 0 else "group")
    private = chat_type == "private"
    asker = Asker(
        user_id=due.chat_id if private else None,
        chat_id=due.chat_id,
        lang=(chat.language if chat is not None and chat.language else "en"),
        private=private,
    )
    posts = await quiz_posts(
        services, asker, count=due.count, anonymous=chat_type == "channel", now=now
    )
    if not posts:
        async with services.db.session() as session:
            await release_daily_post(session, due.chat_id, due.local_date)
        report.nothing_to_ask += 1
        return
    sent = 0
    for post in posts:
        try:
            message = await _send_with_retry(bot, due.chat_id, post)
        except Forbidden:
            await pause_chat(services, due.chat_id)
            report.paused.append(due.chat_id)
            return
        except BadRequest as exc:
            if any(reason in exc.message.lower() for reason in _UNREACHABLE):
                await pause_chat(services, due.chat_id)
                report.paused.append(due.chat_id)
                return
            raise
        if message.poll is not None:
            await remember_poll(
                services,
                poll_id=message.poll.id,
                post=post,
                chat_id=due.chat_id,
                message_id=message.message_id,
                is_daily=True,
            )
        sent += 1
        report.polls_sent += 1
    if sent:
        report.posted_chats += 1


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
