"""A baseline to measure Studybot's search against: SQLite FTS5 with bm25 over naive chunks.

The baseline chunks are what a quick script would make: one per Markdown heading (a long
section cut every ``WINDOW_LINES`` lines at a blank line), raw text, and the file name in each
title, so a note whose subject is only its file name can still be found.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from index.corpus import discover_note_files, note_source, read_note_text
from index.model import Chunk

TOKENIZER = "porter unicode61 remove_diacritics 2"
# bm25 column weights, in column order (title, path, text): headings count a little more.
COLUMN_WEIGHTS = (2.0, 1.0, 1.0)
_WORD = re.compile(r"\w+", re.UNICODE)
_HEADING = re.compile(r" {0,3}#{1,6}[ \t]+(.+)")
WINDOW_LINES = 30


def heading_chunks(corpus_dir: Path) -> list[Chunk]:
    """The baseline's chunks of every note file: split at ``#`` headings, raw text, titled
    "file name › heading"."""
    root = Path(corpus_dir)
    chunks: list[Chunk] = []
    for path in discover_note_files(root):
        source = note_source(path, root)
        try:
            lines = read_note_text(path).splitlines()
        except OSError:
            continue
        name = Path(source).stem if Path(source).stem.lower() != "readme" else source
        for heading, start, end, body in _sections(lines):
            text = "\n".join(body).strip()
            if text:
                title = f"{name} › {heading}" if heading else name
                chunks.append(
                    Chunk(f"b{len(chunks)}", source, start, end, (name,), title, text, "")
                )
    return chunks


def _sections(lines: list[str]) -> list[tuple[str, int, int, list[str]]]:
    """(heading, first line, last line, lines) per heading, long ones cut at blank lines."""
    found: list[tuple[str, int, int, list[str]]] = []
    heading, start, body = "", 1, []
    for number, line in enumerate(lines, start=1):
        match = _HEADING.match(line)
        if match or (len(body) >= WINDOW_LINES and not line.strip()):
            found.append((heading, start, max(start, number - 1), body))
            heading = match.group(1).strip(" #") if match else heading
            start, body = number + 1, []
            continue
        if not body:
            start = number
        body.append(line)
    found.append((heading, start, max(start, len(lines)), body))
    return found


def fts5_available() -> bool:
    """True when this Python's SQLite was built with FTS5."""
    try:
        with sqlite3.connect(":memory:") as conn:
            conn.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    return True


def to_match_query(query: str) -> str:
    """Any user string as a valid FTS5 MATCH expression: its words, quoted, OR'ed ('' if none)."""
    words = _WORD.findall(query.casefold().replace("_", " "))
    return " OR ".join(f'"{word}"' for word in words)


class Fts5Index:
    """An in-memory FTS5 table over chunks; ``search`` returns the best chunks by bm25."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._chunks = list(chunks)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        self._conn.execute(
            f"CREATE VIRTUAL TABLE chunks USING fts5(title, path, text, tokenize='{TOKENIZER}')"
        )
        self._conn.executemany(
            "INSERT INTO chunks(rowid, title, path, text) VALUES (?, ?, ?, ?)",
            (
                (rowid, chunk.title, " › ".join(chunk.path), chunk.text)
                for rowid, chunk in enumerate(self._chunks)
            ),
        )
        self._conn.commit()
        weights = ", ".join(str(w) for w in COLUMN_WEIGHTS)
        self._sql = (
            f"SELECT rowid, bm25(chunks, {weights}) AS score FROM chunks "
            "WHERE chunks MATCH ? ORDER BY score LIMIT ?"
        )

    def __len__(self) -> int:
        return len(self._chunks)

    def search(self, query: str, limit: int = 5) -> list[Chunk]:
        """The best ``limit`` chunks for ``query`` (any string; never raises on input)."""
        match = to_match_query(query)
        if not match or limit <= 0:
            return []
        with self._lock:
            rows = self._conn.execute(self._sql, (match, limit)).fetchall()
        return [self._chunks[rowid] for rowid, _score in rows]

    def close(self) -> None:
        self._conn.close()
