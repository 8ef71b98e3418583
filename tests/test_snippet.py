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


def test_a_code_block_stays_code_with_its_language_and_indentation():
    text = (
        "Run a container:\n\n```bash\n  docker run -it ubuntu\n    echo <hi> & bye\n```\n"
        "Then docker stops."
    )
    snippet = make_snippet(text, [{"docker"}, {"container"}])
    code = '<pre><code class="language-bash">docker run -it ubuntu\n  echo &lt;hi&gt; &amp; bye'
    assert code + "</code></pre>" in snippet
    assert "<b>docker</b> stops" in snippet  # prose stays highlighted, code never is
    assert "```" not in snippet


def test_code_snippets_are_html_telegram_accepts():
    from tests.fakebot.validation import parse_html

    text = 'Intro:\n```go\nfunc main() {\n\tfmt.Println("<b>")\n}\n```\n```\nplain <code>\n```'
    snippet = make_snippet(prepare(text), [{"main"}, {"intro"}])
    plain, entities = parse_html(snippet)
    kinds = [(entity["type"], entity.get("language")) for entity in entities]
    assert ("pre", "go") in kinds and ("pre", None) in kinds
    assert 'fmt.Println("<b>")' in plain and "plain <code>" in plain


def test_an_unclosed_fence_is_plain_text():
    assert make_snippet("a ``` b", [{"b"}]) == "a ``` <b>b</b>"
