"""The durable inbox, Telegram side: every update is stored before Telegram is told it arrived,
then handled at least once and its effects at most once (bot.core.inbox).

- Long polling (``InboxUpdater``): each getUpdates batch is stored (one transaction, through the
  group-committed receipts) before the next getUpdates, whose offset is what tells Telegram the
  batch arrived. A batch that cannot be stored is fetched again; an update that cannot even be
  read is stored dead.
- Webhook (``InboxQueue.put``, which PTB's webhook handler awaits before it answers): stored
  before the 200; a failure answers 500, and Telegram sends the update again.
- A copy of an update already in the inbox is dropped; the receiver holds the update's lease.
- ``replay_tick`` (at start and every third of the lease) renews the leases of the updates this
  instance is handling and claims those whose lease ran out, on any instance, to handle again;
  an update out of attempts is set aside (dead letter).
- A transient storage failure while handling retries the whole update after a pause (replies
  already sent are skipped) until ``STUDYBOT_STORAGE_RETRY_S``; then one apology, and dead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError, TimedOut
from telegram.ext import Application, ApplicationHandlerStop, Updater
from telegram.warnings import PTBUserWarning

from bot.core.inbox import Handling, current_handling, finish, start_handling
from bot.core.services import AppServices
from bot.db.claims import ClaimResult
from bot.db.inbox import claim_for_replay, renew_leases, store_dead
from bot.db.seen import SeenUpdate
from bot.db.storage_errors import is_transient_storage_error, next_pause, retry_storage
from bot.telegram.context import StudyContext, get_services

log = logging.getLogger(__name__)

REPLAY_BATCH = 100
RETRY_FIRST_PAUSE_S = 0.5
READ_TIMEOUT_S = 5.0  # beyond a long poll's own timeout (PTB's default read timeout)

# InboxUpdater fetches getUpdates raw (bot.do_api_request), which PTB warns about each time
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)


def bot_id_of(token: str) -> int:
    """The bot's id: the numeric prefix of its token (update ids are counted per bot)."""
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else 0


@dataclass
class Receipt:
    """How an update entered the queue: its handling state, and what its receipt learnt."""

    handling: Handling
    claim: ClaimResult


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue: ``put`` stores an update in the inbox first, and lets
    through only the first copy. ``services`` is set when the application starts."""

    def __init__(self) -> None:
        super().__init__()
        self.services: AppServices | None = None
        self.bot_id = 0
        self.describe: Any = None  # Update -> SeenUpdate (bot.telegram.claims.seen_update)
        self.receipts: dict[int, Receipt] = {}  # update id -> receipt, until group -1 takes it
        self.in_flight: dict[int, Handling] = {}  # being handled here (leases to renew)

    async def put(self, item: object) -> None:
        await self.put_received(item, None)

    async def put_received(self, item: object, raw: str | None) -> None:
        """``put``, with ``raw``: the update's JSON as Telegram sent it, kept for a replay
        (None: serialised again from the update, as in webhook mode)."""
        if not isinstance(item, Update) or self.services is None:
            await super().put(item)
            return
        if item.update_id not in self.receipts:  # else: a replay or retry, stored already
            receipt = await self._receive(item, raw)
            if receipt is None:
                log.info("update %s seen before: ignored", item.update_id)
                return
            self.receipts[item.update_id] = receipt
            self.in_flight[item.update_id] = receipt.handling  # its lease is renewed from now
        await super().put(item)

    async def _receive(self, update: Update, raw: str | None) -> Receipt | None:
        services = self.services
        assert services is not None
        payload = update.to_json() if raw is None else raw
        seen: SeenUpdate = self.describe(update, self.bot_id, payload)
        claim = await retry_storage(
            lambda: services.claims.claim(seen),
            bound_s=services.settings.storage_retry_s,
            what="storing an update",
        )
        if not claim.first_time:
            return None
        return Receipt(Handling(self.bot_id, update.update_id, notes_read=claim.notes), claim)

    def take(self, update_id: int) -> Receipt | None:
        return self.receipts.pop(update_id, None)

    async def put_replay(self, update: Update, handling: Handling) -> None:
        """Queue an update claimed again (its user's /lang choice is read when needed)."""
        self.receipts[update.update_id] = Receipt(handling, ClaimResult(first_time=True))
        self.in_flight[update.update_id] = handling
        await super().put(update)


def inbox_queue(application: Application[Any, Any, Any, Any, Any, Any]) -> InboxQueue | None:
    """The application's queue when it is an inbox (None: built some other way)."""
    queue = application.update_queue
    return queue if isinstance(queue, InboxQueue) else None


AnyApp = Application[Any, Any, Any, Any, Any, Any]


def install_inbox(application: AnyApp) -> None:
    """Right after building: long polling through ``InboxUpdater`` (the application was built
    with an ``InboxQueue`` as its update queue and no updater)."""
    application.updater = InboxUpdater(application.bot, application.update_queue)


def open_inbox(application: AnyApp, services: AppServices) -> None:
    """At start-up: the queue stores updates from now on; stale updates are replayed now and
    every third of the lease."""
    from bot.telegram.claims import seen_update

    queue = inbox_queue(application)
    if queue is None:
        return
    queue.services = services
    queue.bot_id = bot_id_of(application.bot.token)
    queue.describe = lambda update, bot_id, raw: seen_update(update, bot_id=bot_id, payload=raw)
    if application.job_queue is None:
        log.warning("no JobQueue: stale updates will not be replayed")
        return
    application.job_queue.run_repeating(
        replay_tick,
        interval=max(services.settings.inbox_lease_s / 3, 0.2),
        first=0,
        name="inbox-replay",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )


# --- handling --------------------------------------------------------------------------------


def begin(context: StudyContext, update: Update, receipt: Receipt) -> None:
    """Group -1, for a first copy: this task handles ``receipt``'s update now."""
    start_handling(receipt.handling)
    queue = inbox_queue(context.application)
    if queue is not None:
        queue.in_flight[update.update_id] = receipt.handling


async def on_handled(update: object, context: StudyContext) -> None:
    """The last group: the update is done, set aside, or (a transient failure) tried again."""
    handling = current_handling()
    if handling is None or not isinstance(update, Update):
        return
    services = get_services(context)
    queue = inbox_queue(context.application)
    if handling.retry_error is not None:
        handling.attempts += 1
        pause = min(RETRY_FIRST_PAUSE_S * 2 ** (handling.attempts - 2), 5.0)
        context.application.create_task(
            _retry_later(context.application, update, handling, pause), update=update
        )
        return
    if queue is not None:
        queue.in_flight.pop(update.update_id, None)
    try:
        await finish(services, handling)
    except Exception as error:  # stays pending: replayed when its lease runs out
        log.warning("could not mark update %s handled: %s", update.update_id, error)


async def _retry_later(
    application: Application[Any, Any, Any, Any, Any, Any],
    update: Update,
    handling: Handling,
    pause: float,
) -> None:
    await asyncio.sleep(pause)
    queue = inbox_queue(application)
    if queue is not None:
        await queue.put_replay(update, handling)


def note_failure(error: BaseException, services: AppServices) -> bool:
    """From the error handler: True when the update will be tried again (say nothing yet);
    False when it failed for good (the caller apologises once; it is set aside)."""
    handling = current_handling()
    if handling is None:
        return False
    if is_transient_storage_error(error) and handling.may_retry(services.settings.storage_retry_s):
        if handling.retry_error is None and handling.attempts == 1:
            log.warning("storage failed while handling update %s; trying again", handling.update_id)
        handling.retry_error = error
        return True
    handling.failure = f"{type(error).__name__}: {error}"
    return False


def stop_handling_after_failed_claim(update_id: int, error: BaseException) -> NoReturn:
    log.warning("could not claim update %s (%s): not handled now", update_id, error)
    raise ApplicationHandlerStop


# --- replay ----------------------------------------------------------------------------------


async def replay_tick(context: StudyContext) -> None:
    """Renew this instance's leases; claim and queue the updates whose lease ran out."""
    queue = inbox_queue(context.application)
    if queue is None or queue.services is None:
        return
    try:
        await replay_stale(context.application, queue, queue.services)
    except Exception as error:  # the next tick tries again
        log.warning("replaying stale updates failed: %s: %s", type(error).__name__, error)


async def replay_stale(
    application: Application[Any, Any, Any, Any, Any, Any], queue: InboxQueue, services: AppServices
) -> int:
    settings = services.settings
    lease = timedelta(seconds=settings.inbox_lease_s)
    async with services.db.session() as session:
        await renew_leases(session, queue.bot_id, list(queue.in_flight))
    async with services.db.session() as session:
        replays = await claim_for_replay(
            session,
            queue.bot_id,
            lease=lease,
            max_attempts=settings.inbox_max_attempts,
            limit=REPLAY_BATCH,
        )
    for replay in replays:
        if replay.update_id in queue.in_flight:
            continue  # still being handled here (its lease renewal came late)
        try:
            update = Update.de_json(json.loads(replay.payload), application.bot)
        except Exception as error:
            await _bury(services, queue.bot_id, replay.update_id, replay.payload, error)
            continue
        log.info("replaying update %s (attempt %d)", replay.update_id, replay.attempts)
        handling = Handling(
            queue.bot_id, replay.update_id, replay.replies_sent, attempts=replay.attempts
        )
        await queue.put_replay(update, handling)
    return len(replays)


async def _bury(
    services: AppServices, bot_id: int, update_id: int, raw: str, error: Exception
) -> None:
    from bot.db.inbox import DEAD, Mark

    log.warning("update %s cannot be read (%s): set aside", update_id, error)
    mark = Mark(bot_id, update_id, 0, DEAD, f"unreadable: {type(error).__name__}: {error}")
    try:
        async with services.db.session() as session:
            if not await store_dead(session, bot_id, update_id, raw, mark.error or ""):
                from bot.db.inbox import record_marks

                await record_marks(session, [mark])
    except Exception:
        log.warning("could not set update %s aside", update_id, exc_info=True)


# --- long polling ----------------------------------------------------------------------------


class InboxUpdater(Updater):
    """PTB's Updater with its own long-polling loop: a batch is stored in the inbox before the
    getUpdates that confirms it. Webhook mode is PTB's own (``InboxQueue.put`` stores)."""

    def __init__(self, bot: Any, update_queue: asyncio.Queue[object]) -> None:
        super().__init__(bot, update_queue)
        self._offset = 0
        self._poll_task: asyncio.Task[None] | None = None
        self._poll_timeout = 10.0
        self._allowed: Sequence[str] | None = None

    async def start_polling(
        self,
        poll_interval: float = 0.0,
        timeout: Any = timedelta(seconds=10),
        bootstrap_retries: int = 0,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        error_callback: Any = None,
    ) -> asyncio.Queue[object]:
        if self.running:
            raise RuntimeError("This Updater is already running!")
        if not self._initialized:
            raise RuntimeError("This Updater was not initialized via `Updater.initialize`!")
        self._poll_timeout = (
            timeout.total_seconds() if isinstance(timeout, timedelta) else float(timeout)
        )
        self._allowed = allowed_updates
        await self._delete_webhook(bootstrap_retries, bool(drop_pending_updates))
        self._running = True
        self._poll_task = asyncio.create_task(self._poll(poll_interval), name="inbox-polling")
        return self.update_queue

    async def _delete_webhook(self, retries: int, drop_pending: bool) -> None:
        attempt = 0
        while True:
            try:
                await self.bot.delete_webhook(drop_pending_updates=drop_pending)
                return
            except TelegramError:
                attempt += 1
                if 0 <= retries < attempt:
                    raise
                await asyncio.sleep(1)

    async def _fetch(self) -> list[Any]:
        """The next batch as Telegram sent it (dicts): ``_store`` reads each update alone, so
        one that cannot be read is set aside by itself, and keeps its JSON without writing
        the parsed update out again. The read timeout is the long poll's plus the request's
        own, as ``Bot.get_updates`` reckons it."""
        result = await self.bot.do_api_request(
            "getUpdates",
            api_kwargs={
                "offset": self._offset,
                "timeout": int(self._poll_timeout),
                "allowed_updates": self._allowed,
            },
            read_timeout=self._poll_timeout + READ_TIMEOUT_S,
        )
        return result if isinstance(result, list) else []

    async def _poll(self, interval: float) -> None:
        pause = 1.0
        while self.running:
            try:
                await self._store(await self._fetch())
                pause = 1.0
            except asyncio.CancelledError:
                raise
            except InvalidToken:
                log.error("the Bot API rejected the token while polling: polling stops")
                return
            except TimedOut:
                continue  # a long poll that outlived its read timeout
            except Exception as error:
                if isinstance(error, Conflict):
                    log.warning("another getUpdates is running (409): waiting")
                else:
                    log.warning(
                        "polling failed (%s: %s); trying again", type(error).__name__, error
                    )
                await asyncio.sleep(pause)
                pause = next_pause(pause) if pause < 30 else 30.0
                continue
            if interval:
                await asyncio.sleep(interval)

    async def _store(self, batch: list[Any]) -> None:
        """Store and queue a batch; only then does the offset move past it."""
        received: list[tuple[Update, str]] = []
        queue = self.update_queue
        ids: list[int] = []
        for item in batch:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int):
                log.warning("an update without an id was skipped")
                continue
            ids.append(update_id)
            raw = json.dumps(item, ensure_ascii=False)
            try:
                received.append((Update.de_json(item, self.bot), raw))
            except Exception as error:
                if isinstance(queue, InboxQueue) and queue.services is not None:
                    await _bury(queue.services, queue.bot_id, update_id, raw, error)
        # concurrent puts share one receipt transaction (bot.db.claims)
        if isinstance(queue, InboxQueue):
            await asyncio.gather(*(queue.put_received(update, raw) for update, raw in received))
        else:
            await asyncio.gather(*(queue.put(update) for update, _ in received))
        if ids:
            self._offset = max(ids) + 1

    async def stop(self) -> None:
        if self._poll_task is None:
            await super().stop()
            return
        self._running = False
        task, self._poll_task = self._poll_task, None
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        try:  # confirm what was stored, so it is not fetched again (it would be dropped)
            await self.bot.get_updates(offset=self._offset, timeout=0)
        except TelegramError:
            log.info("could not confirm the last updates: they will be fetched again")
