"""The FTS5 baseline: valid MATCH expressions from any string, bm25 ranking over chunks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.fts5 import Fts5Index, fts5_available, to_match_query
from index.model import Chunk


def chunk(n: int, title: str, text: str, path: tuple[str, ...] = ()) -> Chunk:
    return Chunk(
        id=f"c{n}",
        source="notes.txt",
        line_start=n * 10,
        line_end=n * 10 + 5,
        path=path or (title,),
        title=title,
        text=text,
        lang="en",
    )


CHUNKS = [
    chunk(1, "S3 Presigned URLs", "A presigned URL grants temporary access to one object."),
    chunk(2, "Aurora Architecture", "Aurora keeps 6 copies of data; up to 15 replicas."),
    chunk(
        3, "Réplicas de Aurora", "Aurora puede tener 15 réplicas de lectura.", ("Bases de datos",)
    ),
    chunk(4, "SQS", "Visibility timeout hides a message for 30 seconds."),
]


def test_this_sqlite_has_fts5():
    assert fts5_available()


def test_queries_become_quoted_words_ored():
    assert (
        to_match_query("SCP vs permission-boundary")
        == '"scp" OR "vs" OR "permission" OR "boundary"'
    )
    assert to_match_query('"); DROP TABLE chunks; --') == '"drop" OR "table" OR "chunks"'
    assert to_match_query("  *** <b>&amp; ") == '"b" OR "amp"'
    assert to_match_query("") == ""


def test_best_chunk_ranks_first():
    index = Fts5Index(CHUNKS)
    assert index.search("presigned url")[0].id == "c1"
    assert index.search("visibility timeout")[0].id == "c4"


def test_diacritics_and_stemming_match():
    index = Fts5Index(CHUNKS)
    assert {c.id for c in index.search("réplicas", 5)} == {"c2", "c3"}
    assert {c.id for c in index.search("REPLICAS", 5)} == {"c2", "c3"}
    assert index.search("copy")[0].id == "c2"  # porter: copies -> copi, copy -> copi


def test_limit_is_respected_and_empty_queries_give_nothing():
    index = Fts5Index(CHUNKS)
    assert len(index.search("aurora", 1)) == 1
    assert index.search("") == []
    assert index.search("!!! ???") == []
    assert index.search("aurora", 0) == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_string_is_a_valid_query(query: str):
    results = INDEX.search(query, 5)
    assert len(results) <= 5


INDEX = Fts5Index(CHUNKS)
