"""What the security review planted never becomes searchable: a link to /proc/self/environ (the
bot's token), links to files and folders inside and outside the notes, device files, FIFOs and
binary content under a note's name; in the shipped notes' folder and in a chat's notes (the
folder it is laid out in, and ``studybot notes add`` reading a path)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from bot.core.notebook_cache import build_index, lay_out
from bot.features.notebooks.intake import Limits, NotAccepted, read_path
from index.corpus import NotANoteError, discover_note_files, read_note_bytes
from index.search import open_searcher
from index.store import ensure_index

SECRET = "quokkasecrettoken"
LIMITS = Limits(
    download_bytes=1_000_000,
    notes_bytes=1_000_000,
    note_files=50,
    zip_bytes=1_000_000,
    zip_members=50,
)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _plant_device(path: Path) -> bool:
    """A character device (like /dev/zero) at ``path``; False where this user may not make one."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        return False
    return True


def _plant_everything(notes: Path, outside: Path) -> None:
    _write(outside / "secret.md", f"# Secret\nThe token is {SECRET}.\n")
    (notes / "env.txt").symlink_to("/proc/self/environ")
    (notes / "passwd.md").symlink_to("/etc/passwd")
    (notes / "outside.md").symlink_to(outside / "secret.md")
    (notes / "outside-folder").symlink_to(outside, target_is_directory=True)
    (notes / "inside.md").symlink_to(notes / "real.md")
    (notes / "inside-folder").symlink_to(notes / "sub", target_is_directory=True)
    os.mkfifo(notes / "pipe.md")
    _plant_device(notes / "zero.md")
    (notes / "binary.md").write_bytes(b"\x00\x01\x02\x03" * 4000 + SECRET.encode())


@pytest.fixture
def planted(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f"4242:{SECRET}")  # what /proc/self/environ holds
    notes = tmp_path / "notes"
    _write(notes / "real.md", "# Real\nQueues hold messages until a consumer reads them.\n")
    _write(notes / "sub" / "deeper.md", "# Deeper\nLeases expire after a timeout.\n")
    _plant_everything(notes, tmp_path / "outside")
    return notes


def test_only_the_real_notes_of_a_planted_folder_are_found(planted, caplog):
    with caplog.at_level(logging.WARNING, logger="index.corpus"):
        found = discover_note_files(planted)
    assert [p.relative_to(planted).as_posix() for p in found] == [
        "binary.md",  # a regular file: skipped when read, for its content
        "real.md",
        "sub/deeper.md",
    ]
    for name in ("env.txt", "passwd.md", "outside.md", "outside-folder", "inside.md", "pipe.md"):
        assert name in caplog.text


def test_nothing_planted_in_the_notes_folder_is_searchable(planted, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        ensure_index(planted, tmp_path / "index")
    searcher = open_searcher(tmp_path / "index")
    assert searcher.search("consumer").hits and searcher.search("leases").hits
    for word in (SECRET, "TELEGRAM_BOT_TOKEN", "root", "token"):
        assert not searcher.search(word).hits, word
    assert {chunk.source for chunk in searcher.chunks()} == {"real.md", "sub/deeper.md"}
    assert "binary.md" in caplog.text and "binary content" in caplog.text


def test_nothing_planted_in_a_chats_notes_folder_is_searchable(planted, tmp_path):
    root = tmp_path / "notebooks" / "42" / "key"
    lay_out(root, {"real.md": b"# Real\nQueues hold messages until a consumer reads them.\n"})
    _plant_everything(root / "notes", tmp_path / "outside2")
    searcher = build_index(root)
    assert searcher.search("consumer").hits
    assert not searcher.search(SECRET).hits and not searcher.search("TELEGRAM_BOT_TOKEN").hits
    assert {chunk.source for chunk in searcher.chunks()} == {"real.md"}


def test_studybot_notes_add_reads_no_link_device_or_proc_path(planted, tmp_path):
    intake = read_path(planted, LIMITS)
    assert sorted(intake.files) == ["real.md", "sub/deeper.md"]  # binary.md skipped
    assert all(SECRET.encode() not in content for content in intake.files.values())
    for refused in (
        Path("/proc/self/environ"),
        Path("/dev/zero"),
        planted / "env.txt",
        planted / "outside.md",
        planted / "outside-folder",
        planted / "pipe.md",
    ):
        with pytest.raises(NotAccepted):
            read_path(refused, LIMITS)


def test_a_device_file_is_refused_by_the_reader(tmp_path):
    device = tmp_path / "zero.md"
    target = device if _plant_device(device) else Path("/dev/zero")
    with pytest.raises(NotANoteError):
        read_note_bytes(target)
