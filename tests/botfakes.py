"""Test doubles for the bot core: an in-memory searcher with hand-made chunks (no Whoosh), and
services on a fresh, migrated SQLite file (copied from one template migrated per test run)."""

from __future__ import annotations

import atexit
import html
import re
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.core.notebooks import NotebookRegistry
from bot.core.services import AppServices
from bot.db.migrate import upgrade
from bot.db.session import Database
from bot.settings import Settings
from index.model import Chunk, Hit, SearchResult

_FOLDER = Path(tempfile.mkdtemp(prefix="studybot-test-dbs-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
_TEMPLATE = _FOLDER / "template.db"
_TEMPLATE_LOCK = threading.Lock()
_COPIES = iter(range(1, 10**9))


def fresh_database() -> Database:
    """A new SQLite database at the newest schema (no ``start()`` needed)."""
    with _TEMPLATE_LOCK:
        if not _TEMPLATE.exists():
            url = f"sqlite+aiosqlite:///{_TEMPLATE}"
            with ThreadPoolExecutor(1) as pool:  # asyncio.run, off any running event loop
                pool.submit(upgrade, url).result()
        path = _FOLDER / f"db-{next(_COPIES)}.sqlite"
        shutil.copyfile(_TEMPLATE, path)
    return Database(f"sqlite+aiosqlite:///{path}")


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


def services_for(searcher, db: Database | None = None, settings: Settings | None = None):
    """Services over ``searcher`` (the shipped-notes notebook) on ``db``, else a fresh database."""
    return AppServices(
        settings=settings or Settings(_env_file=None),
        db=db or fresh_database(),
        notebooks=NotebookRegistry.of(searcher),
    )
