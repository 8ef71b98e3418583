"""Flood control that delays instead of dropping: PTB's AIORateLimiter (429 retry_after, up to
``max_retries``) plus a few retries of server errors (5xx) and connection failures."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)


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
