"""The daily quiz fan-out, one tick: find chats whose local post time has passed today and whose
post is not yet claimed, claim each one in the database with its plan (the items to ask), then
send its polls through a sender, recording each poll the moment it is sent.

The ledger (bot.db.daily_ledger) makes the post happen at least once and at most once per chat
and local day: a claim is held by one instance and renewed by each poll it records; a post whose
holder stopped (released) or vanished (no progress for the lease) is taken over by the next
tick, whichever instance runs it, and only its slots not yet recorded are sent. A poll can be
repeated only if an instance dies between Telegram's answer and the record (one round trip).
Comparisons are on local wall-clock times (DST gaps and repeats); a missed time after downtime
is caught up on the next tick. Sends are paced by the sender (the rate limiter); a chat the
sender cannot reach is paused. When the instance is stopping, chats not started are released.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.core import srs
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
from bot.db.daily_ledger import (
    PostKey,
    finish_posts,
    record_daily_poll,
    release_posts,
    renew_posts,
    save_plans,
    stale_posts,
    take_over,
)
from bot.db.flags import askable
from bot.db.models import Chat
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
    resumed: int = 0
    released: int = 0
    paused: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    nothing_to_ask: int = 0


@dataclass(frozen=True, slots=True)
class DailyBatchItem:
    """One chat's daily post, claimed: where, for which local day, and its polls still to send
    (slot in the day's plan, poll)."""

    chat_id: int
    local_date: date
    chat_type: str
    posts: tuple[tuple[int, Poll], ...]
    slots: int  # how many polls the day's plan holds

    @property
    def key(self) -> PostKey:
        return (self.chat_id, self.local_date)


async def daily_tick(services: AppServices, sender: Sender) -> FanoutReport:
    """The job every adapter schedules."""
    report = await post_due_daily_quizzes(services, sender)
    if report.due or report.resumed or report.released:
        log.info("daily fan-out: %s", report)
    return report


def _lease(services: AppServices) -> timedelta:
    return timedelta(seconds=services.settings.daily_lease_seconds)


async def post_due_daily_quizzes(
    services: AppServices,
    sender: Sender,
    *,
    now: datetime | None = None,
    concurrency: int = FANOUT_CONCURRENCY,
    batch: int = CLAIM_BATCH,
) -> FanoutReport:
    """Resume every unfinished post left by a stopped or vanished instance, then claim and post
    every daily quiz due at ``now`` (one tick; overlapping ticks are skipped).

    Chats are claimed in batches (one transaction each, committed before their polls go out),
    at most ``concurrency`` chats ahead of the sends."""
    report = FanoutReport()
    lock = services.daily_lock
    if lock.locked() or services.stopping.is_set():
        return report
    async with lock:
        moment = now or datetime.now(UTC)
        async with services.db.session() as session:
            due = await due_daily_posts(session, moment)
            stale = await stale_posts(session, _lease(services))
        resumable = [(c, d) for c, d, zone in stale if local_day(moment, zone) == d]
        if sender.audience is not None:
            due = [post for post in due if post.chat_id in sender.audience]
            resumable = [key for key in resumable if key[0] in sender.audience]
        report.due = len(due)
        slots = asyncio.Semaphore(max(batch, concurrency))
        db_turn = asyncio.Lock()  # one unit of database work at a time: SQLite writers queue
        tasks: list[asyncio.Task[None]] = []
        held: set[PostKey] = set()  # claimed by this tick, not finished
        heartbeat = asyncio.create_task(_renew_while_held(services, held, db_turn))

        async def deliver(entry: DailyBatchItem) -> None:
            try:
                await post_daily_quiz(services, sender, entry, report, db_turn=db_turn)
            except Exception:
                log.exception("daily post to %s failed", entry.chat_id)
                report.failed.append(entry.chat_id)
            finally:
                held.discard(entry.key)
                slots.release()

        async def start(entries: list[DailyBatchItem], asked: int) -> None:
            for _ in range(asked - len(entries)):
                slots.release()
            held.update(entry.key for entry in entries)
            tasks.extend(asyncio.create_task(deliver(entry)) for entry in entries)

        for first in range(0, len(resumable), batch):
            chunk = resumable[first : first + batch]
            for _ in chunk:
                await slots.acquire()
            async with db_turn:
                resumed = await resume_daily_posts(services, chunk)
            report.resumed += len(resumed)
            await start(resumed, len(chunk))
        for first in range(0, len(due), batch):
            if services.stopping.is_set():
                break  # claim nothing more: another instance will
            chunk_due = due[first : first + batch]
            for _ in chunk_due:
                await slots.acquire()
            async with db_turn:
                prepared = await prepare_daily_posts(services, chunk_due, moment)
            report.claimed_elsewhere += len(chunk_due) - len(prepared)
            await start(prepared, len(chunk_due))
        try:
            await asyncio.gather(*tasks)
        finally:
            heartbeat.cancel()
    return report


async def _renew_while_held(
    services: AppServices, held: set[PostKey], db_turn: asyncio.Lock
) -> None:
    """Renew this instance's unfinished claims a few times per lease, so that a chat waiting
    for its turn behind the rate limiter is never taken for abandoned by another instance."""
    period = services.settings.daily_lease_seconds / 3
    while True:
        await asyncio.sleep(period)
        if not held:
            continue
        try:
            async with db_turn, services.db.session() as session:
                await renew_posts(session, list(held), services.instance_id)
        except Exception:  # a missed beat is retried at the next one
            log.warning("could not renew the daily claims", exc_info=True)


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


def _polls(
    services: AppServices,
    bank: QuizBank,
    chat_id: int,
    chat: Chat | None,
    kind: str,
    planned: Sequence[str],
) -> tuple[tuple[int, Poll], ...]:
    """The polls of a plan's slots (item ids), in the chat's language; slot numbers kept."""
    secret = quiz_secret(services)
    lang = chat.language if chat is not None and chat.language else "en"
    anonymous = kind == "channel"
    flag_chat = None if kind == "private" else chat_id  # 👎 under group polls
    return tuple(
        (slot, post)
        for slot, item_id in enumerate(planned)
        if (item := bank.get(item_id)) is not None
        and (post := build_quiz_post(item, lang, secret, anonymous=anonymous, flag_chat=flag_chat))
        is not None
    )


async def prepare_daily_posts(
    services: AppServices, due: Sequence[DuePost], now: datetime
) -> list[DailyBatchItem]:
    """Claim the posts of ``due`` chats and store each one's plan (one transaction, committed
    before anything is sent): spaced repetition in private chats, rotation elsewhere. Chats
    claimed by someone else are left out; a claim with nothing to ask is given back."""
    banks = await _banks(services, [post.chat_id for post in due])
    due = [post for post in due if post.chat_id in banks]
    if not due:
        return []  # nothing claimed: the next tick tries again
    by_chat = {post.chat_id: post for post in due}
    prepared: list[DailyBatchItem] = []
    async with services.db.session() as session:
        won = await claim_daily_posts(
            session, [(p.chat_id, p.local_date) for p in due], services.instance_id
        )
        chats = await chats_by_id(session, won)
        kinds = {c: (chats[c].type if c in chats else guess_chat_type(c)) for c in won}
        privates = [c for c in won if kinds[c] == "private"]
        posted = await items_posted_in_chats(session, [c for c in won if kinds[c] != "private"])
        students = await student_cards(session, privates, services.settings.default_timezone)
        retired = await retired_for_chats(services, session, won)
        plans: dict[PostKey, list[str]] = {}
        empty: list[PostKey] = []
        for chat_id in sorted(won):
            subscription = by_chat[chat_id]
            bank = banks[chat_id]
            order = bank.new_item_order(askable(bank.item_ids, retired[chat_id]), chat_id)
            if kinds[chat_id] == "private":
                student = students[chat_id]
                zone = student.timezone
                day_start, _ = utc_bounds_of_day(local_day(now, zone), zone)
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
            posts = _polls(services, bank, chat_id, chats.get(chat_id), kinds[chat_id], ids)
            key = (chat_id, subscription.local_date)
            if not posts:
                empty.append(key)
                continue
            planned = [ids[slot] for slot, _ in posts]  # the slots that make a poll
            plans[key] = planned
            renumbered = tuple((n, poll) for n, (_, poll) in enumerate(posts))
            prepared.append(
                DailyBatchItem(chat_id, key[1], kinds[chat_id], renumbered, len(planned))
            )
        await save_plans(session, plans)
        for chat_id, local_date in empty:
            await release_daily_post(session, chat_id, local_date)
    return prepared


async def resume_daily_posts(
    services: AppServices, keys: Sequence[PostKey]
) -> list[DailyBatchItem]:
    """Take over unfinished posts (released, or their lease run out) and return what is left of
    each: only the slots not recorded yet. A post whose items are gone from the notes is done."""
    banks = await _banks(services, [chat_id for chat_id, _ in keys])
    async with services.db.session() as session:
        taken = await take_over(session, list(keys), _lease(services), services.instance_id)
        chats = await chats_by_id(session, [post.chat_id for post in taken])
        resumed: list[DailyBatchItem] = []
        finished: list[PostKey] = []
        for post in taken:
            chat = chats.get(post.chat_id)
            kind = chat.type if chat is not None else guess_chat_type(post.chat_id)
            bank = banks.get(post.chat_id)
            remaining = dict(post.remaining)
            planned = [remaining.get(slot, "") for slot in range(len(post.items))]
            polls = (
                _polls(services, bank, post.chat_id, chat, kind, planned)
                if bank is not None
                else ()
            )
            polls = tuple((slot, poll) for slot, poll in polls if slot in remaining)
            if not polls:
                finished.append((post.chat_id, post.local_date))
                continue
            resumed.append(
                DailyBatchItem(post.chat_id, post.local_date, kind, polls, len(post.items))
            )
        await finish_posts(session, finished)
    if resumed:
        log.info("daily fan-out: resuming %d unfinished posts", len(resumed))
    return resumed


async def post_daily_quiz(
    services: AppServices,
    sender: Sender,
    entry: DailyBatchItem,
    report: FanoutReport,
    *,
    db_turn: asyncio.Lock | None = None,
) -> None:
    """Send one claimed chat's polls, recording each as it is sent; an unreachable chat is
    paused. When the instance is stopping, the polls not started are released."""
    turn = db_turn or asyncio.Lock()
    last_slot = max(slot for slot, _ in entry.posts)
    sent_any = False
    for slot, post in entry.posts:
        if services.stopping.is_set():
            async with turn, services.db.session() as session:
                report.released += await release_posts(session, [entry.key], services.instance_id)
            return
        async with services.polls_in_flight.sending():
            try:
                receipt = await _send_with_retry(sender, entry.chat_id, post)
            except ChatUnreachable:
                async with turn:
                    await pause_chat(services, entry.chat_id)
                    async with services.db.session() as session:
                        await finish_posts(session, [entry.key])
                report.paused.append(entry.chat_id)
                return
            async with turn, services.db.session() as session:
                await record_daily_poll(
                    session,
                    entry.key,
                    slot,
                    post.ref,
                    _poll_row(receipt, post),
                    last=slot == last_slot,
                )
        sent_any = True
        report.polls_sent += 1
    if sent_any:
        report.posted_chats += 1


def _poll_row(receipt: SentPoll | None, post: Poll) -> dict[str, object] | None:
    if receipt is None:
        return None
    return {
        "poll_id": receipt.poll_id,
        "item_id": post.ref,
        "message_id": receipt.message_id,
        "correct_option": post.correct_index,
    }


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
