"""Webhook delivery for the fake Bot API: like Telegram, POST each pending update (in order, with
the secret token header) to the bot's webhook, retrying with growing pauses until it answers 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class Delivery:
    """One POST of an update to the webhook and its outcome."""

    update_id: int
    status: int | None  # None when the connection failed
    error: str | None
    timestamp: float


@dataclass
class WebhookDeliverer:
    """Delivers ``take_next()`` updates to ``url`` until stopped; ``confirm`` drops a delivered one.

    ``take_next`` returns the next pending update or None; ``arrived`` returns an event that is
    set when new updates are pushed."""

    url: str
    secret_token: str | None
    take_next: Callable[[], dict[str, Any] | None]
    confirm: Callable[[dict[str, Any]], None]
    arrived: Callable[[], asyncio.Event]
    on_change: Callable[[], None]
    first_retry: float = 0.1
    max_retry: float = 2.0
    deliveries: list[Delivery] = field(default_factory=list)
    last_error_date: int | None = None
    last_error_message: str | None = None
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret_token
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            pause = self.first_retry
            while True:
                arrived = self.arrived()
                update = self.take_next()
                if update is None:
                    await arrived.wait()
                    continue
                ok = await self._post(session, headers, update)
                if ok:
                    self.confirm(update)
                    pause = self.first_retry
                else:
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, self.max_retry)
                self.on_change()

    async def _post(
        self, session: aiohttp.ClientSession, headers: dict[str, str], update: dict[str, Any]
    ) -> bool:
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        try:
            async with session.post(self.url, data=body, headers=headers) as response:
                await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            self._failed(update, None, f"Connection failed: {type(exc).__name__}")
            return False
        if 200 <= status < 300:
            self.deliveries.append(Delivery(update["update_id"], status, None, time.time()))
            return True
        self._failed(update, status, f"Wrong response from the webhook: {status}")
        return False

    def _failed(self, update: dict[str, Any], status: int | None, message: str) -> None:
        self.deliveries.append(Delivery(update["update_id"], status, message, time.time()))
        self.last_error_date = int(time.time())
        self.last_error_message = message
