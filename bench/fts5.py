"""A baseline to measure Studybot's search against: SQLite FTS5 with bm25 over the same chunks."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Sequence

from index.model import Chunk

TOKENIZER = "porter unicode61 remove_diacritics 2"
# bm25 column weights, in column order (title, path, text): headings count a little more.
COLUMN_WEIGHTS = (2.0, 1.0, 1.0)
_WORD = re.compile(r"\w+", re.UNICODE)


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
