"""The long-lived objects every handler needs (settings, searcher, database, search memory)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from index.model import Chunk, SearchResult

if TYPE_CHECKING:
    from bot.core.search import SearchMemory
    from bot.db.session import Database
    from bot.settings import Settings


class SearcherLike(Protocol):
    """What the core needs of ``index.search.Searcher`` (blocking: use asyncio.to_thread)."""

    def search(self, query: str, limit: int = 5) -> SearchResult: ...

    def chunk(self, chunk_id: str) -> Chunk | None: ...

    def chunks(self) -> list[Chunk]: ...


@dataclass
class AppServices:
    """Shared by the Telegram adapter (``bot_data["services"]``) and the terminal chat."""

    settings: Settings
    searcher: SearcherLike
    db: Database | None
    searches: SearchMemory  # the search buttons' queries; saved to ``db`` when there is one
    extra: dict[str, Any] = field(default_factory=dict)  # other features' long-lived objects


async def open_services(settings: Settings) -> AppServices:
    """Start-up: make sure the index is current (off the event loop), open the searcher, and
    start the database (migrations to head)."""
    import asyncio

    from bot.core.search import SearchMemory
    from bot.db.session import Database
    from index.search import open_searcher
    from index.store import ensure_index

    await asyncio.to_thread(ensure_index, settings.corpus_dir, settings.index_dir)
    searcher = await asyncio.to_thread(open_searcher, settings.index_dir)
    db = Database(settings.effective_database_url)
    await db.start()
    return AppServices(settings=settings, searcher=searcher, db=db, searches=SearchMemory())


async def close_services(services: AppServices) -> None:
    """Shut-down: close the database (the searcher needs no closing)."""
    if services.db is not None:
        await services.db.close()
    close = getattr(services.searcher, "close", None)
    if callable(close):
        close()
