"""Search over the shipped notes: bilingual matching, acronyms both ways, typos, ranking."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from index.search import Searcher, open_searcher
from index.store import ensure_index, load_index_chunks

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EN = "aws-sa-pro-notes.txt"
ES = "aws-saa-apuntes.txt"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    index_dir = tmp_path_factory.mktemp("search") / "index"
    ensure_index(CORPUS, index_dir)
    return open_searcher(index_dir)


def top_texts(searcher: Searcher, query: str, n: int = 3) -> list[str]:
    return [hit.chunk.text.lower() for hit in searcher.search(query, limit=n).hits]


def test_spanish_verb_finds_english_feature(searcher):
    hits = searcher.search("hibernar").hits
    assert hits, "hibernar should match Hibernate"
    assert "hibernate" in hits[0].chunk.text.lower()
    assert "<b>Hibernate</b>" in hits[0].snippet


def test_accented_plural_finds_unaccented_word(searcher):
    hits = searcher.search("réplicas").hits
    assert any("replicas" in hit.chunk.text.lower() for hit in hits[:3])


def test_accents_and_case_do_not_change_results(searcher):
    plain = [h.chunk.id for h in searcher.search("replicas aurora").hits]
    fancy = [h.chunk.id for h in searcher.search("RÉPLICAS Aurora").hits]
    assert plain == fancy and plain


def test_natural_spanish_question_finds_aurora_replicas(searcher):
    hits = searcher.search("¿cuántas réplicas tiene aurora?").hits
    assert "aurora" in hits[0].chunk.breadcrumb.lower()
    assert "replica" in hits[0].chunk.text.lower()


def test_natural_english_question_finds_lag_limit(searcher):
    hits = searcher.search("what is the max number of connections per LAG").hits
    assert hits[0].chunk.title == "DX LAGS"
    assert "maximum 4 connections" in hits[0].chunk.text.lower()


def test_comparison_query_brings_both_sides(searcher):
    titles = " ".join(
        h.chunk.breadcrumb.lower() for h in searcher.search("SCP vs permission boundary").hits
    )
    assert "boundar" in titles
    assert "scp" in titles or "service control" in titles


def test_acronym_finds_passages_that_only_spell_it_out(searcher):
    # "Link Aggregation Groups (LAG)" is mined; the expansion alone must reach LAG passages.
    hits = searcher.search("link aggregation groups").hits
    assert hits[0].chunk.title == "DX LAGS"


def test_expansion_finds_passages_that_only_use_the_acronym(searcher):
    chunks = load_index_chunks(searcher.index_dir)
    only_acronym = [
        c for c in chunks if "SCP" in c.text and "service control" not in (c.text + c.title).lower()
    ]
    assert only_acronym, "the notes have passages that say SCP without spelling it out"
    ids = {h.chunk.id for h in searcher.search("service control policy", limit=10).hits}
    assert ids & {c.id for c in only_acronym}


def test_acronym_query_ranks_its_passage_first(searcher):
    hits = searcher.search("ASG").hits
    assert "asg" in hits[0].chunk.text.lower() or "auto scaling" in hits[0].chunk.text.lower()


def test_typo_gets_a_suggestion_and_the_corrected_hits(searcher):
    result = searcher.search("presigend url")
    assert result.suggestion == "presigned url"
    assert any("presigned url" in text for text in top_texts(searcher, "presigend url"))


def test_typo_suggestion_keeps_the_rest_of_the_query(searcher):
    result = searcher.search("Glaicer retrieval options")
    assert result.suggestion == "glacier retrieval options"
    assert result.hits


@pytest.mark.parametrize(
    "query",
    ["presigned url", "hibernar", "¿cuántas réplicas tiene aurora?", "sts:AssumeRole", "S3", "LAG"],
)
def test_correct_queries_get_no_suggestion(searcher, query):
    assert searcher.search(query).suggestion is None


def test_compound_terms_are_searchable(searcher):
    hits = searcher.search("sts:AssumeRole").hits
    assert "sts:assumerole" in hits[0].chunk.text.lower()


def test_exact_term_ranks_above_stem_only_match(searcher):
    hits = searcher.search("presigned").hits
    assert "presigned" in hits[0].chunk.text.lower() or "presigned" in hits[0].chunk.title.lower()


def test_ranks_are_one_based_and_scores_descend(searcher):
    hits = searcher.search("aurora global database", limit=5).hits
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert len(hits) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_limit_is_respected(searcher):
    assert len(searcher.search("s3", limit=2).hits) == 2
    assert searcher.search("s3", limit=0).hits == []


def test_chunk_lookup_by_id(searcher):
    chunks = searcher.chunks()
    assert len(chunks) == len(load_index_chunks(searcher.index_dir)) > 100
    some = chunks[len(chunks) // 2]
    assert searcher.chunk(some.id) == some
    assert searcher.chunk("no-such-id") is None
    hit = searcher.search("hibernar").hits[0]
    assert searcher.chunk(hit.chunk.id) == hit.chunk


def test_both_note_files_are_searchable(searcher):
    sources = {h.chunk.source for h in searcher.search("aurora replicas", limit=10).hits}
    assert sources == {EN, ES}


def test_searcher_is_safe_from_many_threads(searcher):
    queries = ["aurora", "presigend url", "¿qué es un SCP?", "LAG", "", "((("] * 5
    expected = {q: [h.chunk.id for h in searcher.search(q).hits] for q in queries}
    errors: list[str] = []

    def worker(offset: int) -> None:
        for i in range(len(queries)):
            query = queries[(i + offset) % len(queries)]
            padded = query + " " * (offset * 10 + i)  # a new cache key: really searched again
            got = [h.chunk.id for h in searcher.search(padded).hits]
            if got != expected[query]:
                errors.append(query)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.parametrize(
    "query", ["cuesta", "lento", "colas", "llaves", "slowest", "lambdas", "conexiones"]
)
def test_real_words_missing_from_the_notes_are_not_corrected(searcher, query):
    assert searcher.search(query).suggestion is None


def test_unknown_misspelling_gets_the_common_spelling(searcher):
    result = searcher.search("permision boundries")
    assert result.suggestion == "permission boundaries"
    assert "boundar" in result.hits[0].chunk.breadcrumb.lower()


def test_misspelling_found_in_the_notes_still_gets_a_suggestion(searcher):
    # "clodtrail" is a typo inside the notes (rare); "cloudtrail" is everywhere.
    assert "clodtrail" in " ".join(c.text.lower() for c in searcher.chunks())
    result = searcher.search("clodtrail")
    assert result.suggestion == "cloudtrail"
    assert len(result.hits) == 5


def test_callers_cannot_spoil_the_result_cache(searcher):
    first = searcher.search("glacier vault lock")
    expected = [h.chunk.id for h in first.hits]
    first.hits.clear()
    again = searcher.search("glacier vault lock")
    assert [h.chunk.id for h in again.hits] == expected and expected


@pytest.mark.parametrize(("typed", "word"), [("presig", "presigned"), ("auro", "aurora")])
def test_half_typed_last_word_is_completed_without_a_suggestion(searcher, typed, word):
    result = searcher.search(typed)
    assert result.suggestion is None
    assert word in (result.hits[0].chunk.title + result.hits[0].chunk.text).lower()
    assert f"<b>{word}" in result.hits[0].snippet.lower()


def test_completion_applies_to_the_last_word_only(searcher):
    hits = searcher.search("aurora repl").hits
    assert "aurora" in hits[0].chunk.breadcrumb.lower()
    assert "replica" in hits[0].chunk.text.lower()
