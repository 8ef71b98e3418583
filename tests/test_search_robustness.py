"""Any user string is a valid query: search never raises and snippets stay safe Telegram HTML."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.search import Searcher, open_searcher
from index.store import ensure_index

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TAG = re.compile(r"</?b>")
ENTITY = re.compile(r"&(?:amp|lt|gt);")


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Iterator[Searcher]:
    index_dir = tmp_path_factory.mktemp("robust") / "index"
    ensure_index(CORPUS, index_dir)
    errors = _Errors()
    logger = logging.getLogger("index.search")
    logger.addHandler(errors)
    yield open_searcher(index_dir)
    logger.removeHandler(errors)
    # search() swallows exceptions so the bot never crashes; none may have happened here.
    assert errors.records == [], [r.getMessage() for r in errors.records]


def assert_safe_html(snippet: str) -> None:
    """Only <b> and </b>, properly nested; every other &, <, > is an entity."""
    depth = 0
    for tag in TAG.findall(snippet):
        depth += 1 if tag == "<b>" else -1
        assert depth in (0, 1), f"unbalanced or nested <b> in {snippet!r}"
    assert depth == 0, f"unclosed <b> in {snippet!r}"
    bare = TAG.sub("", snippet)
    assert "<" not in bare and ">" not in bare, snippet
    assert "&" not in ENTITY.sub("", bare), snippet


NASTY = [
    "",
    " ",
    "\n\t",
    "AND OR NOT",
    "title:aurora",
    "body:*",
    "*",
    "?",
    "aur*",
    "aurora~2",
    "aurora^10",
    '"unbalanced quote',
    "((aurora",
    "aurora))",
    "[a TO z]",
    "{x TO}",
    "<p>&amp;</p>",
    "<script>alert(1)</script>",
    "-> & <-",
    "🙂🚀 aurora 🔥",
    "\x00\x01\x02",
    "a" * 10_000,
    "aurora " * 2_000,
    "s3 " * 500,
    "ñandú ümlaut ﬁle ß",
    "\u202e\u200b zero width",
    "NOT NOT NOT (((",
    "sts:AssumeRole:::",
    "10Gbps--->",
    "¿¡",
]


@pytest.mark.parametrize("query", NASTY)
def test_nasty_queries_never_raise(searcher, query):
    result = searcher.search(query)
    assert result.query == query
    for hit in result.hits:
        assert_safe_html(hit.snippet)


def test_empty_query_returns_no_hits(searcher):
    assert searcher.search("").hits == []
    assert searcher.search("   ").hits == []


def test_query_operators_are_plain_words(searcher):
    # "title:" must not restrict to a field, "*" must not match everything
    assert searcher.search("*").hits == []
    field_hits = [h.chunk.id for h in searcher.search("title:hibernate").hits]
    plain_hits = [h.chunk.id for h in searcher.search("title hibernate").hits]
    assert field_hits == plain_hits and field_hits


def test_html_in_notes_is_escaped_in_snippets(searcher):
    # The notes contain "->" and "&"; a snippet around them must carry entities, not raw text.
    hits = searcher.search("session ID server provides cipher suites", limit=3).hits
    assert any("-&gt;" in h.snippet for h in hits)
    for hit in hits:
        assert_safe_html(hit.snippet)


def test_snippets_are_a_few_hundred_characters(searcher):
    for hit in searcher.search("aurora backtrack replicas", limit=5).hits:
        visible = ENTITY.sub("x", TAG.sub("", hit.snippet))
        assert 0 < len(visible) <= 320
        assert "<b>" in hit.snippet


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_any_text_is_a_valid_query(searcher, query):
    result = searcher.search(query, limit=3)
    assert len(result.hits) <= 3
    for hit in result.hits:
        assert_safe_html(hit.snippet)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            [
                "aurora",
                "réplicas",
                "<b>",
                "&",
                "->",
                "AND",
                "(",
                '"',
                "s3",
                "🙂",
                "presigend",
                "LAG",
                "*",
                "title:",
                "~",
                "^2",
            ]
        ),
        max_size=12,
    )
)
def test_mixed_operator_soup_is_a_valid_query(searcher, words):
    result = searcher.search(" ".join(words))
    for hit in result.hits:
        assert_safe_html(hit.snippet)
