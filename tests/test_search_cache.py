"""A searcher's caches: bounded by their estimated bytes however many distinct queries come,
and still answering a repeated query without searching again."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from index.search import CACHE_BYTES, Searcher, open_searcher
from index.store import ensure_index, load_index_chunks

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("search-cache") / "index"
    ensure_index(CORPUS, index_dir)
    return index_dir


@pytest.fixture(scope="module")
def queries(index_dir: Path) -> list[str]:
    """Distinct queries a student would type: section titles, and pairs of a passage's words."""
    found: dict[str, None] = {}
    for chunk in load_index_chunks(index_dir):
        words = [word for word in chunk.text.split() if word.isalpha() and len(word) > 3]
        found[" ".join(chunk.title.split()[:4])] = None
        if len(words) >= 2:
            found[" ".join(words[:2])] = None
    return [query for query in found if query][:150]


def test_caches_stay_within_their_budget_after_many_distinct_queries(
    index_dir: Path, queries: list[str]
) -> None:
    searcher = open_searcher(index_dir)
    for query in queries:
        searcher.search(query)
        assert searcher.cache_bytes() <= CACHE_BYTES
    # full: what stopped them is the budget, not a lack of queries
    assert searcher.cache_bytes() > 0.8 * CACHE_BYTES


def test_the_memory_the_caches_take_stays_within_their_budget(
    index_dir: Path, queries: list[str]
) -> None:
    # The word and stem caches of index.analysis, which every notebook shares, are filled
    # first by another searcher over the same notes: what grows after is this one's caches.
    warm = open_searcher(index_dir, cache_bytes=0)
    for query in queries:
        warm.search(query)
    searcher = open_searcher(index_dir)
    searcher.search(queries[0])
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for query in queries:
            searcher.search(query)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown <= 1.15 * CACHE_BYTES, f"{grown / 1024:.0f} KB for {len(queries)} queries"


@pytest.mark.parametrize("query", ["glacier vault lock", "permision boundries"])
def test_a_repeated_query_is_answered_from_the_cache_as_it_was_first(
    index_dir: Path, queries: list[str], query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = open_searcher(index_dir)
    first = searcher.search(query)
    for other in queries[:20]:
        searcher.search(other)
    _no_more_searching(searcher, monkeypatch)
    again = searcher.search(query)
    assert first.hits and again.hits == first.hits  # ranks, scores, passages, snippets, paths
    assert (again.query, again.suggestion) == (first.query, first.suggestion)


def test_the_latest_queries_stay_cached_after_many_distinct_ones(
    index_dir: Path, queries: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = open_searcher(index_dir)
    for query in queries:
        searcher.search(query)
    _no_more_searching(searcher, monkeypatch)
    for query in queries[-10:]:
        searcher.search(query)


def _no_more_searching(searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    def search_again(*args: object) -> None:
        pytest.fail("searched again instead of answering from the cache")

    monkeypatch.setattr(searcher, "_search", search_again)
