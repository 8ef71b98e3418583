"""Hostile notes folders: links out of the folder, FIFOs, special files and huge files are
skipped or bounded with a warning, and what they hold never becomes searchable."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from index.chunker import load_chunks
from index.corpus import NoteLimits, discover_note_files, read_note_text
from index.search import open_searcher
from index.store import ensure_index
from index.streaming import stream_chunks

SECRET = "zanzibarsecretword"


def _note(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _searchable(notes: Path, index_dir: Path, word: str) -> bool:
    ensure_index(notes, index_dir)
    return bool(open_searcher(index_dir).search(word, limit=5).hits)


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A notes folder with one real note and a link, a linked folder and a FIFO planted in it."""
    outside = tmp_path / "outside"
    _note(outside / "secret.md", f"# Secret\nThe password is {SECRET}.\n")
    notes = tmp_path / "notes"
    _note(notes / "real.md", "# Real\nQueues hold messages until a consumer reads them.\n")
    (notes / "link.md").symlink_to(outside / "secret.md")
    (notes / "linked-folder").symlink_to(outside, target_is_directory=True)
    (notes / "inside-link.md").symlink_to(notes / "real.md")
    os.mkfifo(notes / "pipe.md")
    return notes


def test_links_and_fifos_are_skipped_with_a_warning(planted: Path, caplog):
    with caplog.at_level(logging.WARNING, logger="index.corpus"):
        files = discover_note_files(planted)
    assert [path.name for path in files] == ["real.md"]
    for name in ("link.md", "linked-folder", "inside-link.md", "pipe.md"):
        assert name in caplog.text


def test_content_behind_a_link_or_fifo_is_not_searchable(planted: Path, tmp_path: Path):
    assert _searchable(planted, tmp_path / "index", "consumer")
    assert not _searchable(planted, tmp_path / "index", SECRET)


def test_reading_a_link_directly_refuses_to_follow_it(planted: Path):
    with pytest.raises(OSError):
        read_note_text(planted / "link.md")
    with pytest.raises(OSError):
        read_note_text(planted / "pipe.md")  # a FIFO: refused at once, never blocks


def test_a_device_file_is_never_read(tmp_path: Path):
    with pytest.raises(OSError):
        read_note_text(Path("/dev/zero"))


def test_proc_is_not_a_notes_folder(caplog):
    with caplog.at_level(logging.WARNING, logger="index.corpus"):
        assert discover_note_files(Path("/proc/self")) == []
    assert "system folder" in caplog.text


def test_twenty_megabyte_markdown_file_is_bounded_with_a_warning(tmp_path: Path, caplog):
    paragraph = "Consensus needs a majority of replicas to agree on each entry.\n\n"
    body = "# Huge\n\n" + paragraph * (20_000_000 // len(paragraph))
    notes = tmp_path / "notes"
    _note(notes / "huge.md", body + "tailmarkerword\n")
    _note(notes / "small.md", "# Small\nA small note about leases.\n")
    limits = NoteLimits(file_bytes=1024 * 1024)  # the default is larger; the path is the same

    with caplog.at_level(logging.WARNING, logger="index.corpus"):
        info = ensure_index(notes, tmp_path / "index", limits=limits)

    assert "huge.md" in caplog.text and "only its first" in caplog.text
    assert "STUDYBOT_MAX_NOTE_FILE_BYTES" in caplog.text
    searcher = open_searcher(tmp_path / "index")
    huge = [chunk for chunk in searcher.chunks() if chunk.source == "huge.md"]
    assert huge and sum(len(chunk.text) for chunk in huge) <= limits.file_bytes
    assert searcher.search("majority of replicas").hits
    assert not searcher.search("tailmarkerword").hits
    assert searcher.search("leases").hits[0].chunk.source == "small.md"  # no file lost
    assert info.file_count == 2


def test_ten_thousand_tiny_files_are_all_indexed(tmp_path: Path):
    for number in range(10_000):
        _note(tmp_path / f"d{number % 50}" / f"n{number}.md", f"note {number} word{number}\n")
    chunks = load_chunks(tmp_path)
    assert len({chunk.source for chunk in chunks}) == 10_000
    assert [chunk.id for chunk in stream_chunks(tmp_path)] == [chunk.id for chunk in chunks]


def test_deeply_nested_folders_are_walked(tmp_path: Path):
    folder = tmp_path
    for depth in range(200):
        folder = folder / f"d{depth}"
    _note(folder / "deep.md", "# Deep\nThe deepest note.\n")
    (chunk,) = load_chunks(tmp_path)
    assert chunk.source.endswith("d199/deep.md")
    assert list(stream_chunks(tmp_path)) == [chunk]  # the path the index takes
