"""Chunk invariants on the shipped notes and on any text: size, line ranges, sentences, ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.chunker import MAX_CHARS, TARGET_CHARS, chunk_text, load_chunks, split_long_text
from index.corpus import decode_note_bytes
from index.model import Chunk
from index.parse_text import clean_inline, ends_sentence, split_lines

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PRO = "aws-sa-pro-notes.txt"
SAA = "aws-saa-apuntes.txt"
_HEADING = re.compile(r" {0,3}#{1,6}[ \t]")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return load_chunks(CORPUS)


@pytest.fixture(scope="module")
def raw() -> dict[str, list[str]]:
    return {
        source: split_lines((CORPUS / source).read_text(encoding="utf-8")) for source in (PRO, SAA)
    }


_FENCED = re.compile(r"^```[^\n]*\n.*?^```$", re.MULTILINE | re.DOTALL)


def assert_chunk_invariants(chunks: list[Chunk], line_count: int) -> None:
    """What every chunk list must satisfy, whatever the input."""
    assert len({chunk.id for chunk in chunks}) == len(chunks)
    for chunk in chunks:
        assert re.fullmatch(r"[0-9a-f]{16}", chunk.id)
        assert chunk.text and chunk.text == chunk.text.strip()
        assert len(chunk.text) <= MAX_CHARS
        # code (an indented or fenced block, shown fenced) keeps its characters as written
        prose = _FENCED.sub("", chunk.text)
        lowered = prose.lower()
        assert "<p>" not in lowered and "</p>" not in lowered and "<br>" not in lowered
        assert "**" not in prose
        assert not _CONTROL.search(chunk.text)
        assert "\n\n\n" not in chunk.text
        assert 1 <= chunk.line_start <= chunk.line_end <= line_count
        assert chunk.lang in ("en", "es")
        assert chunk.title
        assert isinstance(chunk.path, tuple) and all(isinstance(p, str) and p for p in chunk.path)
        assert not any("**" in part or "\n" in part for part in (*chunk.path, chunk.title))


# --- the shipped notes -------------------------------------------------------------------------


def test_shipped_notes_give_many_chunks_from_both_files(chunks):
    by_source = {source: [c for c in chunks if c.source == source] for source in (PRO, SAA)}
    assert len(by_source[PRO]) >= 150 and len(by_source[SAA]) >= 150
    assert [c.source for c in chunks] == [PRO] * len(by_source[PRO]) + [SAA] * len(by_source[SAA])


def test_shipped_chunks_obey_the_invariants(chunks, raw):
    for source, lines in raw.items():
        assert_chunk_invariants([c for c in chunks if c.source == source], len(lines))


def test_line_ranges_hold_exactly_the_chunk_text(chunks, raw):
    """Every text line is a cleaned note line of the range, in order, and nothing is left out
    (headings of tiny sections merged into a chunk live in its path and keywords, not its text)."""
    for chunk in chunks:
        in_range = [
            clean_inline(line)
            for line in raw[chunk.source][chunk.line_start - 1 : chunk.line_end]
            if not _HEADING.match(line)
        ]
        expected = [line for line in in_range if line]
        got = [line.strip() for line in chunk.text.split("\n") if line.strip()]
        assert got == expected, (chunk.source, chunk.line_start, chunk.line_end)


def test_chunks_end_where_a_note_line_ends(chunks, raw):
    """No forced cut in the shipped notes: each chunk ends with the whole last line of its range."""
    for chunk in chunks:
        last_line = clean_inline(raw[chunk.source][chunk.line_end - 1])
        assert chunk.text.endswith(last_line)


def test_chunks_stay_near_the_target_size(chunks):
    sizes = sorted(len(chunk.text) for chunk in chunks)
    median = sizes[len(sizes) // 2]
    assert 250 <= median <= TARGET_CHARS
    assert sum(size > TARGET_CHARS for size in sizes) <= len(sizes) // 10


def test_chunks_of_one_file_do_not_overlap(chunks):
    for source in (PRO, SAA):
        ranges = sorted((c.line_start, c.line_end) for c in chunks if c.source == source)
        for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
            assert end < start


def test_long_lecture_is_split_at_paragraph_boundaries(chunks, raw):
    pieces = [c for c in chunks if c.title == "Direct Connect Gateway, TGW and Transit VIFS"]
    assert len(pieces) >= 2
    assert all(c.path == ("aws sa pro notes", "NETWORKING & HYBRID", c.title) for c in pieces)
    for piece in pieces[1:]:
        assert raw[PRO][piece.line_start - 2].strip() == ""  # starts after a blank line


# --- ids -------------------------------------------------------------------------------------


def test_ids_survive_edits_elsewhere_in_the_notes():
    text = (CORPUS / PRO).read_text(encoding="utf-8")
    before = chunk_text(PRO, text)
    edited = text.replace(
        "No Charge for RAM<p>", "No Charge for RAM at all, ever<p>\nA new line in RAM.<p>"
    )
    # long enough to be a chunk of its own: a tiny one would merge into its neighbour
    preface = "A new first section that shifts every line, and says enough to stand alone. " * 4
    edited = f"# PREFACE\n{preface}\n" + edited
    assert edited != text
    after = chunk_text(PRO, edited)

    before_ids = {c.id: c for c in before}
    after_ids = {c.id for c in after}
    changed = [c for c in before if c.id not in after_ids]
    assert [c.title for c in changed] == ["AWS Resource Access Manager (RAM)"]
    kept = only_title(after, "S3 Object Lock")
    assert kept.id in before_ids and kept.line_start == before_ids[kept.id].line_start + 3


def only_title(chunks: list[Chunk], title: str) -> Chunk:
    (chunk,) = [c for c in chunks if c.title == title]
    return chunk


def test_ids_are_stable_across_runs_and_depend_on_source(chunks):
    again = load_chunks(CORPUS)
    assert [c.id for c in again] == [c.id for c in chunks]
    one = chunk_text("a.md", "# S\n## L\nsame text\n")
    other = chunk_text("b.md", "# S\n## L\nsame text\n")
    assert one[0].id != other[0].id


def test_identical_chunks_get_distinct_deterministic_ids():
    body = "repeat me, a section long enough to be a chunk of its own and not merge. " * 4
    text = f"# S\n## L\n{body}\n## L\n{body}\n"
    first = chunk_text("n.md", text)
    assert len(first) == 2 and first[0].text == first[1].text and first[0].path == first[1].path
    assert first[0].id != first[1].id
    assert [c.id for c in chunk_text("n.md", text)] == [c.id for c in first]


# --- splitting long lines ----------------------------------------------------------------------


def test_long_line_is_cut_at_sentence_ends():
    sentence = "Each sentence here is about forty chars. "
    text = sentence * 200
    pieces = split_long_text(text.strip())
    assert len(pieces) >= len(text) // MAX_CHARS
    assert all(len(piece) <= MAX_CHARS for piece in pieces)
    assert all(ends_sentence(piece) for piece in pieces)
    assert " ".join(pieces) == text.strip()


def test_line_with_one_endless_sentence_is_cut_at_spaces():
    text = " ".join(f"word{i}" for i in range(3000))
    pieces = split_long_text(text)
    assert all(len(piece) <= MAX_CHARS for piece in pieces)
    assert " ".join(pieces) == text  # no word was cut


def test_giant_line_in_a_lecture_keeps_its_breadcrumb_and_line():
    sentence = "Route 53 answers queries for the hosted zone. "
    text = "# NET\n## DNS (1:00)\n" + sentence * 200 + "\nshort last line\n"
    chunks = chunk_text("n.md", text)
    assert len(chunks) >= 4
    assert all(c.path == ("NET", "DNS") for c in chunks)
    assert chunks[0].line_start == 2  # the first piece starts at its heading
    assert all(c.line_end == 3 for c in chunks[:-1])
    assert all(c.line_start == 3 for c in chunks[1:-1])
    assert chunks[-1].line_end == 4
    assert all(ends_sentence(c.text) for c in chunks[:-1])


# --- any text at all ---------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        "# ",
        "## ",
        "###",
        "(12:23)",
        "-----",
        "#####33",
        "*****",
        "=====",
        "........",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        " - ",
        "   - ",
        "\t",
        "1. ",
        "a) ",
        "<p>",
        "</P>",
        "<br/>",
        "<",
        "p>",
        "**",
        "*",
        "&lt;",
        "&amp;",
        "\x00",
        "\ufeff",
        "\u2028",
        "```",
        "Spot Fleets",
        "EC2 - VM",
        "Los datos persisten.",
        "The quick brown fox. ",
        "ñ",
        " ",
    ]
)
_NOTE_LIKE = st.lists(_FRAGMENTS | st.text(max_size=30), max_size=80).map("".join)
_MARKUP = st.lists(
    st.sampled_from(["<", ">", "p", "P>", "p>", "<p>", "</", "br", "/>", "*", "**", " ", "&lt;"]),
    max_size=24,
).map("".join)
_HUGE_LINES = st.builds(
    lambda unit, times: unit * times,
    st.text(min_size=1, max_size=12),
    st.integers(min_value=50, max_value=4000),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), _NOTE_LIKE, _MARKUP, _HUGE_LINES))
@example("<<p>p>")  # removing the inner tag must not assemble a new one
@example("<**p>**")
@example("*<p>*")
@example("&lt;p&gt;")
@example("# \n## (12:23)\n-----\n\x00\n")
@example("```\x1b\n0")  # a control character in a fence's info string
def test_any_text_gives_valid_chunks(text):
    chunks = chunk_text("notes/any.md", text)
    assert_chunk_invariants(chunks, len(split_lines(text)))
    assert all(chunk.source == "notes/any.md" for chunk in chunks)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_NOTE_LIKE, _MARKUP, _HUGE_LINES))
@example("# # \n*****```*")  # Markdown reads the stars as emphasis; clean_inline only drops "**"
@example("# 0\r0*0*")  # emphasis inside a line, not only at its end
def test_chunk_lines_come_from_their_line_range(text):
    """Text is only ever cleaned and cut, never invented: lines come from the chunk's range.
    A chunk ends where its last line ends, at a sentence end, or, when a line had to be cut
    without one, only after a long stretch of text."""
    lines = split_lines(text)

    def same_brackets(value: str) -> str:  # "&lt;" decodes to "<" in Markdown, "‹" in outlines
        return value.replace("‹", "<").replace("›", ">")

    def without_emphasis(value: str) -> str:  # Markdown reads "0*0*" as "0" and emphasised "0"
        return value.replace("*", "").replace("_", "")

    for chunk in chunk_text("n.txt", text):
        in_range = same_brackets(
            " ".join(clean_inline(line) for line in lines[chunk.line_start - 1 : chunk.line_end])
        )
        for line in chunk.text.split("\n"):
            assert without_emphasis(same_brackets(line.strip())) in without_emphasis(in_range)
        last = same_brackets(chunk.text.split("\n")[-1].strip())
        source_line = same_brackets(clean_inline(lines[chunk.line_end - 1]))
        # emphasis markers are the parser's to remove (a Markdown file's "*a*" ends in "a")
        ends_its_line = (
            without_emphasis(source_line).rstrip().endswith(without_emphasis(last).rstrip())
        )
        assert ends_its_line or ends_sentence(last) or len(chunk.text) >= MAX_CHARS // 4 - 2


@settings(max_examples=500, deadline=None)
@given(_MARKUP)
def test_cleaning_never_leaves_tags_or_bold_markers(text):
    clean = clean_inline(text).lower()
    assert "<p>" not in clean and "</p>" not in clean and "<br>" not in clean and "**" not in clean


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=4000))
def test_any_bytes_decode_and_chunk(data):
    text = decode_note_bytes(data, "blob.md")
    assert_chunk_invariants(chunk_text("blob.md", text), len(split_lines(text)))


def test_small_sections_merged_into_one_chunk_keep_the_heading_of_each_line():
    text = (
        "# Cell biology\n\n## Mitochondria\nThey make ATP.\n\n## Ribosomes\nThey make proteins.\n"
    )
    [chunk] = chunk_text("cells.md", text)
    lines = text.split("\n")
    atp, proteins = lines.index("They make ATP.") + 1, lines.index("They make proteins.") + 1
    assert chunk.path_at(atp)[-1] == "Mitochondria"
    assert chunk.path_at(proteins)[-1] == "Ribosomes"
    # and they survive the index's chunks.json
    from index.store import chunk_from_json, chunk_to_json

    assert chunk_from_json(chunk_to_json(chunk)) == chunk


def test_each_line_of_a_chunk_knows_the_file_line_it_came_from():
    text = (
        "# Cell biology\n\n## Mitochondria\nThey make ATP.\n\n\n## Ribosomes\nThey make proteins.\n"
    )
    [chunk] = chunk_text("cells.md", text)
    lines = text.split("\n")
    for offset, line in enumerate(chunk.text.split("\n")):
        if line.strip():
            assert lines[chunk.source_line(offset) - 1] == line, (offset, line)
    # over the shipped notes: a line of text that starts with a word is on the line it names
    checked = missed = 0
    for chunk in load_chunks(CORPUS):
        file_lines = (CORPUS / chunk.source).read_text(encoding="utf-8").split("\n")
        for offset, line in enumerate(chunk.text.split("\n")):
            if len(line) >= 12 and line[:6].isalpha():
                checked += 1
                missed += line[:6] not in file_lines[chunk.source_line(offset) - 1]
    assert checked > 500 and missed <= checked // 100, (checked, missed)
