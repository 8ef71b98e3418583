"""An LRU map bounded by the estimated bytes of what it keeps, not by its number of entries: a
searcher's caches must fit the memory an open notebook is allowed, however big each entry is."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# What the map costs for an entry beyond the size it is given (its slot and linked-list node,
# the (value, size) pair, a tuple key): about 200 bytes on CPython 3.11, by tracemalloc.
ENTRY_OVERHEAD = 200


class SizedLRU(Generic[K, V]):
    """Least recently used entries out first, until the estimated bytes held fit ``budget``.
    Not locked: its owner's lock guards it."""

    def __init__(self, budget: int) -> None:
        self.budget = max(0, budget)
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._held = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    @property
    def held(self) -> int:
        """The estimated bytes of the entries kept, with the map's own cost for each."""
        return self._held

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: K, value: V, size: int) -> bool:
        """Keep ``value`` (``size`` estimated bytes) under ``key``; the least recently used
        entries go until everything fits. A value that would not fit alone is not kept (False).
        """
        self.discard(key)
        size += ENTRY_OVERHEAD
        if size > self.budget:
            return False
        self._entries[key] = (value, size)
        self._held += size
        while self._held > self.budget:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._held -= dropped
        return True

    def discard(self, key: K) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._held -= entry[1]

    def clear(self) -> None:
        self._entries.clear()
        self._held = 0
