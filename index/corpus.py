"""Find the note files in a corpus folder and read them as text, whatever their bytes.

Only regular ``.md`` and ``.txt`` files inside the folder count. Symlinks are never followed (a
link could point at a secret outside the notes), and devices, FIFOs and sockets are never
opened; each is skipped with a warning. Reading never fails on content: a BOM is honoured,
undecodable bytes become U+FFFD (with a warning), binary content under a note's name is skipped
(with a warning), and a file larger than ``MAX_FILE_BYTES`` is read only up to that size (with a
warning), so one odd file cannot stall the indexer or fill its memory.
"""

from __future__ import annotations

import codecs
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

NOTE_SUFFIXES = frozenset({".md", ".txt"})
# Larger files are read up to this size, with a warning: a 2 MiB note is a book, and a bound
# keeps build time and memory flat whatever lands in the folder.
MAX_FILE_BYTES = 2 * 1024 * 1024
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


class NotANoteError(OSError):
    """The path is not a readable note: a link, a device, a FIFO, or binary content."""


def _is_system_folder(root: Path) -> bool:
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
    if _is_system_folder(root):
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


def read_note_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Up to ``limit`` bytes of a regular file, opened without following a symlink and without
    blocking on a FIFO; raises ``NotANoteError`` for anything else, ``OSError`` if unreadable."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if os.path.islink(path):
            raise NotANoteError(f"{path} is a symlink") from error
        raise
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotANoteError(f"{path} is not a regular file")
        return handle.read(limit + 1)


def read_note_text(path: Path) -> str:
    """The text of a note file; raises only ``OSError`` (unreadable, a link, a special file or
    binary content: ``NotANoteError``), never on content."""
    data = read_note_bytes(path)
    if len(data) > MAX_FILE_BYTES:
        log.warning(
            "%s is larger than %d bytes: only its first %d bytes are indexed",
            path,
            MAX_FILE_BYTES,
            MAX_FILE_BYTES,
        )
        data = data[:MAX_FILE_BYTES]
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
