"""Flood control that never makes Telegram refuse: the messages this instance sends keep to its
share of Telegram's overall limit (30 messages in any second across all chats, split between
``instances``) in every window of ``WINDOW`` seconds; each group keeps to 20 per minute
(aiolimiter, as PTB's AIORateLimiter does). A 429 that comes anyway is waited out and retried
(AIORateLimiter's ``max_retries``), as are server errors (5xx) and connection failures.

A message counts in the window from the moment its call is over (its answer came back), which
is after Telegram saw it however late it went out: a send held up between its turn and the wire
(a busy event loop, a slow connection) delays the ones after it, and never bunches them up on
Telegram's side. The window is longer than Telegram's second by a small margin for clocks."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

OVERALL_PER_SECOND = int(FloodLimit.MESSAGES_PER_SECOND)  # 30
GROUP_PER_MINUTE = float(FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP)  # 20
WINDOW = 1.02  # seconds: Telegram's 1 s and 20 ms for the clocks
SPREAD = 0.6  # no two releases closer than this share of the steady interval (no bursts)
# Calls that put or change a message in a chat: what Telegram's limits count.
_PACED_PREFIXES = ("send", "edit", "copy", "forward", "stopPoll")
_NOT_MESSAGES = frozenset({"sendChatAction"})


@dataclass
class _Turn:
    """One release: when it was let go, and when its call was over (``over`` set)."""

    released_at: float
    ended_at: float = 0.0
    over: asyncio.Event = field(default_factory=asyncio.Event)


class Pacer:
    """At most ``limit`` calls in any ``window`` seconds, each counted from when it was over,
    and no two releases closer than ``spread`` of the steady interval (a late release may be
    caught up on, never in a burst), handed out in call order."""

    def __init__(self, limit: int, window: float = WINDOW, spread: float = SPREAD) -> None:
        self.limit, self.window = max(1, limit), window
        self.gap = spread * window / self.limit
        self._released: deque[_Turn] = deque(maxlen=self.limit)
        self._order = asyncio.Lock()  # FIFO: callers are released in the order they came

    @property
    def rate(self) -> float:
        """Messages per second at steady state, at most (the calls' own time lowers it)."""
        return self.limit / self.window

    async def wait(self) -> None:
        """A turn for a call that is over at once."""
        async with self.turn():
            pass

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for a turn; the call made inside counts until it is over."""
        loop = asyncio.get_running_loop()
        async with self._order:
            while self._released:
                ready = self._released[-1].released_at + self.gap
                if len(self._released) == self.limit:
                    ready = max(ready, await self._ended(self._released[0]) + self.window)
                delay = ready - loop.time()
                if delay <= 0:
                    break
                await asyncio.sleep(delay)
            turn = _Turn(loop.time())
            self._released.append(turn)
        try:
            yield
        finally:
            turn.ended_at = loop.time()
            turn.over.set()

    async def _ended(self, turn: _Turn) -> float:
        """When ``turn``'s call was over; one still under way after a window (a retry waiting
        out a 429, a hung connection) counts as over now, so it holds up the others no longer."""
        with suppress(TimeoutError):
            await asyncio.wait_for(turn.over.wait(), self.window)
        if not turn.over.is_set():
            turn.ended_at = asyncio.get_running_loop().time()
            turn.over.set()
        return turn.ended_at


def is_message_call(endpoint: str, data: dict[str, Any]) -> bool:
    """Does Telegram count this call against the flood limits?"""
    if endpoint in _NOT_MESSAGES or not endpoint.startswith(_PACED_PREFIXES):
        return False
    return data.get("chat_id") is not None or data.get("inline_message_id") is not None


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries 5xx answers (Telegram hiccups) with a short backoff.

    A timeout is not retried (the request may have been delivered), nor is a 400 or getUpdates
    (the Updater has its own retry loop).
    """

    def __init__(
        self, *, max_retries: int = 5, server_retries: int = 3, backoff: float = 0.5, **kwargs: Any
    ) -> None:
        super().__init__(max_retries=max_retries, **kwargs)
        self._server_retries = server_retries
        self._backoff = backoff

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        async with self._turn(endpoint, data):
            attempt = 0
            while True:
                try:
                    return await super().process_request(
                        callback, args, kwargs, endpoint, data, rate_limit_args
                    )
                except (BadRequest, TimedOut):
                    raise
                except NetworkError as exc:
                    if endpoint == "getUpdates" or attempt >= self._server_retries:
                        raise
                    delay = self._backoff * 2**attempt
                    attempt += 1
                    log.warning("%s failed (%s): retry %d in %.1fs", endpoint, exc, attempt, delay)
                    await asyncio.sleep(delay)

    def _turn(self, endpoint: str, data: dict[str, Any]) -> AbstractAsyncContextManager[Any]:
        """Around a call and its retries (nothing here; ``PacedRateLimiter`` paces)."""
        return nullcontext()


class PacedRateLimiter(RetryingRateLimiter):
    """Keeps messages to this instance's share of the overall limit (``Pacer``); groups go
    through their own limiter first, so a message held for its group never bunches up with the
    others."""

    def __init__(self, *, instances: int = 1, window: float = WINDOW, **kwargs: Any) -> None:
        super().__init__(overall_max_rate=0, group_max_rate=0, **kwargs)
        self._pacer = Pacer(OVERALL_PER_SECOND // max(1, instances), window)
        self.rate = self._pacer.rate
        self._groups: dict[int | str, AsyncLimiter] = {}

    def _group(self, data: dict[str, Any]) -> AbstractAsyncContextManager[Any]:
        chat_id = data.get("chat_id")
        with suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        if not (isinstance(chat_id, int) and chat_id < 0) and not isinstance(chat_id, str):
            return nullcontext()
        if len(self._groups) > 512:  # forget groups whose minute is long over
            for key, limiter in list(self._groups.items()):
                if limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        if chat_id not in self._groups:
            self._groups[chat_id] = AsyncLimiter(GROUP_PER_MINUTE, 60)
        return self._groups[chat_id]

    @asynccontextmanager
    async def _turn(self, endpoint: str, data: dict[str, Any]) -> AsyncIterator[None]:
        if not is_message_call(endpoint, data):
            yield
            return
        async with self._group(data), self._pacer.turn():
            yield
