"""The notebooks the bot studies, each a searcher over some notes plus the question bank derived
from them, handed out by notebook id and by chat.

The registry holds the shipped notes (``DEMO``), studied by every chat without notes of its own,
and knows which chats have their own notebook (``assign``); those open lazily (the searcher
builds or loads its index in the worker thread that first uses it), and they stay in memory
while their estimated footprints add up to at most ``memory_budget`` bytes, least recently used
first out (the one just used always stays)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.core.notebook_cache import IndexOptions, LazySearcher
from bot.core.question_bank import QuizBank, QuizBankHolder
from index.examples import example_queries
from index.model import Chunk, SearchResult

DEMO = "demo"
DEFAULT_MEMORY_BUDGET = 256 * 1024 * 1024


class SearcherLike(Protocol):
    """What the core needs of ``index.search.Searcher`` (blocking: use asyncio.to_thread)."""

    def search(self, query: str, limit: int = 5) -> SearchResult: ...

    def chunk(self, chunk_id: str) -> Chunk | None: ...

    def chunks(self) -> list[Chunk]: ...


def footprint(searcher: SearcherLike) -> int:
    """The estimated memory of an open notebook's searcher (0: unknown, or not open yet)."""
    return int(getattr(searcher, "footprint", 0))


@dataclass
class Notebook:
    """One set of notes: its searcher and the question bank built from its chunks."""

    id: str
    searcher: SearcherLike
    bank: QuizBankHolder = field(default_factory=QuizBankHolder)
    make_bank: Callable[[], Awaitable[QuizBank]] | None = field(default=None, repr=False)
    _examples: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def example_queries(self, lang: str) -> list[str]:
        """A few queries drawn from these notes' own titles (blocking the first time)."""
        if lang not in self._examples:
            self._examples[lang] = example_queries(self.searcher.chunks(), lang)
        return self._examples[lang]

    def start_bank(self) -> QuizBankHolder:
        """The bank holder, its build started (off the event loop) if it has not begun."""
        if self.bank.bank is None:
            if self.make_bank is not None:
                self.bank.start_with(self.make_bank)
            else:
                self.bank.start(self.searcher.chunks)
        return self.bank


@dataclass(frozen=True, slots=True)
class ChatNotes:
    """Where a chat's own notebook lives on disk, under the id of its content."""

    notebook_id: str
    root: Path


class NotebookRegistry:
    """Notebooks by id; ``for_chat`` says which one a chat studies."""

    def __init__(
        self,
        notebooks: Iterable[Notebook],
        default_id: str = DEMO,
        *,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        index_options: IndexOptions | None = None,
    ) -> None:
        self.index_options = index_options or IndexOptions()
        self._by_id = {notebook.id: notebook for notebook in notebooks}
        if default_id not in self._by_id:
            raise ValueError(f"no notebook {default_id!r}")
        self._default_id = default_id
        self._lock = threading.Lock()
        self.memory_budget = max(0, memory_budget)
        self._chat_notes: dict[int, ChatNotes] = {}
        self._open: OrderedDict[str, Notebook] = OrderedDict()  # chat notebooks, oldest use first
        self._checked_at: dict[int, float] = {}  # chat → when its notes were last compared
        self._changed_at: dict[int, float] = {}  # chat → when its notes last changed here

    @classmethod
    def of(
        cls,
        searcher: SearcherLike,
        *,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        index_options: IndexOptions | None = None,
    ) -> NotebookRegistry:
        """A registry holding the shipped notes (and, once assigned, chats' own)."""
        return cls(
            [Notebook(DEMO, searcher)], memory_budget=memory_budget, index_options=index_options
        )

    @property
    def default(self) -> Notebook:
        return self._by_id[self._default_id]

    def get(self, notebook_id: str) -> Notebook | None:
        with self._lock:
            return self._by_id.get(notebook_id) or self._open.get(notebook_id)

    def for_chat(self, chat_id: int) -> Notebook:
        """The notebook ``chat_id`` studies: its own once it has notes, else the shipped ones.
        Never blocks: a notebook not open yet opens in the thread that first searches it."""
        with self._lock:
            notes = self._chat_notes.get(chat_id)
            if notes is None:
                return self.default
            notebook = self._open.get(notes.notebook_id)
            if notebook is None:
                searcher = LazySearcher(notes.root, options=self.index_options, on_open=self.trim)
                notebook = Notebook(notes.notebook_id, searcher, make_bank=searcher.build_bank)
                self._keep_open(notebook)
            else:
                self._open.move_to_end(notes.notebook_id)
            return notebook

    def has_own_notes(self, chat_id: int) -> bool:
        with self._lock:
            return chat_id in self._chat_notes

    def chats_with_own_notes(self) -> list[int]:
        with self._lock:
            return list(self._chat_notes)

    def assign(self, chat_id: int, notes: ChatNotes, notebook: Notebook | None = None) -> None:
        """From now on ``chat_id`` studies ``notes`` (``notebook``: already opened over them)."""
        with self._lock:
            old = self._chat_notes.get(chat_id)
            self._chat_notes[chat_id] = notes
            self._changed_at[chat_id] = time.monotonic()
            if old is not None and old.notebook_id != notes.notebook_id:
                self._open.pop(old.notebook_id, None)
            if notebook is not None:
                self._keep_open(notebook)

    def chat_notes(self, chat_id: int) -> ChatNotes | None:
        """The notes ``chat_id`` studies here (None: the shipped ones)."""
        with self._lock:
            return self._chat_notes.get(chat_id)

    def check_due(self, chat_id: int, every: float) -> bool:
        """Whether ``chat_id``'s notes were last compared with the database over ``every``
        seconds ago; if so, the comparison starts now (other callers wait for the next)."""
        now = time.monotonic()
        with self._lock:
            last = self._checked_at.get(chat_id)
            if last is not None and now - last < every:
                return False
            self._checked_at[chat_id] = now
            return True

    def changed_since(self, chat_id: int, moment: float) -> bool:
        """Whether ``chat_id``'s notes changed here at or after ``moment`` (time.monotonic()):
        a read of the database begun at ``moment`` may be older than what the chat studies."""
        with self._lock:
            changed = self._changed_at.get(chat_id)
            return changed is not None and changed >= moment

    def switch_if(self, chat_id: int, expected: ChatNotes | None, notes: ChatNotes | None) -> bool:
        """Assign ``notes`` (None: the shipped notes) unless the chat's notes changed here since
        they were ``expected`` (an upload on this instance wins over an older comparison)."""
        with self._lock:
            if self._chat_notes.get(chat_id) != expected:
                return False
            if expected != notes:
                self._changed_at[chat_id] = time.monotonic()
            if expected is not None and expected != notes:
                self._open.pop(expected.notebook_id, None)
            if notes is None:
                self._chat_notes.pop(chat_id, None)
            else:
                self._chat_notes[chat_id] = notes
            return True

    def use_demo(self, chat_id: int) -> None:
        """``chat_id`` has no notes of its own any more: it studies the shipped notes."""
        with self._lock:
            old = self._chat_notes.pop(chat_id, None)
            self._changed_at[chat_id] = time.monotonic()
            if old is not None:
                self._open.pop(old.notebook_id, None)

    def _keep_open(self, notebook: Notebook) -> None:
        """Under the lock: remember ``notebook`` as just used, and keep within the budget."""
        self._open[notebook.id] = notebook
        self._open.move_to_end(notebook.id)
        self._trim()

    def _trim(self) -> None:
        """Under the lock: drop the least recently used notebooks until the footprints of those
        left fit the budget; the most recent always stays (whoever still holds a dropped one
        finishes with it)."""
        held = sum(footprint(notebook.searcher) for notebook in self._open.values())
        while held > self.memory_budget and len(self._open) > 1:
            _, dropped = self._open.popitem(last=False)
            held -= footprint(dropped.searcher)

    def trim(self) -> None:
        """Keep within the budget now (a notebook just opened: its footprint is known)."""
        with self._lock:
            self._trim()

    def open_count(self) -> int:
        with self._lock:
            return len(self._open)

    def memory_held(self) -> int:
        """The estimated bytes held by the chats' notebooks kept open (the shipped notes aside)."""
        with self._lock:
            return sum(footprint(notebook.searcher) for notebook in self._open.values())

    def replace_bank(self, notebook_id: str, holder: QuizBankHolder) -> None:
        """Swap in a rebuilt bank; readers keep the bank they already hold."""
        with self._lock:
            notebook = self._by_id.get(notebook_id) or self._open.get(notebook_id)
            if notebook is not None:
                notebook.bank = holder

    def all(self) -> list[Notebook]:
        return list(self._by_id.values())

    def close(self) -> None:
        for notebook in self._by_id.values():
            close = getattr(notebook.searcher, "close", None)
            if callable(close):
                close()
