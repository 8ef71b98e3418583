"""Inbox marks carry the searches behind the buttons of the replies they record: one
transaction for both, and searches left waiting when a round fails."""

from __future__ import annotations

import pytest

from bot.core.search_memory import SearchMemory
from bot.db import Database
from bot.db.claims import UpdateClaims
from bot.db.inbox import DONE, Mark
from bot.db.marks import InboxMarks
from bot.db.models import InboxUpdate, SavedSearch
from bot.db.seen import SeenChat, SeenUpdate, SeenUser


async def _received(db: Database, update_id: int) -> None:
    seen = SeenUpdate(update_id, SeenUser(5, "Ana", "en"), SeenChat(5, "private", "Ana"))
    assert (await UpdateClaims(db).claim(seen)).first_time


async def _saved(db: Database, key: str) -> str | None:
    async with db.session() as session:
        row = await session.get(SavedSearch, key)
        return None if row is None else row.query


async def test_a_marks_round_writes_the_waiting_searches_with_the_marks(db: Database) -> None:
    await _received(db, 1)
    memory = SearchMemory()
    key = memory.remember("lambda concurrency", "demo:5")
    marks = InboxMarks(db, retry_bound_s=1.0, searches=memory)
    await marks.mark(Mark(0, 1, 1, DONE))
    assert await _saved(db, key) == "lambda concurrency"
    async with db.session() as session:
        row = await session.get(InboxUpdate, {"bot_id": 0, "update_id": 1})
    assert row is not None and row.state == DONE and row.replies_sent == 1
    assert memory.to_save() is None  # nothing left waiting


async def test_a_failed_round_leaves_its_searches_waiting_for_the_next(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _received(db, 1)
    await _received(db, 2)
    memory = SearchMemory()
    key = memory.remember("presigned url", "demo:5")
    marks = InboxMarks(db, retry_bound_s=1.0, searches=memory)
    real_write = marks._write

    async def broken(*args: object) -> None:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(marks, "_write", broken)
    with pytest.raises(RuntimeError):
        await marks.mark(Mark(0, 1, 1, DONE))
    assert await _saved(db, key) is None
    waiting = memory.to_save()
    assert waiting is not None and key in waiting.searches
    monkeypatch.setattr(marks, "_write", real_write)
    await marks.mark(Mark(0, 2, 1, DONE))
    assert await _saved(db, key) == "presigned url"
    assert memory.to_save() is None


async def test_a_search_that_cannot_be_saved_never_holds_the_marks_back(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _received(db, 1)
    memory = SearchMemory()
    key = memory.remember("poisoned", "demo:5")
    marks = InboxMarks(db, retry_bound_s=1.0, searches=memory)
    real_write = marks._write

    async def searches_fail(marks_: list[Mark], searches: object) -> None:
        if searches is not None:
            raise ValueError("cannot store this query")
        await real_write(marks_, None)

    monkeypatch.setattr(marks, "_write", searches_fail)
    await marks.mark(Mark(0, 1, 1, DONE))  # does not raise: the marks went alone
    async with db.session() as session:
        row = await session.get(InboxUpdate, {"bot_id": 0, "update_id": 1})
    assert row is not None and row.state == DONE
    assert await _saved(db, key) is None
    assert memory.recall(key) == "poisoned"  # the button still works in this process
    assert memory.to_save() is None  # not carried by every round after
