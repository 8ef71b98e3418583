"""The chunks of a notes folder as a stream, file by file and, for a big file, piece by piece, so
building an index holds one piece of one file in memory, not the whole notes.

A file up to ``PIECE_CHARS`` long is chunked whole, exactly as ``index.chunker.load_chunks``
does; a longer one is read by ``index.corpus.iter_note_pieces`` (pieces end before a heading)
and each piece chunked on its own, its lines numbered in the file and its passages under the
note's title. ``NoteLimits`` bounds the bytes read per file and per notebook, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from index.chunker import chunk_id, chunk_text, note_folders, note_title
from index.corpus import (
    PIECE_CHARS,
    NoteLimits,
    discover_note_files,
    iter_note_pieces,
    note_source,
)
from index.model import Chunk
from index.parse_markdown import NoteMeta

log = logging.getLogger(__name__)


def stream_chunks(
    corpus_dir: Path, limits: NoteLimits | None = None, piece_chars: int = PIECE_CHARS
) -> Iterator[Chunk]:
    """Every chunk of every note file under ``corpus_dir``, files in sorted order; never raises
    on file content (unreadable or broken files are skipped with a warning)."""
    limits = limits or NoteLimits()
    root = Path(corpus_dir)
    files = discover_note_files(root)
    budget = limits.notebook_bytes
    for number, path in enumerate(files):
        source = note_source(path, root)
        try:
            size = path.stat().st_size
        except OSError as error:
            log.warning("skipping %s: cannot read it (%s)", source, error)
            continue
        if budget <= 0:
            log.warning(
                "the notes passed %d bytes: %d files left out, from %s on "
                "(STUDYBOT_MAX_NOTEBOOK_BYTES raises the limit)",
                limits.notebook_bytes,
                len(files) - number,
                source,
            )
            return
        limit = min(limits.file_bytes, budget)
        if limit < limits.file_bytes and size > limit:
            log.warning(
                "the notes passed %d bytes: only the first %d bytes of %s are indexed "
                "(STUDYBOT_MAX_NOTEBOOK_BYTES raises the limit)",
                limits.notebook_bytes,
                limit,
                source,
            )
        budget -= min(size, limit)
        try:
            yield from _file_chunks(path, source, limit, piece_chars)
        except OSError as error:
            log.warning("skipping %s: cannot read it (%s)", source, error)
        except Exception:  # a parser bug must not stop the whole index
            log.exception("skipping %s: could not parse it", source)


def _file_chunks(path: Path, source: str, limit: int, piece_chars: int) -> Iterator[Chunk]:
    pieces = iter_note_pieces(path, limit, piece_chars)
    first = next(pieces, None)
    if first is None:
        return
    second = next(pieces, None)
    if second is None:  # the common case: the whole note at once
        yield from chunk_text(source, first[1])
        return
    depth = len(note_folders(source))
    default_title = note_title(source, NoteMeta(), [])
    title: str | None = None
    seen: dict[str, int] = {}
    for offset, piece in _chain(first, second, pieces):
        for chunk in chunk_text(source, piece):
            heading = chunk.path
            if title is None:
                title = heading[depth] if len(heading) > depth else default_title
            elif len(heading) > depth and heading[depth] != title:
                # a later piece knows no front matter or H1: put it under the note's title
                rest = heading[depth + 1 :] if heading[depth] == default_title else heading[depth:]
                heading = (*heading[:depth], title, *rest)
            base = chunk_id(source, heading, chunk.text)
            occurrence = seen.get(base, 0)
            seen[base] = occurrence + 1
            yield replace(
                chunk,
                id=chunk_id(source, heading, chunk.text, occurrence) if occurrence else base,
                path=heading,
                line_start=chunk.line_start + offset,
                line_end=chunk.line_end + offset,
            )


def _chain(
    first: tuple[int, str], second: tuple[int, str], rest: Iterator[tuple[int, str]]
) -> Iterator[tuple[int, str]]:
    yield first
    yield second
    yield from rest
