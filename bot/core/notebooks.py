"""The notebooks the bot studies, each a searcher over some notes plus the question bank derived
from them, handed out by notebook id and by chat.

Today the registry holds one notebook, the shipped notes (``DEMO``), and every chat studies it.
Per-chat notes plug in behind ``for_chat`` without touching the features."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.question_bank import QuizBankHolder
from index.examples import example_queries
from index.model import Chunk, SearchResult

DEMO = "demo"


class SearcherLike(Protocol):
    """What the core needs of ``index.search.Searcher`` (blocking: use asyncio.to_thread)."""

    def search(self, query: str, limit: int = 5) -> SearchResult: ...

    def chunk(self, chunk_id: str) -> Chunk | None: ...

    def chunks(self) -> list[Chunk]: ...


@dataclass
class Notebook:
    """One set of notes: its searcher and the question bank built from its chunks."""

    id: str
    searcher: SearcherLike
    bank: QuizBankHolder = field(default_factory=QuizBankHolder)
    _examples: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def example_queries(self, lang: str) -> list[str]:
        """A few queries drawn from these notes' own titles (blocking the first time)."""
        if lang not in self._examples:
            self._examples[lang] = example_queries(self.searcher.chunks(), lang)
        return self._examples[lang]

    def start_bank(self) -> QuizBankHolder:
        """The bank holder, its build started (off the event loop) if it has not begun."""
        if self.bank.bank is None:
            self.bank.start(self.searcher.chunks)
        return self.bank


class NotebookRegistry:
    """Notebooks by id; ``for_chat`` says which one a chat studies."""

    def __init__(self, notebooks: Iterable[Notebook], default_id: str = DEMO) -> None:
        self._by_id = {notebook.id: notebook for notebook in notebooks}
        if default_id not in self._by_id:
            raise ValueError(f"no notebook {default_id!r}")
        self._default_id = default_id
        self._lock = threading.Lock()

    @classmethod
    def of(cls, searcher: SearcherLike) -> NotebookRegistry:
        """A registry holding only the shipped notes."""
        return cls([Notebook(DEMO, searcher)])

    @property
    def default(self) -> Notebook:
        return self._by_id[self._default_id]

    def get(self, notebook_id: str) -> Notebook | None:
        return self._by_id.get(notebook_id)

    def for_chat(self, chat_id: int) -> Notebook:
        """The notebook ``chat_id`` studies (today: the shipped notes for every chat)."""
        return self.default

    def replace_bank(self, notebook_id: str, holder: QuizBankHolder) -> None:
        """Swap in a rebuilt bank; readers keep the bank they already hold."""
        with self._lock:
            self._by_id[notebook_id].bank = holder

    def all(self) -> list[Notebook]:
        return list(self._by_id.values())

    def close(self) -> None:
        for notebook in self._by_id.values():
            close = getattr(notebook.searcher, "close", None)
            if callable(close):
                close()
