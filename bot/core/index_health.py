"""What the index store reported about broken index generations, kept for the owner's /status:
each repair is shown while it runs and once more when it has ended, then no more."""

from __future__ import annotations

import threading
from pathlib import Path

from index.store import RepairEvent


class IndexHealth:
    """Repairs of the shipped notes' index and of chats' notebooks (thread-safe: the store
    reports from worker threads)."""

    def __init__(self, keep: int = 20) -> None:
        self._lock = threading.Lock()
        self._events: dict[tuple[Path, str], RepairEvent] = {}  # oldest first
        self._keep = keep

    def record(self, event: RepairEvent) -> None:
        """The store's ``on_repair``: a repair started or ended (a later report replaces it)."""
        with self._lock:
            key = (event.index_dir, event.broken)
            self._events.pop(key, None)
            self._events[key] = event
            while len(self._events) > self._keep:
                del self._events[next(iter(self._events))]

    def under_way(self) -> bool:
        """True while a repair has started and not yet ended."""
        with self._lock:
            return any(not event.done for event in self._events.values())

    def notices(self) -> list[RepairEvent]:
        """The repairs to tell the owner now, oldest first: those still running, and those
        ended since the last call (which are then forgotten)."""
        with self._lock:
            events = list(self._events.values())
            for event in events:
                if event.done:
                    del self._events[(event.index_dir, event.broken)]
            return events
