"""Which storage failures may pass (a locked or full SQLite file, a PostgreSQL that refuses
connections, restarts, or aborts a transaction for a conflict), and retrying a unit of work
through them with a growing pause and a bound."""

from __future__ import annotations

import asyncio
import errno
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_SQLITE_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "database or disk is full",
    "disk i/o error",
    "unable to open database file",
    "database is busy",
)
# serialization failure, deadlock, insufficient resources / disk full / out of memory,
# admin / crash shutdown, cannot connect now, connection exceptions
_POSTGRES_TRANSIENT = {"40001", "40P01", "53000", "53100", "53200", "57P01", "57P02", "57P03"}
_POSTGRES_CLASSES = ("08",)  # connection exceptions
_OS_TRANSIENT = {errno.ENOSPC, errno.EDQUOT, errno.EAGAIN, errno.EIO}
_CONNECTION_WORDS = ("connection is closed", "connection was closed", "connection refused")

FIRST_PAUSE_S = 0.2
MAX_PAUSE_S = 5.0


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and what caused it (SQLAlchemy's ``orig``, ``__cause__``, ``__context__``)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or any(current is known for known in seen) or len(seen) > 16:
            continue
        seen.append(current)
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return [item for item in seen if isinstance(item, BaseException)]


def is_transient_storage_error(error: BaseException) -> bool:
    """True for a failure that may pass if the same work is tried again a little later."""
    for item in _chain(error):
        if getattr(item, "connection_invalidated", False):
            return True
        if isinstance(item, sqlite3.OperationalError) and any(
            words in str(item).lower() for words in _SQLITE_TRANSIENT
        ):
            return True
        state = getattr(item, "sqlstate", None)
        if isinstance(state, str) and (
            state in _POSTGRES_TRANSIENT or state.startswith(_POSTGRES_CLASSES)
        ):
            return True
        if isinstance(item, ConnectionError | TimeoutError):
            return True
        if isinstance(item, OSError) and item.errno in _OS_TRANSIENT:
            return True
        name = type(item).__name__
        if name in {"ConnectionDoesNotExistError", "CannotConnectNowError"}:
            return True
        if name == "InterfaceError" and any(w in str(item).lower() for w in _CONNECTION_WORDS):
            return True
    return False


def next_pause(pause: float) -> float:
    return min(pause * 2, MAX_PAUSE_S)


async def retry_storage(work: Callable[[], Awaitable[T]], *, bound_s: float, what: str) -> T:
    """Run ``work`` until it succeeds; a transient storage error is tried again after a pause
    (0.2 s, doubling to 5 s) until ``bound_s`` seconds have passed, then raised. Any other
    error is raised at once."""
    deadline = time.monotonic() + bound_s
    pause = FIRST_PAUSE_S
    failures = 0
    while True:
        try:
            return await work()
        except Exception as error:
            if not is_transient_storage_error(error) or time.monotonic() + pause > deadline:
                raise
            failures += 1
            if failures == 1 or failures % 10 == 0:  # one line, not one per attempt
                log.warning("%s failed (%s), trying again", what, _brief(error))
            await asyncio.sleep(pause)
            pause = next_pause(pause)


def _brief(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:200]}"
