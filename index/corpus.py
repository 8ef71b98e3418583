"""Find the note files in a corpus folder and read them as text, whatever their bytes.

Only ``.md`` and ``.txt`` files count; anything else is skipped with a warning. Reading never
fails on content: a BOM is honoured, undecodable bytes become U+FFFD (with a warning), and very
large files are truncated (with a warning) so one odd file cannot stall the indexer.
"""

from __future__ import annotations

import codecs
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

NOTE_SUFFIXES = frozenset({".md", ".txt"})
MAX_FILE_BYTES = 32 * 1024 * 1024  # larger files are read up to this size, with a warning

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def discover_note_files(corpus_dir: Path) -> list[Path]:
    """Every ``.md``/``.txt`` file under ``corpus_dir`` (sub-folders too), sorted by relative path.

    Hidden files and folders (a leading dot, e.g. ``.git``) are ignored silently; other files are
    skipped with a warning. A missing folder yields an empty list and a warning.
    """
    root = Path(corpus_dir)
    if not root.is_dir():
        log.warning("corpus folder %s does not exist or is not a folder", root)
        return []
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            relative = path.relative_to(root).as_posix()
            if path.suffix.lower() not in NOTE_SUFFIXES:
                log.warning("skipping %s: not a note file (only .md and .txt are read)", relative)
                continue
            if not path.is_file():
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


def read_note_text(path: Path) -> str:
    """The text of a note file; raises only ``OSError`` (e.g. unreadable), never on content."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        log.warning("%s is larger than %d bytes: only the start is read", path, MAX_FILE_BYTES)
        data = data[:MAX_FILE_BYTES]
    return decode_note_bytes(data, str(path))


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
