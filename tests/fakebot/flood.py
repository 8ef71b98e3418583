"""Telegram's flood limits for the fake Bot API: ~30 messages/s overall, 20 per minute per group,
about one per second per private chat with a lenient burst; excess gets a 429 with retry_after.

Each limit is a token bucket shaped like PTB's AIORateLimiter (capacity = limit, refilled evenly),
so a bot that paces itself like that limiter is never refused, and one that doesn't soon is."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# A request may arrive this much earlier than a perfectly paced client would send it (network and
# scheduling jitter between the bot's limiter and this server); worth rate * JITTER tokens.
JITTER_SECONDS = 0.05


@dataclass
class TokenBucket:
    capacity: float
    rate: float  # tokens per second
    tokens: float | None = None  # None until first used: then full
    updated: float = 0.0

    def refill(self, now: float) -> None:
        if self.tokens is None:
            self.tokens, self.updated = self.capacity, now
            return
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_seconds(self) -> int | None:
        """None when a token is available, else whole seconds until one is (at least 1)."""
        tokens = self.capacity if self.tokens is None else self.tokens
        if tokens >= 1.0 - self.rate * JITTER_SECONDS:
            return None
        return max(1, math.ceil((1.0 - tokens) / self.rate))


@dataclass
class FloodLimiter:
    """Global, per-group and per-private-chat buckets; ``check`` spends one token from each."""

    global_per_second: float = 30
    group_per_minute: float = 20
    private_per_second: float = 1.0
    private_burst: float = 20
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _global: TokenBucket | None = field(default=None, repr=False)
    _chats: dict[int, TokenBucket] = field(default_factory=dict, repr=False)

    def check(self, chat_id: int | None, chat_type: str | None) -> int | None:
        """Count one message to ``chat_id``; return retry_after seconds if it must be refused."""
        now = self.clock()
        if self._global is None:
            self._global = TokenBucket(self.global_per_second, self.global_per_second)
        buckets = [self._global]
        if chat_id is not None:
            bucket = self._chats.get(chat_id)
            if bucket is None:
                if chat_type in ("group", "supergroup", "channel"):
                    bucket = TokenBucket(self.group_per_minute, self.group_per_minute / 60.0)
                else:
                    bucket = TokenBucket(self.private_burst, self.private_per_second)
                self._chats[chat_id] = bucket
            buckets.append(bucket)
        waits = []
        for bucket in buckets:
            bucket.refill(now)
            wait = bucket.wait_seconds()
            if wait is not None:
                waits.append(wait)
        if waits:
            return max(waits)
        for bucket in buckets:
            bucket.tokens = (bucket.capacity if bucket.tokens is None else bucket.tokens) - 1.0
        return None

    def reset(self) -> None:
        self._global = None
        self._chats.clear()
