"""What a searcher keeps of its recent searches, within a budget of estimated bytes: recent
results, each packed into one compressed bytes object, and the snippet analysis of recently
shown passages.

A result is packed whole, its passages' fields with its snippets (``marshal``, then ``zlib``):
the snippets repeat their passages' words, so a result of five hits packs into some 2 KB where
its objects (five decoded passages, their snippets and hits) held 10-15 KB, and a notebook's
budget keeps dozens of queries instead of a handful. Unpacking one costs some 100 µs, against
a millisecond or more to search again. Analysing a passage for its snippet costs some 300 µs
(``index.snippet.prepare``), so the analysis of recently shown passages is kept too, under the
rest of the budget.
"""

from __future__ import annotations

import marshal
import sys
import threading
import zlib
from dataclasses import fields
from typing import Any

from cachetools import LRUCache

from index.model import Chunk, Hit, SearchResult
from index.snippet import PreparedText, prepare

RESULTS_SHARE = 0.3  # of the budget, for results; the rest for snippet analysis
# What a cache costs for an entry beyond the size given (its slot, the (value, size) pair, a
# tuple key): about 200 bytes on CPython 3.11, by tracemalloc.
ENTRY_OVERHEAD = 200

ResultKey = tuple[str, str, int]  # generation, query, limit
_CHUNK_FIELDS = tuple(field.name for field in fields(Chunk))


def pack_result(result: SearchResult) -> bytes:
    """``result`` in one compressed bytes object (``unpack_result`` gives it back, but for its
    query, which the key holds)."""
    hits = result.hits
    return zlib.compress(
        marshal.dumps(
            (
                [tuple(getattr(hit.chunk, name) for name in _CHUNK_FIELDS) for hit in hits],
                [hit.score for hit in hits],
                [hit.snippet for hit in hits],
                [hit.path for hit in hits],
                result.suggestion,
            )
        )
    )


def unpack_result(query: str, packed: bytes) -> SearchResult:
    chunks, scores, snippets, paths, suggestion = marshal.loads(zlib.decompress(packed))
    hits = [
        Hit(rank, score, Chunk(*chunk), snippet, path)
        for rank, (chunk, score, snippet, path) in enumerate(
            zip(chunks, scores, snippets, paths, strict=True), 1
        )
    ]
    return SearchResult(query, hits, suggestion)


def _sized_lru(budget: int) -> LRUCache[Any, tuple[Any, int]]:
    """An LRU cache bounded by the estimated bytes of its entries, each kept as (value, size)."""
    return LRUCache(maxsize=budget, getsizeof=lambda entry: entry[1])


def _put(cache: LRUCache[Any, tuple[Any, int]], key: Any, value: Any, size: int) -> None:
    try:
        cache[key] = (value, size + ENTRY_OVERHEAD)
    except ValueError:  # bigger than the whole budget: not kept
        cache.pop(key, None)


class SearchCache:
    """Results and snippet analysis of one searcher; thread-safe."""

    def __init__(self, budget: int) -> None:
        self.budget = max(0, budget)
        results = int(self.budget * RESULTS_SHARE)
        self._lock = threading.Lock()
        self._results = _sized_lru(results)
        # By chunk id, which is derived from the chunk's text: an analysis is right for the id
        # in any generation
        self._prepared = _sized_lru(self.budget - results)

    @property
    def held(self) -> int:
        """The estimated bytes held now (never above ``budget``)."""
        with self._lock:
            return int(self._results.currsize + self._prepared.currsize)

    def clear(self) -> None:
        with self._lock:
            self._results.clear()
            self._prepared.clear()

    def result(self, key: ResultKey) -> SearchResult | None:
        """The result kept for ``key``, unpacked: new objects each time."""
        with self._lock:
            entry = self._results.get(key)
        return None if entry is None else unpack_result(key[1], entry[0])

    def keep_result(self, key: ResultKey, result: SearchResult) -> None:
        packed = pack_result(result)
        with self._lock:  # the key's query is the caller's string, kept alive by the key
            _put(self._results, key, packed, sys.getsizeof(packed) + sys.getsizeof(key[1]))

    def prepared(self, chunk: Chunk) -> PreparedText:
        """The passage's snippet analysis, kept for the most recently shown passages."""
        with self._lock:
            entry = self._prepared.get(chunk.id)
        if entry is not None:
            return entry[0]
        prepared = prepare(chunk.text)
        with self._lock:
            _put(self._prepared, chunk.id, prepared, prepared.nbytes() + sys.getsizeof(chunk.id))
        return prepared
