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
    searches: SearchMemory
    extra: dict[str, Any] = field(default_factory=dict)  # other features' long-lived objects
