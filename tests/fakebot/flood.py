"""Telegram's flood limits for the fake Bot API: ~30 messages/s overall, 20 per minute per group,
about one per second per private chat with a lenient burst; excess gets a 429 with retry_after."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class FloodLimiter:
    """Sliding windows (global, per group) and token buckets (per private chat)."""

    global_per_second: int = 30
    group_per_minute: int = 20
    private_per_second: float = 1.0
    private_burst: int = 10
    clock: object = field(default=time.monotonic, repr=False)
    _global: deque[float] = field(default_factory=deque, repr=False)
    _groups: dict[int, deque[float]] = field(default_factory=dict, repr=False)
    _private: dict[int, tuple[float, float]] = field(default_factory=dict, repr=False)

    def check(self, chat_id: int | None, chat_type: str | None) -> int | None:
        """Record one message to ``chat_id``; return retry_after seconds if it must be refused."""
        now = self.clock()  # type: ignore[operator]
        window = self._global
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= self.global_per_second:
            return max(1, math.ceil(1.0 - (now - window[0])))
        group_window: deque[float] | None = None
        if chat_id is not None and chat_type in ("group", "supergroup", "channel"):
            group_window = self._groups.setdefault(chat_id, deque())
            while group_window and now - group_window[0] >= 60.0:
                group_window.popleft()
            if len(group_window) >= self.group_per_minute:
                return max(1, math.ceil(60.0 - (now - group_window[0])))
        elif chat_id is not None:
            tokens, last = self._private.get(chat_id, (float(self.private_burst), now))
            tokens = min(float(self.private_burst), tokens + (now - last) * self.private_per_second)
            if tokens < 1.0:
                self._private[chat_id] = (tokens, now)
                return max(1, math.ceil((1.0 - tokens) / self.private_per_second))
            self._private[chat_id] = (tokens - 1.0, now)
        window.append(now)
        if group_window is not None:
            group_window.append(now)
        return None

    def reset(self) -> None:
        self._global.clear()
        self._groups.clear()
        self._private.clear()
