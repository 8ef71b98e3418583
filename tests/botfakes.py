"""Test doubles for the bot core: an in-memory searcher with hand-made chunks (no Whoosh)."""

from __future__ import annotations

import html
import re

from bot.core.search import SearchMemory
from bot.core.services import AppServices
from bot.settings import Settings
from index.model import Chunk, Hit, SearchResult


def make_chunk(
    cid: str, title: str, text: str, *, path: tuple[str, ...] = (), line: int = 1
) -> Chunk:
    lines = text.count("\n") + 1
    return Chunk(
        id=cid,
        source="notes.txt",
        line_start=line,
        line_end=line + lines - 1,
        path=path or ("SECTION", title),
        title=title,
        text=text,
        lang="en",
    )


class ListSearcher:
    """Hits are the chunks containing every query word (case-insensitive), in list order."""

    def __init__(self, chunks: list[Chunk], suggestions: dict[str, str] | None = None) -> None:
        self._chunks = chunks
        self._suggestions = suggestions or {}
        self.calls: list[str] = []

    def search(self, query: str, limit: int = 5) -> SearchResult:
        self.calls.append(query)
        words = [w for w in re.findall(r"\w+", query.lower())]
        hits = []
        for chunk in self._chunks:
            haystack = (chunk.breadcrumb + " " + chunk.text).lower()
            if words and all(w in haystack for w in words):
                snippet = html.escape(chunk.text[:200])
                for w in words:
                    snippet = re.sub(f"({re.escape(w)})", r"<b>\1</b>", snippet, flags=re.I)
                hits.append(Hit(len(hits) + 1, 1.0 / (len(hits) + 1), chunk, snippet))
        return SearchResult(query, hits[:limit], self._suggestions.get(query.lower()))

    def chunk(self, chunk_id: str) -> Chunk | None:
        return next((c for c in self._chunks if c.id == chunk_id), None)

    def chunks(self) -> list[Chunk]:
        return list(self._chunks)


def services_for(searcher, db=None) -> AppServices:
    return AppServices(
        settings=Settings(_env_file=None), searcher=searcher, db=db, searches=SearchMemory()
    )
