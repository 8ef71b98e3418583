"""Find the note files in a corpus folder and read them as text, whatever their bytes.

Only regular ``.md`` and ``.txt`` files inside the folder count. Symlinks are never followed (a
link could point at a secret outside the notes), and devices, FIFOs and sockets are never
opened; each is skipped with a warning. Reading never fails on content: a BOM is honoured,
undecodable bytes become U+FFFD (with a warning), binary content under a note's name is skipped
(with a warning), and a file larger than ``MAX_FILE_BYTES`` is read only up to that size (with a
warning), so one odd file cannot stall the indexer or fill its memory. A big file is read as
a stream of pieces (``iter_note_pieces``), so indexing it needs memory for one piece, not the
file; ``NoteLimits`` bounds the bytes read per file and per notebook.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

NOTE_SUFFIXES = frozenset({".md", ".txt"})
# Larger files are read up to this size, with a warning: an 8 MiB note is a shelf of books, and
# a bound keeps build time flat whatever lands in the folder (memory is bounded by streaming).
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024  # all of a notebook's files together
PIECE_CHARS = 256 * 1024  # a file longer than this is parsed piece by piece
_READ_BLOCK = 1024 * 1024
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r" {0,3}(?:```|~~~)")
_BINARY_SAMPLE = 64 * 1024
_BINARY_SHARE = 0.3  # above this share of control or undecodable characters, a file is binary
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")
_SYSTEM_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class NoteLimits:
    """How much of the notes is read: bytes per file and per notebook (files in path order);
    what lies beyond is skipped with a warning naming the setting to raise."""

    file_bytes: int = MAX_FILE_BYTES
    notebook_bytes: int = MAX_NOTEBOOK_BYTES


class NotANoteError(OSError):
    """The path is not a readable note: a link, a device, a FIFO, or binary content."""


def is_system_path(root: Path) -> bool:
    """True for /proc, /sys and /dev and anything under them (after resolving links)."""
    resolved = root.resolve()
    return any(resolved == system or system in resolved.parents for system in _SYSTEM_ROOTS)


def discover_note_files(corpus_dir: Path) -> list[Path]:
    """Every regular ``.md``/``.txt`` file under ``corpus_dir`` (sub-folders too), sorted by
    relative path.

    Hidden files and folders (a leading dot, e.g. ``.git``) are ignored silently; symlinks,
    special files and other suffixes are skipped with a warning. A missing folder, or one under
    /proc, /sys or /dev, yields an empty list and a warning.
    """
    root = Path(corpus_dir)
    if not root.is_dir():
        log.warning("corpus folder %s does not exist or is not a folder", root)
        return []
    if is_system_path(root):
        log.warning("corpus folder %s is a system folder: nothing there is read", root)
        return []
    found: list[tuple[str, Path]] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            log.warning("skipping folder %s: cannot list it (%s)", folder, error)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            relative = path.relative_to(root).as_posix()
            if entry.is_symlink():
                log.warning("skipping %s: a symlink (links are never followed)", relative)
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
                continue
            if path.suffix.lower() not in NOTE_SUFFIXES:
                log.warning("skipping %s: not a note file (only .md and .txt are read)", relative)
                continue
            if not entry.is_file(follow_symlinks=False):
                log.warning("skipping %s: not a regular file", relative)
                continue
            found.append((relative, path))
    found.sort(key=lambda item: item[0])
    return [path for _, path in found]


def note_source(path: Path, corpus_dir: Path) -> str:
    """The ``Chunk.source`` of a note file: its path relative to the corpus folder, with ``/``.

    A file name that is not valid UTF-8 keeps U+FFFD in place of its bad bytes, so the source
    is always printable and storable as text.
    """
    try:
        relative = Path(path).relative_to(corpus_dir).as_posix()
    except ValueError:
        relative = Path(path).name
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _open_regular(path: Path) -> int:
    """A read-only descriptor of a regular file, opened without following a symlink and without
    blocking on a FIFO; ``NotANoteError`` for anything else, ``OSError`` if unreadable."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if os.path.islink(path):
            raise NotANoteError(f"{path} is a symlink") from error
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise NotANoteError(f"{path} is not a regular file")
    return descriptor


def read_note_bytes(path: Path, limit: int | None = None) -> bytes:
    """Up to ``limit`` (default ``MAX_FILE_BYTES``) bytes of a regular file, plus one more byte
    when it is longer; raises ``NotANoteError`` for a link or special file, ``OSError`` if
    unreadable."""
    limit = MAX_FILE_BYTES if limit is None else limit
    with os.fdopen(_open_regular(path), "rb") as handle:
        return handle.read(limit + 1)


def note_digest(path: Path) -> str:
    """The SHA-256 of a whole note file, read in blocks (never all of it at once)."""
    digest = hashlib.sha256()
    with os.fdopen(_open_regular(path), "rb") as handle:
        while block := handle.read(_READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def warn_file_limit(path: object, limit: int) -> None:
    log.warning(
        "%s is larger than %d bytes: only its first %d bytes are indexed "
        "(STUDYBOT_MAX_NOTE_FILE_BYTES raises the limit)",
        path,
        limit,
        limit,
    )


def read_note_text(path: Path, limit: int | None = None) -> str:
    """The text of a note file (its first ``limit`` bytes, default ``MAX_FILE_BYTES``); raises
    only ``OSError`` (unreadable, a link, a special file or binary content:
    ``NotANoteError``), never on content."""
    limit = MAX_FILE_BYTES if limit is None else limit
    data = read_note_bytes(path, limit)
    if len(data) > limit:
        warn_file_limit(path, limit)
        data = data[:limit]
    text = decode_note_bytes(data, str(path))
    if looks_binary(text):
        log.warning("skipping %s: binary content under a note's name", path)
        raise NotANoteError(f"{path} holds binary content")
    return text


def looks_binary(text: str) -> bool:
    """True when the start of ``text`` is mostly control or undecodable characters."""
    sample = text[:_BINARY_SAMPLE]
    if not sample:
        return False
    odd = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (ch < " " and ch not in _TEXT_CONTROLS) or ch == "\x7f"
    )
    return odd / len(sample) > _BINARY_SHARE


def decode_note_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode note bytes: BOM first, else UTF-8; bad bytes become U+FFFD with a warning."""
    encoding = "utf-8"
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            encoding = bom_encoding
            break
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        log.warning(
            "%s is not valid %s (first bad byte at offset %d): undecodable bytes replaced",
            name,
            encoding,
            error.start,
        )
        return data.decode(encoding, errors="replace")


def iter_note_pieces(
    path: Path, limit: int | None = None, piece_chars: int = PIECE_CHARS
) -> Iterator[tuple[int, str]]:
    """The text of a note file as ``(lines before it, piece)`` pairs, read and decoded in
    blocks: each piece is at most about ``piece_chars`` long and ends before a heading (else at
    a blank line) outside code fences, so a huge file is parsed one piece at a time. Line breaks
    come out as ``\\n``. Reads at most ``limit`` bytes (default ``MAX_FILE_BYTES``, a warning
    past it); raises like ``read_note_text`` (binary content is found in the first block)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    with os.fdopen(_open_regular(path), "rb") as handle:
        yield from _pieces(_decoded_blocks(handle, limit, str(path)), piece_chars)


def _decoded_blocks(handle: BinaryIO, limit: int, name: str) -> Iterator[str]:
    """Blocks of text, line breaks as ``\\n``: BOM honoured, bad bytes replaced (one warning)."""
    read = handle.read
    wanted = min(_READ_BLOCK, limit + 1)  # one byte past the limit tells a longer file
    raw = block = read(wanted)
    total = len(raw)
    encoding = "utf-8"
    for bom, bom_encoding in _BOMS:
        if block.startswith(bom):
            block = block[len(bom) :]
            encoding = bom_encoding
            break
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    pending_cr = ""
    checked = False
    while True:
        final = len(raw) < wanted  # a short read: the end of the file
        if total > limit:
            block = block[: len(block) - (total - limit)]
            warn_file_limit(name, limit)
            final = True
        try:
            text = decoder.decode(block, final=final)
        except UnicodeDecodeError as error:
            log.warning(
                "%s is not valid %s (a bad byte near offset %d): undecodable bytes replaced",
                name,
                encoding,
                total - len(block) + error.start,
            )
            buffered, _ = decoder.getstate()
            decoder = codecs.getincrementaldecoder(encoding)("replace")
            text = decoder.decode(buffered + block, final=final)
        text = pending_cr + text
        pending_cr = ""
        if text.endswith("\r") and not final:
            text, pending_cr = text[:-1], "\r"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not checked:
            checked = True
            if looks_binary(text):
                log.warning("skipping %s: binary content under a note's name", name)
                raise NotANoteError(f"{name} holds binary content")
        if text:
            yield text
        if final:
            return
        wanted = min(_READ_BLOCK, limit + 1 - total)
        raw = block = read(wanted)
        total += len(raw)


def _pieces(blocks: Iterator[str], piece_chars: int) -> Iterator[tuple[int, str]]:
    lines: list[str] = []
    size = 0
    cut_heading = cut_blank = 0  # line indexes where a piece may end (before that line)
    heading_at = blank_at = 0  # their character positions
    in_fence = False
    offset = 0  # lines emitted so far
    tail = ""
    for block in blocks:
        parts = (tail + block).split("\n")
        tail = parts.pop()
        for line in parts:
            if _FENCE.match(line):
                in_fence = not in_fence
            elif not in_fence and lines:
                if _ATX_HEADING.match(line):
                    cut_heading, heading_at = len(lines), size
                elif not line.strip():
                    cut_blank, blank_at = len(lines), size
            lines.append(line)
            size += len(line) + 1
            if size < piece_chars:
                continue
            if heading_at * 2 >= size:
                cut = cut_heading
            elif blank_at * 2 >= size:
                cut = cut_blank
            else:
                cut = len(lines)
            yield offset, "\n".join(lines[:cut])
            offset += cut
            lines = lines[cut:]
            size = sum(len(kept) + 1 for kept in lines)
            cut_heading = cut_blank = heading_at = blank_at = 0
    lines.append(tail)
    if offset == 0 or any(line.strip() for line in lines):
        yield offset, "\n".join(lines)
