"""The relevance metrics (bench.relevance) and the relevance cases themselves."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.relevance import evaluate, is_relevant
from index.model import Chunk
from tests.relevance_cases import CASES, CATEGORIES, EN_NOTES, ES_NOTES, RelevanceCase, Target

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def chunk(source: str, start: int, end: int) -> Chunk:
    return Chunk(
        id=f"{source}:{start}",
        source=source,
        line_start=start,
        line_end=end,
        path=("H",),
        title="H",
        text="text",
        lang="en",
    )


def case(query: str, *targets: Target, category: str = "term") -> RelevanceCase:
    return RelevanceCase(query=query, targets=targets, category=category, note="")


def test_a_hit_must_share_the_source_and_contain_an_acceptable_line():
    wanted = case("q", Target("a.txt", (10, 12)))
    assert is_relevant(chunk("a.txt", 12, 20), wanted)
    assert is_relevant(chunk("a.txt", 1, 10), wanted)
    assert not is_relevant(chunk("a.txt", 13, 30), wanted)
    assert not is_relevant(chunk("a.txt", 1, 9), wanted)
    assert not is_relevant(chunk("b.txt", 1, 100), wanted)


def test_any_of_several_targets_is_enough():
    wanted = case("q", Target("a.txt", (5,)), Target("b.txt", (50,)))
    assert is_relevant(chunk("b.txt", 40, 60), wanted)


def test_ranks_mrr_and_hits_are_computed_from_the_first_relevant_passage():
    cases = [
        case("first", Target("a.txt", (1,))),
        case("second", Target("a.txt", (20,))),
        case("fourth", Target("a.txt", (40,))),
        case("missing", Target("a.txt", (999,))),
    ]
    ranked = [chunk("a.txt", 1, 5), chunk("a.txt", 20, 25), chunk("a.txt", 30, 35)]
    ranked.append(chunk("a.txt", 40, 45))
    ranked.append(chunk("a.txt", 50, 55))
    results = {
        "first": ranked,
        "second": [ranked[2], ranked[1], ranked[1]],
        "fourth": [ranked[0], ranked[1], ranked[2], ranked[3]],
        "missing": ranked,
    }
    report = evaluate(lambda q, k: results[q], cases, k=5)
    assert [r.rank for r in report.results] == [1, 2, 4, None]
    assert report.mrr == pytest.approx((1 + 1 / 2 + 1 / 4 + 0) / 4)
    assert report.hit_at_1 == pytest.approx(1 / 4)
    assert report.hit_at_3 == pytest.approx(2 / 4)
    assert [r.case.query for r in report.misses()] == ["second", "fourth", "missing"]
    text = report.describe_misses(worse_than=3)
    assert "'fourth'" in text and "'missing'" in text and "'second'" not in text
    assert "a.txt:999" in text


def test_passages_beyond_k_do_not_count():
    cases = [case("q", Target("a.txt", (100,)))]
    ranked = [chunk("a.txt", i, i) for i in range(1, 10)] + [chunk("a.txt", 100, 100)]
    report = evaluate(lambda q, k: ranked, cases, k=5)
    assert report.results[0].rank is None
    assert report.mrr == 0.0


def test_a_resolver_maps_passages_of_other_files_back_to_the_notes():
    cases = [case("q", Target("a.txt", (7,)))]

    def resolve(passage):
        return [("a.txt", [7])] if passage.source == "a-v01.txt" else []

    report = evaluate(lambda q, k: [chunk("a-v01.txt", 300, 310)], cases, resolve=resolve)
    assert report.results[0].rank == 1


def test_per_category_scores_are_reported():
    cases = [
        case("x", Target("a.txt", (1,)), category="term"),
        case("y", Target("a.txt", (1,)), category="typo"),
    ]
    report = evaluate(lambda q, k: [chunk("a.txt", 1, 1)] if q == "x" else [], cases)
    assert report.by_category == {"term": (1.0, 1.0), "typo": (0.0, 0.0)}


# ---- the relevance cases ------------------------------------------------------------------------


def test_there_are_enough_cases_of_every_kind():
    assert len(CASES) >= 60
    counts = Counter(c.category for c in CASES)
    assert set(counts) == set(CATEGORIES)
    assert min(counts.values()) >= 8


def test_queries_are_unique():
    queries = [c.query.casefold() for c in CASES]
    assert len(queries) == len(set(queries))


def test_spanish_and_english_notes_are_both_targets():
    sources = Counter(t.source for c in CASES for t in c.targets)
    assert sources[EN_NOTES] >= 30 and sources[ES_NOTES] >= 30


@pytest.mark.parametrize("relevance_case", CASES, ids=lambda c: c.query)
def test_every_target_points_at_text_of_a_shipped_note(relevance_case: RelevanceCase):
    assert relevance_case.targets and relevance_case.note
    for target in relevance_case.targets:
        lines = (CORPUS / target.source).read_text(encoding="utf-8").splitlines()
        assert target.lines, "a target needs at least one line"
        assert all(1 <= n <= len(lines) for n in target.lines)
        assert any(lines[n - 1].strip() for n in target.lines)
