"""Failures: a transient storage failure is tried again (bot.telegram.inbox); any other is
logged with the update's context (never the token), apologised for once, and the update set
aside; chats that answer 403 are marked inactive. Also the redaction of the bot token from every
log record and from uncaught tracebacks."""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

from telegram import Update
from telegram.error import Forbidden

from bot.core.chats import set_chat_reachable
from bot.core.ports import ChatUnreachable
from bot.features.search.help import apology
from bot.telegram import render
from bot.telegram.context import StudyContext, get_services, language_for
from bot.telegram.inbox import note_failure

log = logging.getLogger(__name__)

REDACTED = "<redacted-token>"


class TokenRedactingFilter(logging.Filter):
    """Replaces the bot token (and its numeric-id:secret shape) in every record it sees."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token
        secret = token.split(":", 1)[-1]
        parts = sorted({token, *([secret] if len(secret) >= 8 else [])}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(part) for part in parts if part))

    def redact(self, text: str) -> str:
        if not self._token:
            return text
        return self._pattern.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw message
            message = str(record.msg)
        record.msg = self.redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_token_redaction(token: str) -> TokenRedactingFilter:
    """Redact ``token`` from every log record: on every root handler, and on records created
    later by any logger (so handlers added afterwards are covered too)."""
    token_filter = TokenRedactingFilter(token)
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, TokenRedactingFilter) for f in handler.filters):
            handler.addFilter(token_filter)
    previous_factory = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous_factory(*args, **kwargs)
        token_filter.filter(record)
        return record

    if not getattr(previous_factory, "_studybot_redacts", False):
        factory._studybot_redacts = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(factory)
    # httpx logs every request URL, which contains the token: keep it quiet as well
    logging.getLogger("httpx").setLevel(logging.WARNING)
    _redact_uncaught(token_filter)
    return token_filter


def _redact_uncaught(token_filter: TokenRedactingFilter) -> None:
    """Uncaught exceptions (main thread and other threads) print through ``token_filter``: PTB
    quotes the token in ``InvalidToken`` and httpx errors can carry the request URL."""

    def excepthook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(token_filter.redact(text))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "unknown"
        text = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        sys.stderr.write(f"Exception in thread {name}:\n{token_filter.redact(text)}")

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


def describe_update(update: object) -> str:
    """A short, token-free description of what was being handled."""
    if not isinstance(update, Update):
        return f"non-update {type(update).__name__}"
    kind = next(
        (name for name in Update.ALL_TYPES if getattr(update, name, None) is not None), "unknown"
    )
    chat = update.effective_chat
    user = update.effective_user
    return (
        f"update {update.update_id} ({kind}, chat {chat.id if chat else '-'}, "
        f"user {user.id if user else '-'})"
    )


async def mark_chat_inactive(context: StudyContext, chat_id: int) -> None:
    """After a 403 (blocked by the user, kicked from the group): stop posting there."""
    log.info("chat %s is unreachable (403): marked inactive", chat_id)
    await set_chat_reachable(get_services(context), chat_id, False)


async def on_error(update: object, context: StudyContext) -> None:
    """The application's error handler."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, Forbidden | ChatUnreachable):
        if chat is not None:
            await mark_chat_inactive(context, chat.id)
        log.info("forbidden while handling %s: %s", describe_update(update), error)
        return
    if error is not None and note_failure(error, get_services(context)):
        return  # a storage failure that may pass: the update is tried again, nothing said yet
    log.error("error while handling %s", describe_update(update), exc_info=error)
    if not isinstance(update, Update) or chat is None:
        return
    try:
        lang = await language_for(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer(apology(lang).text[:200])
        else:
            await render.send(context.bot, chat.id, [apology(lang)])
    except Forbidden:
        await mark_chat_inactive(context, chat.id)
    except Exception:  # the apology is best effort
        log.warning("could not apologise in chat %s", chat.id, exc_info=True)
