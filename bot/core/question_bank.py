"""The question bank the bot asks from: built once from the index chunks, off the event loop,
and looked up by item id, by the short key in "Read the note" buttons, and in a stable order."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence

from bot.core import srs
from index.model import Chunk
from index.quiz import QuizItem, build_question_bank
from index.quiz.mix import mix_quiz_items

log = logging.getLogger(__name__)

# Banks are derived from chunks alone, so notebooks with the same chunks (the same notes opened
# twice, as tests and /reindex do) share one: a small cache keyed by the chunk ids.
_CACHE_SIZE = 4
_BANKS_BY_NOTES: OrderedDict[str, QuizBank] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def item_key(item_id: str) -> str:
    """A short, stable key for an item id (fits in callback data whatever the id's length)."""
    return hashlib.blake2s(item_id.encode("utf-8"), digest_size=6).hexdigest()


class QuizBank:
    """An immutable set of quiz items with the look-ups the bot needs."""

    def __init__(self, items: Iterable[QuizItem], chunks: Iterable[Chunk] = ()) -> None:
        self.items: tuple[QuizItem, ...] = tuple(items)
        self._by_id = {item.id: item for item in self.items}
        self._by_key = {item_key(item.id): item for item in self.items}
        self._chunks = {chunk.id: chunk for chunk in chunks}
        self.item_ids: tuple[str, ...] = tuple(self._by_id)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, item_id: str) -> QuizItem | None:
        return self._by_id.get(item_id)

    def by_key(self, key: str) -> QuizItem | None:
        """The item behind a "Read the note" button's key (None once the notes changed)."""
        return self._by_key.get(key)

    def new_item_order(self, item_ids: Iterable[str], seed: int | str) -> list[str]:
        """``item_ids`` in a stable per-seed shuffle whose kinds alternate (index.quiz.mix), so
        a day's new questions are not all figures when the bank mostly is."""
        shuffled = [item for i in srs.order_new_items(item_ids, seed) if (item := self.get(i))]
        return [item.id for item in mix_quiz_items(shuffled)]

    def passage(self, item: QuizItem) -> str | None:
        """The text of the chunk ``item`` was made from, when known."""
        chunk = self._chunks.get(item.chunk_id)
        return chunk.text if chunk is not None else None

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> QuizBank:
        """Blocking: derive every good item from ``chunks``."""
        return cls(build_question_bank(list(chunks)), chunks)


class QuizBankHolder:
    """Holds the bank once it is built in a worker thread; empty (not ready) until then."""

    def __init__(self, bank: QuizBank | None = None) -> None:
        self._bank = bank
        self._ready = asyncio.Event()
        self._task: asyncio.Task[QuizBank] | None = None
        if bank is not None:
            self._ready.set()

    @property
    def bank(self) -> QuizBank | None:
        return self._bank

    @property
    def started(self) -> bool:
        """Whether the bank is built or being built."""
        return self._bank is not None or self._task is not None

    def start(self, load_chunks: Callable[[], Sequence[Chunk]]) -> asyncio.Task[QuizBank]:
        """Build the bank in a thread from ``load_chunks()`` (also blocking); returns the task."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._build(load_chunks))
        return self._task

    def start_with(self, make: Callable[[], Awaitable[QuizBank]]) -> asyncio.Task[QuizBank]:
        """Build the bank with ``make`` (e.g. in another process); returns the task."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._made(make))
        return self._task

    async def _made(self, make: Callable[[], Awaitable[QuizBank]]) -> QuizBank:
        """Await ``make`` and publish its bank; a failed build publishes an empty one."""
        try:
            bank = await make()
        except Exception:
            log.exception("could not build the question bank")
            bank = QuizBank(())
        self._bank = bank
        self._ready.set()
        log.info("question bank ready: %d items", len(bank))
        return bank

    async def _build(self, load_chunks: Callable[[], Sequence[Chunk]]) -> QuizBank:
        def build() -> QuizBank:
            chunks = load_chunks()
            fingerprint = hashlib.sha256("\n".join(c.id for c in chunks).encode()).hexdigest()
            with _CACHE_LOCK:
                cached = _BANKS_BY_NOTES.get(fingerprint)
                if cached is not None:
                    _BANKS_BY_NOTES.move_to_end(fingerprint)
                    return cached
            bank = QuizBank.from_chunks(chunks)
            with _CACHE_LOCK:
                _BANKS_BY_NOTES[fingerprint] = bank
                while len(_BANKS_BY_NOTES) > _CACHE_SIZE:
                    _BANKS_BY_NOTES.popitem(last=False)
            return bank

        return await self._made(lambda: asyncio.to_thread(build))

    async def wait(self, timeout: float | None = None) -> QuizBank | None:
        """The bank, waiting up to ``timeout`` seconds for it (None if still not built)."""
        if self._bank is not None:
            return self._bank
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            return None
        return self._bank
