"""Big notes stream: a file is read and chunked piece by piece (pieces end before a heading and
never inside a code fence), with the same passages as chunking it whole where it fits in one
piece, its line numbers kept, and the per-file and per-notebook limits warned about."""

from __future__ import annotations

import logging
from pathlib import Path

from index.chunker import load_chunks
from index.corpus import NoteLimits, iter_note_pieces
from index.search import open_searcher
from index.store import ensure_index
from index.streaming import stream_chunks

SHIPPED = Path(__file__).resolve().parents[1] / "corpus"


def _big_note(sections: int) -> str:
    parts = ["---\ntitle: Distributed systems\n---\n"]
    for number in range(sections):
        parts.append(
            f"## Topic {number}\n\nTopic {number} explains replica{number} placement and the "
            f"quorum it needs.\nA second line about leases for topic {number}.\n\n"
            "```python\n\ndef f():\n\n    return 1\n```\n\n"
        )
    return "".join(parts)


def test_pieces_rejoin_to_the_file_and_end_before_headings_outside_fences(tmp_path):
    note = tmp_path / "big.md"
    text = _big_note(400)
    note.write_text(text.replace("\n", "\r\n"), encoding="utf-8")  # CRLF: lines as editors count

    pieces = list(iter_note_pieces(note, piece_chars=2000))

    assert len(pieces) > 10
    assert "\n".join(piece for _, piece in pieces) == text
    lines_before = 0
    for offset, piece in pieces:
        assert offset == lines_before
        lines_before += piece.count("\n") + 1
    for _, piece in pieces[1:]:
        assert piece.startswith("## Topic")  # never cut inside a fence or mid-section


def test_a_file_that_fits_one_piece_chunks_exactly_as_a_whole(tmp_path):
    assert list(stream_chunks(SHIPPED)) == load_chunks(SHIPPED)


def test_a_file_read_in_pieces_keeps_its_title_lines_and_unique_ids(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    text = _big_note(300)
    (notes / "big.md").write_text(text, encoding="utf-8")
    lines = text.split("\n")

    chunks = list(stream_chunks(notes, piece_chars=3000))

    assert len({chunk.id for chunk in chunks}) == len(chunks)
    assert all(chunk.path[0] == "Distributed systems" for chunk in chunks)
    last = next(chunk for chunk in chunks if "replica299 " in chunk.text)
    covered = "\n".join(lines[last.line_start - 1 : last.line_end])
    assert "replica299 placement" in covered and last.line_start > 2000
    first_line = last.text.split("\n", 1)[0]
    start = last.line_start - 1
    if lines[start].startswith("#"):  # a section's first chunk starts at its heading
        assert lines[start].lstrip("# ") == last.title
        start = next(i for i in range(start + 1, len(lines)) if lines[i].strip())
    assert first_line in lines[start]
    assert {f"replica{n}" for n in range(300)} <= {
        word for chunk in chunks for word in chunk.text.split()
    }


def test_the_file_limit_keeps_the_start_of_a_big_file_with_a_warning(tmp_path, caplog):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "big.md").write_text(_big_note(3000) + "tailmarkerword\n", encoding="utf-8")
    (notes / "small.md").write_text("# Small\nLeases expire.\n", encoding="utf-8")

    with caplog.at_level(logging.WARNING):
        info = ensure_index(notes, tmp_path / "index", limits=NoteLimits(file_bytes=50_000))

    assert "big.md" in caplog.text and "STUDYBOT_MAX_NOTE_FILE_BYTES" in caplog.text
    searcher = open_searcher(tmp_path / "index")
    assert searcher.search("replica3 placement").hits
    assert not searcher.search("tailmarkerword").hits
    assert searcher.search("leases expire").hits and info.file_count == 2


def test_the_notebook_limit_leaves_out_later_files_with_a_warning(tmp_path, caplog):
    notes = tmp_path / "notes"
    notes.mkdir()
    for number in range(5):
        (notes / f"n{number}.md").write_text(f"# N{number}\n" + "word " * 400, encoding="utf-8")

    with caplog.at_level(logging.WARNING):
        chunks = list(stream_chunks(notes, NoteLimits(notebook_bytes=4500)))

    assert {chunk.source for chunk in chunks} == {"n0.md", "n1.md", "n2.md"}
    assert "STUDYBOT_MAX_NOTEBOOK_BYTES" in caplog.text and "n3.md" in caplog.text


def test_a_change_of_limits_rebuilds_the_index(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A\nSome words.\n", encoding="utf-8")
    assert ensure_index(notes, tmp_path / "index").built
    assert not ensure_index(notes, tmp_path / "index").built
    assert ensure_index(notes, tmp_path / "index", limits=NoteLimits(file_bytes=10)).built
