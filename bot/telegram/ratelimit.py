"""Flood control that never makes Telegram refuse: every message this instance sends is paced
evenly at its share of Telegram's overall limit (30 messages per second across all chats, split
between ``instances``), each group at 20 per minute (aiolimiter, as PTB's AIORateLimiter does),
and a 429 that comes anyway is waited out and retried (AIORateLimiter's ``max_retries``), as are
server errors (5xx) and connection failures.

Even pacing (one message every 1/rate seconds, no burst) keeps every 1-second window under the
limit, however the window is placed: 31 messages span 30 intervals, longer than a second by the
headroom, which absorbs the jitter between this process and Telegram's clock."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AbstractAsyncContextManager, nullcontext, suppress
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

OVERALL_PER_SECOND = float(FloodLimit.MESSAGES_PER_SECOND)  # 30
GROUP_PER_MINUTE = float(FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP)  # 20
HEADROOM = 0.93  # of the limit actually used: 30 intervals at 27.9/s span 1.075 s
# Calls that put or change a message in a chat: what Telegram's limits count.
_PACED_PREFIXES = ("send", "edit", "copy", "forward", "stopPoll")
_NOT_MESSAGES = frozenset({"sendChatAction"})


class Pacer:
    """One slot every ``1 / rate`` seconds, handed out in call order (no burst)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


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


class PacedRateLimiter(RetryingRateLimiter):
    """Paces messages evenly at ``instances``' share of the overall limit; groups through their
    own limiter first, so a message held for its group never bunches up with the others."""

    def __init__(self, *, instances: int = 1, headroom: float = HEADROOM, **kwargs: Any) -> None:
        super().__init__(overall_max_rate=0, group_max_rate=0, **kwargs)
        self.rate = OVERALL_PER_SECOND * headroom / max(1, instances)
        self._pacer = Pacer(self.rate)
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

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if is_message_call(endpoint, data):
            async with self._group(data):
                await self._pacer.wait()
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
