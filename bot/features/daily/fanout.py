"""The daily quiz fan-out, one tick: find chats whose local post time has passed today and whose
post is not yet claimed, claim each one in the database, then send its polls through a sender.

Claiming before sending makes the post happen at most once per chat and local day whatever
happens (restarts, two bot processes on one database, DST gaps and repeats: the comparison is
on local wall-clock times). A missed time after downtime is caught up on the next tick. Sends are
paced by the sender (Telegram's rate limiter); a chat the sender cannot reach is paused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.core import srs
from bot.core.delivery import remember_polls
from bot.core.ports import ChatUnreachable, Sender, SentPoll, Target, TryLater
from bot.core.question_bank import QuizBank
from bot.core.replies import Poll
from bot.core.services import AppServices
from bot.core.streak_rules import local_day, utc_bounds_of_day
from bot.db.cards import DEFAULT_NEW_PER_DAY
from bot.db.chats import guess_chat_type, set_chat_active
from bot.db.daily import DuePost, due_daily_posts, pause_subscription, release_daily_post
from bot.db.daily_batches import (
    chats_by_id,
    claim_daily_posts,
    items_posted_in_chats,
    student_cards,
)
from bot.db.flags import askable
from bot.features.quiz.asking import current_bank, quiz_secret
from bot.features.quiz.flags import retired_for_chats
from bot.features.quiz.posts import build_quiz_post

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0
FANOUT_CONCURRENCY = 64  # chats claimed ahead of their sends; the sender paces the sends
CLAIM_BATCH = 32  # chats claimed per transaction
SEND_ATTEMPTS = 4


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


@dataclass(frozen=True, slots=True)
class DailyBatchItem:
    """One chat's daily post, claimed: where, for which local day, and its polls."""

    chat_id: int
    local_date: date
    chat_type: str
    posts: tuple[Poll, ...]


async def daily_tick(services: AppServices, sender: Sender) -> FanoutReport:
    """The job every adapter schedules."""
    report = await post_due_daily_quizzes(services, sender)
    if report.due:
        log.info("daily fan-out: %s", report)
    return report


async def post_due_daily_quizzes(
    services: AppServices,
    sender: Sender,
    *,
    now: datetime | None = None,
    concurrency: int = FANOUT_CONCURRENCY,
    batch: int = CLAIM_BATCH,
) -> FanoutReport:
    """Claim and post every daily quiz due at ``now`` (one tick; overlapping ticks are skipped).

    Chats are claimed in batches (one transaction each, committed before their polls go out),
    at most ``concurrency`` chats ahead of the sends, so a crash loses little."""
    report = FanoutReport()
    lock = services.daily_lock
    if lock.locked():
        return report
    async with lock:
        moment = now or datetime.now(UTC)
        async with services.db.session() as session:
            due = await due_daily_posts(session, moment)
        if sender.audience is not None:
            due = [post for post in due if post.chat_id in sender.audience]
        report.due = len(due)
        slots = asyncio.Semaphore(max(batch, concurrency))
        db_turn = asyncio.Lock()  # one unit of database work at a time: SQLite writers queue
        tasks: list[asyncio.Task[None]] = []

        async def deliver(entry: DailyBatchItem) -> None:
            try:
                await post_daily_quiz(services, sender, entry, report, db_turn=db_turn)
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


async def _banks(services: AppServices, chat_ids: Sequence[int]) -> dict[int, QuizBank]:
    """Each chat's question bank (chats whose notebook has none yet are left out)."""
    by_notebook: dict[str, QuizBank | None] = {}
    banks: dict[int, QuizBank] = {}
    for chat_id in chat_ids:
        notebook = services.notebook_for(chat_id)
        if notebook.id not in by_notebook:
            by_notebook[notebook.id] = await current_bank(notebook)
        bank = by_notebook[notebook.id]
        if bank is not None:
            banks[chat_id] = bank
    return banks


async def prepare_daily_posts(
    services: AppServices, due: Sequence[DuePost], now: datetime
) -> list[DailyBatchItem]:
    """Claim the posts of ``due`` chats (one transaction, committed before anything is sent) and
    choose each chat's questions: spaced repetition in private chats, rotation elsewhere. Chats
    claimed by someone else are left out; a claim with nothing to ask is given back."""
    banks = await _banks(services, [post.chat_id for post in due])
    due = [post for post in due if post.chat_id in banks]
    if not due:
        return []  # nothing claimed: the next tick tries again
    by_chat = {post.chat_id: post for post in due}
    async with services.db.session() as session:
        won = await claim_daily_posts(session, [(p.chat_id, p.local_date) for p in due])
        chats = await chats_by_id(session, won)
        kinds = {c: (chats[c].type if c in chats else guess_chat_type(c)) for c in won}
        privates = [c for c in won if kinds[c] == "private"]
        posted = await items_posted_in_chats(session, [c for c in won if kinds[c] != "private"])
        students = await student_cards(session, privates, services.settings.default_timezone)
        retired = await retired_for_chats(services, session, won)
    secret = quiz_secret(services)
    prepared: list[DailyBatchItem] = []
    empty: list[DailyBatchItem] = []
    for chat_id in sorted(won):
        subscription = by_chat[chat_id]
        bank = banks[chat_id]
        order = srs.order_new_items(askable(bank.item_ids, retired[chat_id]), chat_id)
        if kinds[chat_id] == "private":
            student = students[chat_id]
            day_start, _ = utc_bounds_of_day(local_day(now, student.timezone), student.timezone)
            new_today = sum(1 for created in student.created if created >= day_start)
            ids = srs.pick_items(
                student.cards,
                student.seen,
                order,
                now,
                DEFAULT_NEW_PER_DAY,
                new_today=new_today,
                count=subscription.count,
            )
        else:
            ids = srs.pick_group_items(posted.get(chat_id, {}), order, subscription.count)
        chat = chats.get(chat_id)
        lang = chat.language if chat is not None and chat.language else "en"
        anonymous = kinds[chat_id] == "channel"
        flag_chat = None if kinds[chat_id] == "private" else chat_id
        posts = tuple(
            post
            for item_id in ids
            if (item := bank.get(item_id)) is not None
            and (
                post := build_quiz_post(
                    item, lang, secret, anonymous=anonymous, flag_chat=flag_chat
                )
            )
            is not None
        )
        entry = DailyBatchItem(chat_id, subscription.local_date, kinds[chat_id], posts)
        (prepared if posts else empty).append(entry)
    if empty:
        async with services.db.session() as session:
            for entry in empty:
                await release_daily_post(session, entry.chat_id, entry.local_date)
    return prepared


async def post_daily_quiz(
    services: AppServices,
    sender: Sender,
    entry: DailyBatchItem,
    report: FanoutReport,
    *,
    db_turn: asyncio.Lock | None = None,
) -> None:
    """Send one claimed chat's polls and record them; an unreachable chat is paused."""
    turn = db_turn or asyncio.Lock()
    sent: list[tuple[SentPoll, Poll]] = []
    async with services.polls_in_flight.sending():
        try:
            for post in entry.posts:
                try:
                    receipt = await _send_with_retry(sender, entry.chat_id, post)
                except ChatUnreachable:
                    async with turn:
                        await pause_chat(services, entry.chat_id)
                    report.paused.append(entry.chat_id)
                    return
                if receipt is not None:
                    sent.append((receipt, post))
                report.polls_sent += 1
        finally:
            if sent:
                async with turn:
                    await remember_polls(services, entry.chat_id, sent, is_daily=True)
    if sent:
        report.posted_chats += 1


async def _send_with_retry(sender: Sender, chat_id: int, post: Poll) -> SentPoll | None:
    """One poll; a flood wait the sender gave up on is waited out here (the claim is ours)."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await sender.send_poll(Target(chat_id), post)
        except TryLater as exc:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            await asyncio.sleep(exc.seconds + 0.1)
    return None


async def pause_chat(services: AppServices, chat_id: int) -> None:
    """After a 403: pause the chat's daily quiz and mark the chat inactive (no retries forever)."""
    async with services.db.session() as session:
        await pause_subscription(session, chat_id)
        await set_chat_active(session, chat_id, False)
    log.info("chat %s is unreachable: daily quiz paused, chat inactive", chat_id)
