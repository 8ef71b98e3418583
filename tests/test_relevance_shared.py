"""Ranking quality per shared corpus (tests/relevance_shared.py), each labelled before tuning."""

from __future__ import annotations

import pytest

from bench.relevance import RelevanceReport, evaluate
from tests.relevance_shared import SHARED_CASES


@pytest.mark.parametrize("corpus", sorted(SHARED_CASES))
def test_every_label_names_lines_of_a_note_in_its_corpus(corpus):
    folder, cases = SHARED_CASES[corpus]
    assert len(cases) >= 25
    for case in cases:
        for target in case.targets:
            note = folder / target.source
            assert note.is_file(), f"{case.query!r}: {note} is missing"
            line_count = len(note.read_text(encoding="utf-8").splitlines())
            assert min(target.lines) >= 1 and max(target.lines) <= line_count, case.query


# Floors at what the engine reaches on each corpus (MRR@5, hit@3), a little below, so a real
# regression fails; measured values are in the comments and in `make bench`.
FLOORS = {
    "obsidian-adielbm": (0.90, 0.93),  # reached 0.901 / 0.938 (FTS5 0.831)
    "zettel-tech-notes": (0.92, 0.93),  # reached 0.923 / 0.933 (FTS5 0.734)
    "apuntes-mais": (0.91, 0.93),  # reached 0.912 / 0.939 (FTS5 0.659)
    "omscs-simulation": (0.90, 0.96),  # reached 0.901 / 0.967 (FTS5 0.666)
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, RelevanceReport]:
    from index.search import open_searcher
    from index.store import ensure_index

    found = {}
    for corpus, (folder, cases) in SHARED_CASES.items():
        index_dir = tmp_path_factory.mktemp(corpus) / "index"
        ensure_index(folder, index_dir)
        searcher = open_searcher(index_dir)
        found[corpus] = evaluate(
            lambda q, k, s=searcher: [hit.chunk for hit in s.search(q, limit=k).hits], cases
        )
    return found


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_each_shared_corpus_is_answered_above_its_floor(reports, corpus):
    report = reports[corpus]
    min_mrr, min_hit3 = FLOORS[corpus]
    assert report.mrr >= min_mrr, f"{corpus}: {report.summary()}\n{report.describe_misses(1)}"
    assert report.hit_at_3 >= min_hit3, f"{corpus}: {report.summary()}\n{report.describe_misses(3)}"
