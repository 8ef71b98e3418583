"""Plain data types shared by the indexer, the search and the quiz generator."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, weakref_slot=True)  # weak: decoded on demand, see chunk_records
class Chunk:
    """One answer-sized passage of the notes: a lecture or topic, or a piece of a long one."""

    id: str  # stable: derived from source + path + text, not from position
    source: str  # path relative to the corpus folder, with forward slashes
    line_start: int  # 1-based, inclusive
    line_end: int  # 1-based, inclusive
    path: tuple[str, ...]  # heading path, outermost first: ("STORAGE SERVICES", "S3 Object Lock")
    title: str  # the innermost heading, or the topic line
    text: str  # clean text: no <p>, no **, tidy whitespace; lines kept
    lang: str  # "en" or "es"
    # searchable metadata, indexed with the headings: the note's aliases and tags, and the
    # titles of tiny sections merged into this chunk
    keywords: tuple[str, ...] = ()
    # 0 for a section's first (or only) chunk; 1, 2, ... for the later pieces of a long one
    part: int = 0
    # where each small section merged into this chunk starts, with its heading path:
    # ((first line, path), ...) in line order; empty when the chunk is one section
    sections: tuple[tuple[int, tuple[str, ...]], ...] = ()

    # where the file's line numbering jumps inside ``text`` (a heading or a blank line left
    # out): ((line of text, line of the file), ...); empty when text line i is line_start + i
    line_runs: tuple[tuple[int, int], ...] = ()

    def source_line(self, offset: int) -> int:
        """The line of the note file that line ``offset`` (0-based) of ``text`` came from."""
        at, number = 0, self.line_start
        for run_at, run_number in self.line_runs:
            if run_at > offset:
                break
            at, number = run_at, run_number
        return max(self.line_start, min(number + offset - at, self.line_end))

    def path_at(self, line: int) -> tuple[str, ...]:
        """The heading path that covers ``line`` of the note (a merged section's own)."""
        covering = self.path
        for first, path in self.sections:
            if first <= line:
                covering = path
        return covering

    @property
    def breadcrumb(self) -> str:
        return " › ".join(self.path) if self.path else self.title


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked search result."""

    rank: int  # 1-based
    score: float
    chunk: Chunk
    snippet: str  # safe Telegram HTML: <b>…</b> and <pre><code>; &, <, > escaped elsewhere
    # the heading path over the snippet, when it lies in a small section merged into the chunk
    # (the chunk's own path otherwise)
    path: tuple[str, ...] = ()

    @property
    def breadcrumb(self) -> str:
        return " › ".join(self.path) if self.path else self.chunk.breadcrumb


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Everything a caller needs to answer one query."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None  # "did you mean" query, when the query looks misspelt
