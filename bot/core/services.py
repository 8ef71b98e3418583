"""The long-lived objects every use case needs, in one typed container: the settings, the
database, the notebooks (a searcher and a question bank per notebook id), the search buttons'
memory, the quiz polls being sent, and the locks that keep one-at-a-time work one at a time."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.index_health import IndexHealth
from bot.core.notebook_cache import IndexOptions
from bot.core.notebooks import Notebook, NotebookRegistry
from bot.core.polls_in_flight import PollsInFlight
from bot.core.search_memory import SearchMemory
from bot.db.claims import UpdateClaims
from bot.db.marks import InboxMarks
from bot.db.session import Database
from bot.settings import Settings
from index.search import open_searcher
from index.store import ensure_index


@dataclass
class AppServices:
    """Shared by the Telegram adapter (typed ``bot_data``) and the terminal chat."""

    settings: Settings
    db: Database
    notebooks: NotebookRegistry
    searches: SearchMemory = field(default_factory=SearchMemory)
    polls_in_flight: PollsInFlight = field(default_factory=PollsInFlight)
    reindex_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    daily_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    notes_being_read: set[int] = field(default_factory=set)  # chats whose upload is being read
    index_health: IndexHealth = field(default_factory=IndexHealth)  # repairs, for /status
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    instance_id: str = field(default_factory=lambda: new_instance_id())  # who holds a claim
    stopping: asyncio.Event = field(default_factory=asyncio.Event)  # set when shutdown begins
    claims: UpdateClaims = field(init=False)  # group commit of update receipts, on ``db``
    inbox_marks: InboxMarks = field(init=False)  # group commit of replies sent, done, dead

    def __post_init__(self) -> None:
        self.claims = UpdateClaims(self.db)
        self.inbox_marks = InboxMarks(
            self.db, retry_bound_s=self.settings.storage_retry_s, searches=self.searches
        )

    def notebook_for(self, chat_id: int) -> Notebook:
        """The notebook ``chat_id`` studies."""
        return self.notebooks.for_chat(chat_id)


def new_instance_id() -> str:
    """This process's name in the claims it holds: host, pid and a random part."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"


async def open_services(settings: Settings) -> AppServices:
    """Start-up: make sure the index is current and passes its check (off the event loop; a
    broken one is rebuilt in a thread while the last good generation serves), open the
    searcher, and start the database (migrations to head)."""
    health = IndexHealth()
    await asyncio.to_thread(
        ensure_index,
        settings.corpus_dir,
        settings.index_dir,
        limits=settings.note_limits,
        heal_in_background=True,
        on_repair=health.record,
    )
    searcher = await asyncio.to_thread(open_searcher, settings.index_dir)
    db = Database(settings.effective_database_url)
    await db.start()
    options = IndexOptions(limits=settings.note_limits, on_repair=health.record)
    budget = int(settings.notebook_memory_mb * 1024 * 1024)
    notebooks = NotebookRegistry.of(searcher, memory_budget=budget, index_options=options)
    return AppServices(settings=settings, db=db, notebooks=notebooks, index_health=health)


async def close_services(services: AppServices) -> None:
    """Shut-down: close the database and the notebooks."""
    await services.db.close()
    services.notebooks.close()
