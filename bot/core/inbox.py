"""Handling one update from the inbox, transport-free: what this attempt has done (replies sent,
a transient storage failure to retry, a failure to set aside), kept in a context variable for
the task that handles it, so delivery can skip the replies an earlier attempt already sent and
an effect can mark the update done in its own transaction.

Exactly-once, and its remaining window: an update is stored before Telegram is told it arrived,
leased to the instance handling it, and marked done when handled (a recorded poll answer in the
same transaction as the answer). A reply is a Bot API call, which cannot share a transaction:
each reply sent is recorded (``replies_sent``) as soon as Telegram accepted it (sent to the
database at once, sharing a transaction with the done mark that usually follows), and a replay
skips that many. A crash between Telegram accepting a reply and that record (one round trip to
the database) would send the reply again on replay; nothing else is repeated or lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.services import AppServices
from bot.db.inbox import DEAD, DONE, Mark, mark_done_in
from bot.db.notebook_files import NotesRead

log = logging.getLogger(__name__)


@dataclass
class Handling:
    """One update being handled: its inbox key, and the progress of its attempts."""

    bot_id: int
    update_id: int
    replies_sent: int = 0  # by this and earlier attempts (recorded in the inbox)
    attempts: int = 1
    position: int = 0  # replies reached by this attempt
    started: float = field(default_factory=time.monotonic)  # the first attempt
    retry_error: BaseException | None = None  # a transient failure: try again
    failure: str | None = None  # a failure apologised for: set aside
    done_in_effect: bool = False  # marked done by the effect's own transaction
    notes_read: NotesRead | None = None  # the chat's notes as its claim read them (until used)

    def begin_attempt(self) -> None:
        self.position = 0
        self.retry_error = None

    def skip_reply(self) -> bool:
        """True for the next reply when an earlier attempt already sent it."""
        if self.position < self.replies_sent:
            self.position += 1
            return True
        return False

    def may_retry(self, bound_s: float) -> bool:
        return time.monotonic() - self.started < bound_s


_CURRENT: ContextVar[Handling | None] = ContextVar("studybot_handling", default=None)


def current_handling() -> Handling | None:
    """The update the running task handles (None outside an update: jobs, the terminal)."""
    return _CURRENT.get()


def take_notes_read(chat_id: int) -> NotesRead | None:
    """The stored notes of ``chat_id`` that the current update's claim read, once (None: not
    read with it, or taken already: a retry or a later request asks the database)."""
    handling = _CURRENT.get()
    if handling is None or handling.notes_read is None:
        return None
    read, handling.notes_read = handling.notes_read, None
    return read if read.chat_id == chat_id else None


def start_handling(handling: Handling) -> None:
    """From here on, this task (and tasks it starts) handles ``handling``."""
    handling.begin_attempt()
    _CURRENT.set(handling)


async def reply_sent(services: AppServices, handling: Handling) -> None:
    """One more reply went out: its record is on its way to the database at once (not awaited:
    the update's done mark, when it follows right away, shares the transaction)."""
    handling.position += 1
    if handling.position > handling.replies_sent:
        handling.replies_sent = handling.position
        if handling.done_in_effect:
            return  # done already: a replay never comes
        written = services.inbox_marks.mark_soon(
            Mark(handling.bot_id, handling.update_id, handling.replies_sent)
        )
        written.add_done_callback(_log_failed_mark)


async def save_button_searches(services: AppServices) -> None:
    """Save the searches behind the buttons about to be sent. While an update is handled, they
    go with the record of its next reply (bot.db.marks: one transaction, so a reply recorded
    sent has its buttons' searches saved, and one not recorded is sent again, with them, on
    replay); elsewhere (jobs, the terminal) they are written now."""
    handling = current_handling()
    if handling is not None and not handling.done_in_effect:
        return
    await services.searches.save(services.db)


def _log_failed_mark(written: asyncio.Future[None]) -> None:
    if not written.cancelled() and written.exception() is not None:
        log.warning("could not record a reply sent: %s", written.exception())


async def finish_in(session: AsyncSession) -> None:
    """Mark the current update done inside ``session`` (the transaction of its effect)."""
    handling = current_handling()
    if handling is not None:
        await mark_done_in(session, handling.bot_id, handling.update_id)
        handling.done_in_effect = True


async def finish(services: AppServices, handling: Handling) -> None:
    """Handled: done, or dead with the failure it was apologised for."""
    state, error = (DEAD, handling.failure) if handling.failure is not None else (DONE, None)
    if state == DONE and handling.done_in_effect:
        await services.searches.save(services.db)  # no mark to carry them (usually none)
        return  # the effect's transaction marked it done
    await services.inbox_marks.mark(
        Mark(handling.bot_id, handling.update_id, handling.replies_sent, state, error)
    )
