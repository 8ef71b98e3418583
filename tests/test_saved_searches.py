"""Saved searches: the query behind a search button outlives the process (restart, a second bot
process on the same database), stays bounded (pruned after 30 days unused), and a database
failure never costs the student their answer."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, inspect, select, text

from bot.core.callbacks import ExampleSearch, SearchPage, decode
from bot.core.notebooks import DEMO
from bot.core.replies import Asker, Reply
from bot.core.search_memory import SearchMemory, search_scope
from bot.db import Database
from bot.db.migrate import downgrade_engine, upgrade_engine
from bot.db.models import SavedSearch
from bot.db.searches import (
    KEEP_SEARCHES_FOR,
    prune_saved_searches,
    save_search,
    save_searches,
    search_query,
)
from bot.features.search.cards import search_reply, show_example, show_page
from bot.terminal.chat import TERMINAL_USER_ID, chat_loop
from tests.botfakes import ListSearcher, fresh_database, make_chunk, services_for

ASKER = Asker(user_id=7, chat_id=7, lang="en", bot_username="studybot")
CHUNKS = [
    make_chunk(f"c{i}", f"Topic {i}", f"Lambda concurrency detail number {i}.") for i in range(1, 4)
]
T0 = datetime(2031, 5, 6, 12, 0, tzinfo=UTC)


async def _restarted(db: Database) -> Database:
    """Another process on the same file: a new engine, nothing shared in memory."""
    other = Database(db.url)
    await other.start()
    return other


def _button(card: Reply, label: str) -> SearchPage:
    action = decode(next(b.data for b in card.flat_buttons if b.text.startswith(label)))
    assert isinstance(action, SearchPage)
    return action


async def _rows(db: Database) -> dict[str, SavedSearch]:
    async with db.session() as s:
        return {row.key: row for row in await s.scalars(select(SavedSearch))}


# --- the query module ---------------------------------------------------------------------


async def test_save_then_load_round_trips_and_saving_again_is_harmless(db):
    async with db.session() as s:
        assert await save_search(s, "k1", "s3 object lock", T0) is True
        assert await save_search(s, "k1", "s3 object lock", T0 + timedelta(hours=1)) is False
        assert await save_search(s, "k1", "something else", T0 + timedelta(hours=2)) is False
    async with db.session() as s:
        assert await search_query(s, "k1") == "s3 object lock"  # the first query stays
        assert await search_query(s, "nope") is None
        assert await s.scalar(select(func.count()).select_from(SavedSearch)) == 1
    row = (await _rows(db))["k1"]
    assert row.created_at == T0 and row.last_used_at == T0 + timedelta(hours=2)


async def test_loading_with_used_at_marks_it_used_but_never_back_in_time(db):
    async with db.session() as s:
        await save_search(s, "k1", "vpc peering", T0)
    async with db.session() as s:
        assert await search_query(s, "k1", used_at=T0 + timedelta(days=3)) == "vpc peering"
        assert await search_query(s, "k1", used_at=T0 + timedelta(days=1)) == "vpc peering"
    assert (await _rows(db))["k1"].last_used_at == T0 + timedelta(days=3)


async def test_prune_forgets_only_searches_unused_for_the_keep_period(db):
    async with db.session() as s:
        await save_search(s, "old", "glacier", T0 - KEEP_SEARCHES_FOR - timedelta(seconds=1))
        await save_search(s, "edge", "efs", T0 - KEEP_SEARCHES_FOR)
        await save_search(s, "new", "kinesis", T0 - timedelta(days=1))
    async with db.session() as s:
        assert await prune_saved_searches(s, T0 - KEEP_SEARCHES_FOR) == 1
    assert set(await _rows(db)) == {"edge", "new"}


@pytest.mark.parametrize(
    "query",
    [
        "S3 Object Lock",
        "copiar una AMI compartida ñandú",
        "🔒 emoji 👩‍💻 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "'; DROP TABLE saved_searches; -- \" <b>&amp;</b>",
        "x" * 300,
    ],
)
async def test_any_query_survives_a_restart_under_a_key_that_fits_a_button(db, query):
    key = SearchMemory().remember(query)
    assert len(SearchPage(key, 49).encode().encode("utf-8")) <= 64
    first = SearchMemory()
    assert first.remember(query) == key  # same key in every process: a hash, not a counter
    await first.save(db)
    other = await _restarted(db)
    try:
        assert await SearchMemory().lookup(key, other) == query
    finally:
        await other.close()


# --- the search conversation across restarts ----------------------------------------------


async def test_a_fresh_process_pages_a_search_made_before_the_restart(db):
    before = services_for(ListSearcher(CHUNKS), db)
    [card] = await search_reply(before, ASKER, "lambda concurrency")
    forward = _button(card, "▶")

    other = await _restarted(db)
    try:
        after = services_for(ListSearcher(CHUNKS), other)  # empty SearchMemory
        answer = await show_page(after, ASKER, forward.key, forward.page)
        [middle] = answer.replies
        assert middle.edit and "Topic 2" in middle.text and "result 2 of 3" in middle.text
        back, onward = _button(middle, "◀"), _button(middle, "▶")
        assert back.key == onward.key == forward.key
        [last] = (await show_page(after, ASKER, onward.key, onward.page)).replies
        assert "result 3 of 3" in last.text
    finally:
        await other.close()


async def test_did_you_mean_and_example_buttons_survive_a_restart(db):
    searcher = ListSearcher(CHUNKS, suggestions={"lambda concurency": "lambda concurrency"})
    [nothing] = await search_reply(services_for(searcher, db), ASKER, "lambda concurency")
    suggestion = _button(nothing, "🔎 Did you mean")
    example = decode(next(b.data for b in nothing.flat_buttons if b.text.startswith("🔎 Topic")))
    assert isinstance(example, ExampleSearch)  # a notebook's own example: nothing saved

    after = services_for(searcher)  # a fresh memory…
    after.db = db  # …on the same database
    [card] = (await show_page(after, ASKER, suggestion.key, 0)).replies
    assert "Topic 1" in card.text and "result 1 of 3" in card.text
    [examples] = (await show_example(after, ASKER, example.index)).replies
    assert "Topic" in examples.text and "I found nothing" not in examples.text
    assert examples.edit


async def test_forged_or_pruned_keys_are_still_expired(db):
    services = services_for(ListSearcher(CHUNKS), db)
    for key in ("AAAAAAAAAAAA", "xx", "lambda"):
        answer = await show_page(services, ASKER, key, 0)
        assert not answer.replies and "expired" in answer.notice.text

    with time_machine.travel(T0, tick=False):
        [card] = await search_reply(services, ASKER, "lambda concurrency")
    key = _button(card, "▶").key
    with time_machine.travel(T0 + KEEP_SEARCHES_FOR + timedelta(days=1), tick=False):
        later = services_for(ListSearcher(CHUNKS), db)  # a new process: prunes on its first save
        await search_reply(later, ASKER, "detail number")
        assert key not in await _rows(db)
        answer = await show_page(later, ASKER, key, 1)
    assert not answer.replies and "expired" in answer.notice.text


async def test_a_search_in_use_is_kept_and_marked_used_at_most_daily(db):
    services = services_for(ListSearcher(CHUNKS), db)
    with time_machine.travel(T0, tick=False):
        [card] = await search_reply(services, ASKER, "lambda concurrency")
    key = _button(card, "▶").key
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        await show_page(services, ASKER, key, 1)
        await search_reply(services, ASKER, "lambda concurrency")
    assert (await _rows(db))[key].last_used_at == T0  # remembered here: no write within a day
    with time_machine.travel(T0 + timedelta(days=20), tick=False):
        await show_page(services, ASKER, key, 1)
    assert (await _rows(db))[key].last_used_at == T0 + timedelta(days=20)
    with time_machine.travel(T0 + timedelta(days=45), tick=False):
        fresh = services_for(ListSearcher(CHUNKS), db)  # prunes, but the key was used on day 20
        await search_reply(fresh, ASKER, "detail number")
        [page] = (await show_page(fresh, ASKER, key, 2)).replies
    assert "result 3 of 3" in page.text
    assert (await _rows(db))[key].last_used_at == T0 + timedelta(days=45)


async def test_two_processes_on_one_database_share_search_buttons(db):
    other = await _restarted(db)
    try:
        first = services_for(ListSearcher(CHUNKS), db)
        second = services_for(ListSearcher(CHUNKS), other)
        [card] = await search_reply(first, ASKER, "lambda concurrency")
        forward = _button(card, "▶")
        [middle] = (await show_page(second, ASKER, forward.key, forward.page)).replies
        assert "result 2 of 3" in middle.text
        [back] = (await show_page(first, ASKER, forward.key, 0)).replies
        assert "result 1 of 3" in back.text
    finally:
        await other.close()


async def test_a_database_failure_still_answers_and_buttons_work_in_this_process(db, caplog):
    async with db.session() as s:
        await s.execute(text("DROP TABLE saved_searches"))  # every save and lookup now fails
    services = services_for(ListSearcher(CHUNKS), db)
    with caplog.at_level(logging.WARNING, logger="bot.features.search.cards"):
        [card] = await search_reply(services, ASKER, "lambda concurrency")
    assert "result 1 of 3" in card.text
    assert "could not save" in caplog.text
    [middle] = (await show_page(services, ASKER, _button(card, "▶").key, 1)).replies
    assert "result 2 of 3" in middle.text


async def test_a_search_button_from_one_chat_is_expired_in_another(db):
    services = services_for(ListSearcher(CHUNKS), db)
    [card] = await search_reply(services, ASKER, "lambda concurrency")
    key = _button(card, "▶").key
    elsewhere = Asker(user_id=8, chat_id=-1008, lang="en", private=False)
    answer = await show_page(services, elsewhere, key, 1)
    assert not answer.replies and "expired" in answer.notice.text
    [middle] = (await show_page(services, ASKER, key, 1)).replies  # still fine where it was sent
    assert "result 2 of 3" in middle.text


async def test_a_search_button_opens_only_in_the_notebook_it_was_made_for():
    db = fresh_database()
    memory = SearchMemory()
    key = memory.remember("lambda concurrency", "notebook-a")
    await memory.save(db)
    assert await memory.lookup(key, db, "notebook-a") == "lambda concurrency"
    assert await memory.lookup(key, db, "notebook-b") is None
    assert await SearchMemory().lookup(key, db, "notebook-b") is None  # nor from the table
    assert await SearchMemory().lookup(key, db, "notebook-a") == "lambda concurrency"
    await db.close()


async def test_the_terminal_chat_pages_with_a_database_too(db):
    class Stdin(io.StringIO):
        def isatty(self) -> bool:
            return False

    out = io.StringIO()
    services = services_for(ListSearcher(CHUNKS), db)
    assert await chat_loop(services, Stdin("lambda concurrency\n1\n1\n"), out) == 0
    assert "result 2 of 3" in out.getvalue() and "result 3 of 3" in out.getvalue()
    scope = search_scope(DEMO, TERMINAL_USER_ID)
    assert SearchMemory.key_for("lambda concurrency", scope) in await _rows(db)


# --- the migration --------------------------------------------------------------------------


async def test_revision_0002_adds_and_removes_only_the_saved_searches_table(empty_db_url):
    database = Database(empty_db_url)
    try:
        await upgrade_engine(database.engine, "0001")
        async with database.session() as s:
            await s.execute(
                text(
                    "INSERT INTO users (id, first_name, reminder_time, reminder_enabled,"
                    " created_at, updated_at) VALUES (1, 'Ana', '20:00:00', true,"
                    " '2031-01-01', '2031-01-01')"
                )
            )
        await upgrade_engine(database.engine, "0002")
        async with database.session() as s:
            await save_search(s, "k1", "efs", T0)
        await downgrade_engine(database.engine, "0001")
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            names = (await connection.execute(text("SELECT first_name FROM users"))).all()
        assert "saved_searches" not in tables and "users" in tables
        assert names == [("Ana",)]
        await upgrade_engine(database.engine, "head")
        async with database.session() as s:
            assert await search_query(s, "k1") is None
    finally:
        await database.close()


async def test_searches_saved_together_share_one_write(db: Database, monkeypatch):
    import asyncio

    import bot.core.search_memory

    memory = SearchMemory()
    writes: list[int] = []
    write = bot.core.search_memory.save_searches

    async def counting_write(database, searches, now, prune_before):
        writes.append(len(searches))
        await write(database, searches, now, prune_before)

    monkeypatch.setattr(bot.core.search_memory, "save_searches", counting_write)
    keys = [memory.remember(f"query number {n}") for n in range(10)]
    await asyncio.gather(*(memory.save(db) for _ in keys))  # ten searches finishing together

    assert writes == [10]  # the others waited, then found their keys written
    async with db.session() as s:
        saved = [await search_query(s, key) for key in keys]
    assert saved == [f"query number {n}" for n in range(10)]


async def test_a_saved_batch_keeps_the_first_query_never_goes_back_in_time_and_prunes(db):
    """``save_searches`` (on the claims' own connection where there is one) means what
    ``save_search`` and ``prune_saved_searches`` mean in a session."""
    old = T0 - KEEP_SEARCHES_FOR - timedelta(seconds=1)
    await save_searches(db, {"old": "glacier", "k1": "s3 object lock"}, old, None)
    await save_searches(db, {"k1": "something else", "k2": "efs"}, T0 + timedelta(hours=2), None)
    await save_searches(db, {"k1": "s3 object lock"}, T0, T0 - KEEP_SEARCHES_FOR)

    rows = await _rows(db)
    assert set(rows) == {"k1", "k2"}  # "old" pruned; k1 was used since
    assert rows["k1"].query == "s3 object lock"  # the first query stays
    assert rows["k1"].created_at == old
    assert rows["k1"].last_used_at == T0 + timedelta(hours=2)  # not back to T0
    assert rows["k2"].created_at == rows["k2"].last_used_at == T0 + timedelta(hours=2)
