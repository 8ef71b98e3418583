"""Telegram's flood limits for the fake Bot API: ~30 messages/s overall, 20 per minute per group,
about one per second per private chat with a lenient burst; excess gets a 429 with retry_after.

Each limit is a token bucket shaped like PTB's AIORateLimiter (capacity = limit, refilled evenly),
so a bot that paces itself like that limiter is never refused, and one that doesn't soon is.

In strict mode the overall limit is what Telegram documents at its hardest: at most 30 messages
in ANY 1-second window across all chats (a sliding window over the messages accepted: no burst
on top, no jitter forgiven); the per-chat buckets stay as above."""

from __future__ import annotations

import math
import time
from collections import deque
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
class SlidingWindow:
    """At most ``limit`` events in any ``period`` seconds (the events accepted are kept)."""

    limit: int
    period: float = 1.0
    accepted: deque[float] = field(default_factory=deque)

    def wait_seconds(self, now: float) -> int | None:
        """None when one more event now keeps every window within the limit, else whole
        seconds until the oldest event in the window leaves it (at least 1)."""
        while self.accepted and self.accepted[0] <= now - self.period:
            self.accepted.popleft()
        if len(self.accepted) < self.limit:
            return None
        return max(1, math.ceil(self.accepted[0] + self.period - now))


@dataclass
class FloodLimiter:
    """Global, per-group and per-private-chat buckets; ``check`` spends one token from each.
    ``strict``: the global limit is a sliding window (``SlidingWindow``) instead of a bucket."""

    global_per_second: float = 30
    group_per_minute: float = 20
    private_per_second: float = 1.0
    private_burst: float = 20
    strict: bool = False
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _global: TokenBucket | None = field(default=None, repr=False)
    _window: SlidingWindow | None = field(default=None, repr=False)
    _chats: dict[int, TokenBucket] = field(default_factory=dict, repr=False)

    def check(self, chat_id: int | None, chat_type: str | None) -> int | None:
        """Count one message to ``chat_id``; return retry_after seconds if it must be refused."""
        now = self.clock()
        buckets: list[TokenBucket] = []
        waits = []
        if self.strict:
            if self._window is None:
                self._window = SlidingWindow(int(self.global_per_second))
            wait = self._window.wait_seconds(now)
            if wait is not None:
                waits.append(wait)
        else:
            if self._global is None:
                self._global = TokenBucket(self.global_per_second, self.global_per_second)
            buckets.append(self._global)
        if chat_id is not None:
            bucket = self._chats.get(chat_id)
            if bucket is None:
                if chat_type in ("group", "supergroup", "channel"):
                    bucket = TokenBucket(self.group_per_minute, self.group_per_minute / 60.0)
                else:
                    bucket = TokenBucket(self.private_burst, self.private_per_second)
                self._chats[chat_id] = bucket
            buckets.append(bucket)
        for bucket in buckets:
            bucket.refill(now)
            wait = bucket.wait_seconds()
            if wait is not None:
                waits.append(wait)
        if waits:
            return max(waits)
        for bucket in buckets:
            bucket.tokens = (bucket.capacity if bucket.tokens is None else bucket.tokens) - 1.0
        if self._window is not None and self.strict:
            self._window.accepted.append(now)
        return None

    def reset(self) -> None:
        self._global = None
        self._window = None
        self._chats.clear()
