"""Snippets: safe Telegram HTML around the best-matching window of a passage."""

from __future__ import annotations

from index.snippet import make_snippet, prepare, tidy


def test_matches_are_bold_and_html_is_escaped():
    text = "Use <p> tags & arrows -> with S3 presigned URLs"
    snippet = make_snippet(text, [{"presigned"}, {"url", "urls"}])
    assert snippet == ("Use &lt;p&gt; tags &amp; arrows -&gt; with S3 <b>presigned</b> <b>URLs</b>")


def test_stems_match_inflected_words():
    snippet = make_snippet("Aurora has 15 replicas.", [{"replica"}])
    assert "<b>replicas</b>" in snippet


def test_no_match_gives_the_beginning_without_bold():
    snippet = make_snippet("Plain text about nothing in particular.", [{"aurora"}])
    assert snippet == "Plain text about nothing in particular."


def test_long_text_is_cut_around_the_best_window():
    filler = "lorem ipsum dolor sit amet " * 40
    text = filler + "the Glacier retrieval options are expedited standard bulk. " + filler
    snippet = make_snippet(text, [{"glacier"}, {"retrieval"}, {"option", "options"}])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<b>Glacier</b> <b>retrieval</b> <b>options</b>" in snippet
    assert len(snippet) < 400


def test_window_prefers_more_distinct_concepts():
    text = ("aurora " * 60) + "x " * 200 + "aurora backtrack rewinds"
    snippet = make_snippet(text, [{"aurora"}, {"backtrack"}])
    assert "<b>backtrack</b>" in snippet


def test_compound_word_is_bold_once():
    snippet = make_snippet("call sts:AssumeRole now", [{"sts"}, {"assume"}, {"role"}])
    assert snippet == "call <b>sts:AssumeRole</b> now"


def test_prepared_text_gives_the_same_snippet():
    text = "Hibernate keeps RAM & state"
    assert make_snippet(prepare(text), [{"hibernate"}]) == make_snippet(text, [{"hibernate"}])


def test_tidy_collapses_spaces_and_blank_lines():
    assert tidy("a  b\n\n\n c\t d ") == "a b\n c d"


def test_empty_text_gives_empty_snippet():
    assert make_snippet("", [{"x"}]) == ""
