"""Ranking quality of Studybot's search on the relevance set (tests/relevance_cases.py) and on
the held-out set nobody tuned against (tests/relevance_heldout.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.relevance import RelevanceReport, evaluate
from tests.relevance_cases import CASES
from tests.relevance_heldout import HELDOUT_CASES

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MIN_MRR_AT_5 = 0.94  # reached: 0.953 (FTS5 baseline: 0.806)
MIN_HIT_AT_3 = 0.97  # reached: 1.000 (FTS5: 0.911)
HELDOUT_MIN_MRR_AT_5 = 0.90  # reached: 0.907 (FTS5: 0.850)
HELDOUT_MIN_HIT_AT_3 = 0.95  # reached: 1.000 (FTS5: 0.880)


@pytest.fixture(scope="module")
def search_chunks(tmp_path_factory):
    from index.search import open_searcher
    from index.store import ensure_index

    index_dir = tmp_path_factory.mktemp("relevance") / "index"
    ensure_index(CORPUS, index_dir)
    searcher = open_searcher(index_dir)
    return lambda q, k: [hit.chunk for hit in searcher.search(q, limit=k).hits]


@pytest.fixture(scope="module")
def report(search_chunks) -> RelevanceReport:
    return evaluate(search_chunks, CASES)


def test_the_held_out_set_is_answered_too(search_chunks):
    held = evaluate(search_chunks, HELDOUT_CASES)
    assert held.mrr >= HELDOUT_MIN_MRR_AT_5, f"{held.summary()}\n{held.describe_misses(1)}"
    assert held.hit_at_3 >= HELDOUT_MIN_HIT_AT_3, f"{held.summary()}\n{held.describe_misses(3)}"


def test_mrr_at_5_is_high_enough(report: RelevanceReport):
    assert report.mrr >= MIN_MRR_AT_5, f"{report.summary()}\n{report.describe_misses(1)}"


def test_hit_at_3_is_high_enough(report: RelevanceReport):
    assert report.hit_at_3 >= MIN_HIT_AT_3, f"{report.summary()}\n{report.describe_misses(3)}"


def test_every_kind_of_query_is_mostly_answered_in_the_top_5(report: RelevanceReport):
    weak = {
        category: round(mrr, 3)
        for category, (mrr, _hit3) in report.by_category.items()
        if mrr < 0.6
    }
    assert not weak, f"{report.summary()}\nweak categories: {weak}\n{report.describe_misses(5)}"
