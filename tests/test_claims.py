"""Group commit of update claims (bot.db.claims.UpdateClaims): few transactions for many
concurrent updates, each update id handled once, users and chats kept current without
needless rewrites, /lang choices returned, failures reported to every waiter.

Behaviour tests run on both databases and on both paths: ``direct`` (the claim connection of
bot.db.claim_writers, one round trip a batch) and ``session`` (the fallback)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import event, func, select
from sqlalchemy.dialects import postgresql

import bot.db.chats
import bot.db.claim_writers
import bot.db.claims
import bot.db.inbox
import bot.db.users
from bot.db import Database
from bot.db.chats import set_chat_active
from bot.db.claim_writers import PostgresClaimWriter, SqliteClaimWriter
from bot.db.claims import ClaimResult, UpdateClaims
from bot.db.models import Chat, InboxUpdate, User
from bot.db.notebook_files import put_note_files, set_keep_demo, stored_notes
from bot.db.seen import SeenChat, SeenUpdate, SeenUser
from bot.db.users import set_user_language


@contextmanager
def counting_commits(database: Database) -> Iterator[list[int]]:
    """Counts the transactions committed on ``database`` (one list entry each)."""
    commits: list[int] = []

    def on_commit(connection: Any) -> None:
        commits.append(1)

    event.listen(database.engine.sync_engine, "commit", on_commit)
    try:
        yield commits
    finally:
        event.remove(database.engine.sync_engine, "commit", on_commit)


@contextmanager
def recording_sql(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def before_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", before_execute)
    try:
        yield statements
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", before_execute)


@pytest.fixture(params=["direct", "session"])
def direct(request: pytest.FixtureRequest) -> bool:
    return request.param == "direct"


@asynccontextmanager
async def recording_claim_sql(database: Database, claims: UpdateClaims) -> AsyncIterator[list[str]]:
    """The statements the claims send, on whichever connection they use."""
    writer = database.claim_writer() if claims.direct else None
    if writer is None:
        with recording_sql(database) as statements:
            yield statements
        return
    statements = []
    if isinstance(writer, PostgresClaimWriter):
        connection = await writer._connect()

        def log_query(logged: Any) -> None:
            statements.append(logged.query)

        connection.add_query_logger(log_query)
        try:
            yield statements
        finally:
            connection.remove_query_logger(log_query)
        return
    assert isinstance(writer, SqliteClaimWriter)
    loop = asyncio.get_running_loop()

    def trace(on: bool) -> None:
        writer._connect().set_trace_callback(statements.append if on else None)

    await loop.run_in_executor(writer.executor, trace, True)
    try:
        yield statements
    finally:
        await loop.run_in_executor(writer.executor, trace, False)


def student(update_id: int, user_id: int, name: str = "Ana", code: str | None = "en") -> SeenUpdate:
    return SeenUpdate(
        update_id,
        user=SeenUser(user_id, name, code),
        chat=SeenChat(user_id, "private", name),
    )


async def test_fifty_concurrent_claims_share_one_transaction(db: Database, direct: bool) -> None:
    claims = UpdateClaims(db, direct=direct)
    with counting_commits(db) as commits:
        results = await asyncio.gather(
            *(claims.claim(student(1000 + i, 500 + i, f"S{i}")) for i in range(50))
        )
    assert all(result.first_time for result in results)
    assert claims.rounds <= 2  # instead of 50
    assert len(commits) == (0 if direct else claims.rounds)  # direct: not through the engine
    async with db.session() as s:
        assert await s.scalar(select(func.count()).select_from(InboxUpdate)) == 50
        assert await s.scalar(select(func.count()).select_from(User)) == 50
        assert await s.scalar(select(func.count()).select_from(Chat)) == 50


async def test_claims_arriving_during_a_flush_go_into_the_next_one(
    db: Database, direct: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = UpdateClaims(db, direct=direct)
    first_flush_started = asyncio.Event()
    release = asyncio.Event()
    real_write = claims._write

    async def held_write(batch: list[SeenUpdate]) -> list[ClaimResult]:
        if not first_flush_started.is_set():
            first_flush_started.set()
            await release.wait()
        return await real_write(batch)

    monkeypatch.setattr(claims, "_write", held_write)
    early = [asyncio.create_task(claims.claim(student(i, i))) for i in range(1, 6)]
    await first_flush_started.wait()
    late = [asyncio.create_task(claims.claim(student(i, i))) for i in range(6, 21)]
    late.append(asyncio.create_task(claims.claim(student(3, 3))))  # already in the first
    await asyncio.sleep(0.05)
    assert not any(task.done() for task in early + late)
    release.set()
    results = await asyncio.gather(*early, *late)
    assert claims.rounds == 2
    assert [result.first_time for result in results] == [True] * 20 + [False]


async def test_each_update_id_is_new_exactly_once_in_and_across_batches(
    db: Database, direct: bool
) -> None:
    claims = UpdateClaims(db, direct=direct)
    results = await asyncio.gather(
        claims.claim(student(7, 1)), claims.claim(student(7, 1)), claims.claim(student(8, 2))
    )
    assert [result.first_time for result in results] == [True, False, True]
    again = await asyncio.gather(claims.claim(student(7, 1)), claims.claim(student(9, 3)))
    assert [result.first_time for result in again] == [False, True]
    # a restart: a new coalescer (and a new handle) on the same database
    restarted = Database(db.url)
    try:
        later = await UpdateClaims(restarted, direct=direct).claim(student(8, 2))
    finally:
        await restarted.close()
    assert later.first_time is False


async def test_two_handles_on_one_database_claim_each_id_once(db_url: str, direct: bool) -> None:
    first, second = Database(db_url), Database(db_url)
    await first.start()
    await second.start()
    try:
        one, two = UpdateClaims(first, direct=direct), UpdateClaims(second, direct=direct)
        ids = list(range(1, 301))  # in opposite orders, batches of up to 256
        results = await asyncio.gather(
            *(one.claim(student(i, i)) for i in ids),
            *(two.claim(student(i, i)) for i in reversed(ids)),
        )
    finally:
        await first.close()
        await second.close()
    winners: dict[int, int] = {}
    for seen_id, result in zip(ids + ids[::-1], results, strict=True):
        winners[seen_id] = winners.get(seen_id, 0) + result.first_time
    assert winners == {i: 1 for i in ids}


async def test_overlapping_batches_in_opposite_orders_do_not_deadlock(db_url: str) -> None:
    """Two instances writing the same rows in one transaction each: with the rows in any order,
    PostgreSQL would find a deadlock now and then and abort one of them."""
    first, second = Database(db_url), Database(db_url)

    async def write(database: Database, ids: list[int], round_: int) -> set[int]:
        async with database.session() as s:
            claimed = {
                update_id
                for _, update_id in await bot.db.inbox.receive_updates(
                    s, [SeenUpdate(round_ * 1000 + i) for i in ids]
                )
            }
            await bot.db.users.record_users(s, [(i, f"name {round_}", "en") for i in ids])
            await bot.db.chats.record_chats(s, [(i, "private", f"title {round_}") for i in ids])
        return claimed

    ids = list(range(1, 301))
    try:
        for round_ in range(8):
            one, two = await asyncio.gather(
                write(first, ids, round_), write(second, ids[::-1], round_)
            )
            assert one | two == {round_ * 1000 + i for i in ids} and not one & two
    finally:
        await first.close()
        await second.close()


async def test_claiming_a_multiple_of_prune_every_forgets_old_update_ids(
    db: Database, direct: bool
) -> None:
    now = datetime.now(UTC)
    async with db.session() as s:
        for update_id, state, age in (
            (7, "done", timedelta(days=5)),
            (8, "done", timedelta(hours=1)),
            (9, "pending", timedelta(days=5)),  # never handled: kept for a replay
            (10, "dead", timedelta(days=5)),  # set aside: kept for the owner a while
            (11, "dead", timedelta(days=20)),
        ):
            s.add(InboxUpdate(bot_id=0, update_id=update_id, state=state, received_at=now - age))
    claims = UpdateClaims(db, direct=direct)
    every = bot.db.inbox.PRUNE_EVERY
    await claims.claim(student(every + 1, 1))
    async with db.session() as s:
        assert await s.get(InboxUpdate, (0, 7)) is not None  # not a pruning claim
    await claims.claim(student(every * 3, 1))
    async with db.session() as s:
        kept = set(await s.scalars(select(InboxUpdate.update_id)))
    assert kept == {8, 9, 10, every + 1, every * 3}


CLAIM_THEN_HANG = """
import asyncio, sys, time
from bot.db import Database
from bot.db.claims import UpdateClaims
from bot.db.seen import SeenChat, SeenUpdate, SeenUser

async def main(url):
    db = Database(url)
    await db.start()
    result = await UpdateClaims(db).claim(
        SeenUpdate(42, SeenUser(7, "Ana", "es"), SeenChat(7, "private", "Ana"))
    )
    print("claimed" if result.first_time else "seen before", flush=True)
    time.sleep(600)  # killed here, before any answer: nothing closes the database

asyncio.run(main(sys.argv[1]))
"""


async def test_a_claim_survives_a_kill_of_the_process_right_after_it(db: Database) -> None:
    """The claim is committed before ``claim`` returns: after a ``kill -9`` the redelivered
    update is recognised (its answer was the dead process's to give)."""
    import signal
    import sys
    from pathlib import Path

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLAIM_THEN_HANG,
        db.url,
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert proc.stdout is not None
        assert (await asyncio.wait_for(proc.stdout.readline(), 60)).strip() == b"claimed"
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    assert (await _user(db, 7)).telegram_language == "es"  # recorded with the claim
    claims = UpdateClaims(db)
    redelivered, next_one = await asyncio.gather(
        claims.claim(student(42, 7)), claims.claim(student(43, 7))
    )
    assert (redelivered.first_time, next_one.first_time) == (False, True)


async def _user(db: Database, user_id: int) -> User:
    async with db.session() as s:
        row = await s.get(User, user_id)
    assert row is not None
    return row


async def _chat(db: Database, chat_id: int) -> Chat:
    async with db.session() as s:
        row = await s.get(Chat, chat_id)
    assert row is not None
    return row


async def test_users_and_chats_are_recorded_refreshed_and_unchanged_rows_left_alone(
    db: Database, direct: bool
) -> None:
    claims = UpdateClaims(db, direct=direct)
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    group = SeenChat(-100, "supergroup", "AWS study")
    with time_machine.travel(start, tick=False):
        await claims.claim(SeenUpdate(1, SeenUser(5, "Ana", "es"), group))
    ana, chat = await _user(db, 5), await _chat(db, -100)
    assert (ana.first_name, ana.telegram_language, ana.updated_at) == ("Ana", "es", start)
    assert (chat.type, chat.title, chat.active, chat.updated_at) == (
        "supergroup",
        "AWS study",
        True,
        start,
    )

    with time_machine.travel(start + timedelta(hours=1), tick=False):
        await claims.claim(SeenUpdate(2, SeenUser(5, "Ana", "es"), group))
    assert (await _user(db, 5)).updated_at == start  # unchanged: not rewritten
    assert (await _chat(db, -100)).updated_at == start

    async with db.session() as s:
        await set_chat_active(s, -100, False)  # kicked meanwhile
    renamed_at = start + timedelta(hours=2)
    with time_machine.travel(renamed_at, tick=False):
        await claims.claim(
            SeenUpdate(3, SeenUser(5, "Ana María", None), SeenChat(-100, "supergroup", "SAP"))
        )
    ana, chat = await _user(db, 5), await _chat(db, -100)
    assert (ana.first_name, ana.telegram_language) == ("Ana María", None)
    assert ana.updated_at == renamed_at
    assert (chat.title, chat.updated_at) == ("SAP", renamed_at)
    assert chat.active is False  # only membership changes decide that
    assert ana.created_at == start


async def test_within_one_batch_the_last_sighting_of_a_user_or_chat_wins(
    db: Database, direct: bool
) -> None:
    claims = UpdateClaims(db, direct=direct)
    await asyncio.gather(
        claims.claim(SeenUpdate(1, SeenUser(5, "Ana", "en"), SeenChat(-7, "group", "Old"))),
        claims.claim(SeenUpdate(2, SeenUser(5, "Ana María", "es"), SeenChat(-7, "group", "New"))),
        claims.claim(SeenUpdate(2, SeenUser(5, "Duplicate", "es"), None)),  # a repeat: ignored
    )
    assert (await _user(db, 5)).first_name == "Ana María"
    assert (await _chat(db, -7)).title == "New"


async def test_a_first_claim_reads_its_chats_notes_in_the_same_transaction(db: Database) -> None:
    async with db.session() as s:
        await put_note_files(s, -7, [("b.md", b"beta"), ("a.md", b"alpha")])
        await set_keep_demo(s, -7, True)
    claims = UpdateClaims(db)
    in_group, in_private, repeat = await asyncio.gather(
        claims.claim(SeenUpdate(1, SeenUser(5, "Ana", "en"), SeenChat(-7, "group", "Study"))),
        claims.claim(student(2, 6)),
        claims.claim(SeenUpdate(1, SeenUser(5, "Ana", "en"), SeenChat(-7, "group", "Study"))),
    )
    assert claims.rounds == 1
    files, keep_demo = await stored_notes(db, -7)  # what the chat's notes check would ask
    assert in_group.notes is not None and in_group.notes.chat_id == -7
    assert set(in_group.notes.files) == set(files) and len(files) == 2
    assert in_group.notes.keep_demo and keep_demo
    assert in_private.notes is not None and in_private.notes.chat_id == 6
    assert in_private.notes.files == () and not in_private.notes.keep_demo
    assert not repeat.first_time and repeat.notes is None


async def test_the_explicit_language_choice_is_returned(db: Database, direct: bool) -> None:
    async with db.session() as s:
        await set_user_language(s, 5, "es")
    claims = UpdateClaims(db, direct=direct)
    chose, never, anonymous = await asyncio.gather(
        claims.claim(student(1, 5, code="en")),
        claims.claim(student(2, 6, code="es")),
        claims.claim(SeenUpdate(3, None, SeenChat(-1, "channel", "News"))),
    )
    assert chose == ClaimResult(first_time=True, explicit_lang="es", language_read=True)
    assert never == ClaimResult(first_time=True, explicit_lang=None, language_read=True)
    assert anonymous == ClaimResult(first_time=True, explicit_lang=None, language_read=False)
    assert (await _user(db, 5)).telegram_language == "en"  # recording keeps the choice
    again = await claims.claim(student(4, 5))  # the row is current: read by a query
    assert (again.explicit_lang, again.language_read) == ("es", True)


async def test_a_known_language_is_not_read_again_unless_the_row_changes(
    db: Database, direct: bool
) -> None:
    claims = UpdateClaims(db, direct=direct)
    await claims.claim(student(1, 5))
    async with db.session() as s:
        await set_user_language(s, 5, "es")
    async with recording_claim_sql(db, claims) as statements:
        known = await claims.claim(replace(student(2, 5), wants_language=False))
    assert (known.first_time, known.language_read) == (True, False)
    if direct and db.dialect == "postgresql":
        assert len(statements) == 1  # the reading is a branch of the one statement
    else:
        # no read of users (the chat's notes are read, for its notes check)
        reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
        assert not [sql for sql in reads if "FROM users" in sql], reads
    renamed = await claims.claim(replace(student(3, 5, name="Ana M"), wants_language=False))
    assert (renamed.explicit_lang, renamed.language_read) == ("es", True)  # learnt for free
    newcomer = await claims.claim(replace(student(4, 6), wants_language=False))
    assert (newcomer.explicit_lang, newcomer.language_read) == (None, True)


async def test_a_failed_transaction_fails_every_waiter_and_the_next_batch_works(
    db: Database, direct: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chats are written last: when that fails, the claims made before it are undone."""
    claims = UpdateClaims(db, direct=direct)
    if not direct:
        real_record_chats = bot.db.claims.record_chats
        failures = iter([RuntimeError("disk on fire")])

        async def failing_once(session: Any, chats: Any) -> None:
            error = next(failures, None)
            if error is not None:
                raise error
            await real_record_chats(session, chats)

        monkeypatch.setattr(bot.db.claims, "record_chats", failing_once)
    else:  # a chats table that is not there, for one round
        name = "_POSTGRES_CLAIM" if db.dialect == "postgresql" else "_SQLITE_CHAT"
        broken = getattr(bot.db.claim_writers, name).replace("INTO chats", "INTO no_chats")
        monkeypatch.setattr(bot.db.claim_writers, name, broken)
    outcomes = await asyncio.gather(
        *(claims.claim(student(i, i)) for i in range(1, 11)), return_exceptions=True
    )
    assert all(isinstance(o, Exception) for o in outcomes)
    assert len({str(o) for o in outcomes}) == 1  # the one error of the round, for everyone
    assert "disk on fire" in str(outcomes[0]) or "no_chats" in str(outcomes[0])
    monkeypatch.undo()
    # rolled back: nothing of that batch was recorded, so the same ids are new now
    results = await asyncio.gather(*(claims.claim(student(i, i)) for i in range(1, 11)))
    assert all(result.first_time for result in results)
    assert (await _user(db, 3)).first_name == "Ana"


def _dml(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "SELECT"))]


@pytest.mark.backends("sqlite")
async def test_sqlite_gets_one_statement_each_and_no_postgresql_syntax(db: Database) -> None:
    claims = UpdateClaims(db, direct=False)
    with recording_sql(db) as statements:
        await asyncio.gather(*(claims.claim(student(i, 100 + i)) for i in range(1, 9)))
    # new users: their /lang choice comes back from the upsert, no query needed
    claim_sql, users_sql, chats_sql = _dml(statements)
    assert "ON CONFLICT" in claim_sql and "RETURNING" in claim_sql
    assert claim_sql.count("(?, ?, ?, ?, ?, ?, ?, ?)") == 8  # one statement for the batch
    assert "DO UPDATE" in users_sql and "RETURNING" in users_sql and "DO UPDATE" in chats_sql
    with recording_sql(db) as statements:
        await asyncio.gather(*(claims.claim(student(10 + i, 100 + i)) for i in range(1, 9)))
    # known users, unchanged: one query reads their choices
    *writes, languages_sql = _dml(statements)
    assert len(writes) == 3 and " IN (" in languages_sql
    for sql in [*writes, languages_sql, claim_sql, users_sql, chats_sql]:
        assert "IS DISTINCT FROM" not in sql.upper() and "::" not in sql


async def test_a_direct_claim_batch_is_one_round_trip(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: the whole transaction in one trip to the claim thread, with no PostgreSQL-only
    syntax. PostgreSQL: one statement on the claim connection."""
    claims = UpdateClaims(db)
    await claims.claim(student(1, 100))  # opens the claim connection
    writer = db.claim_writer()
    assert writer is not None
    trips: list[int] = []
    if isinstance(writer, SqliteClaimWriter):
        real_submit = writer.executor.submit

        def counted_submit(*args: Any, **kwargs: Any) -> Any:
            trips.append(1)
            return real_submit(*args, **kwargs)

        monkeypatch.setattr(writer.executor, "submit", counted_submit)
    async with recording_claim_sql(db, claims) as statements:
        trips.clear()
        results = await asyncio.gather(*(claims.claim(student(i, 100 + i)) for i in range(1, 9)))
        trips_for_the_batch = len(trips)
    assert [result.first_time for result in results] == [False] + [True] * 7
    if isinstance(writer, SqliteClaimWriter):
        assert trips_for_the_batch == 1
        assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "COMMIT"
        for sql in statements:
            assert "IS DISTINCT FROM" not in sql.upper() and "::" not in sql
    else:
        assert (
            len(statements) == 1 and "ON CONFLICT (bot_id, update_id) DO NOTHING" in (statements[0])
        )


async def test_the_claim_connection_writes_what_the_session_writes(db: Database) -> None:
    """The same story told through both paths (ids apart by OFFSET) leaves the same rows and
    gives the same answers."""
    offset = 10_000
    story = [
        [student(1, 1, "Ana", "es"), SeenUpdate(2, None, SeenChat(-5, "channel", "News"))],
        [student(3, 1, "Ana", "es"), student(3, 1, "Ana", "es"), student(4, 2, "Bo", None)],
        [student(5, 1, "Ana María", None), student(6, 2, "Bo", "en"), student(1, 1, "X", "en")],
        [
            SeenUpdate(7, SeenUser(2, "Bo", "en"), SeenChat(-5, "channel", None)),
            replace(student(8, 3), wants_language=False),
        ],
    ]

    def shifted(seen: SeenUpdate) -> SeenUpdate:
        user = seen.user and seen.user._replace(id=seen.user.id + offset)
        chat = seen.chat and seen.chat._replace(id=seen.chat.id + offset * (seen.chat.id > 0))
        if seen.chat is not None and seen.chat.id < 0:
            chat = seen.chat._replace(id=seen.chat.id - offset)
        return replace(seen, update_id=seen.update_id + offset, user=user, chat=chat)

    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start - timedelta(days=1), tick=False):
        async with db.session() as s:
            await set_user_language(s, 2, "es")
            await set_user_language(s, 2 + offset, "es")
    answers: dict[bool, list[ClaimResult]] = {True: [], False: []}
    for round_, batch in enumerate(story):
        for direct in (False, True):
            claims = UpdateClaims(db, direct=direct)
            seen = [shifted(s) if direct else s for s in batch]
            with time_machine.travel(start + timedelta(hours=round_), tick=False):
                answers[direct] += await asyncio.gather(*(claims.claim(s) for s in seen))
    assert answers[True] == answers[False]

    def key(row_id: int) -> int:  # the id the story used
        if row_id > offset:
            return row_id - offset
        return row_id + offset if row_id < -offset else row_id

    async with db.session() as s:
        users = {
            (u.id >= offset, key(u.id)): (
                u.first_name,
                u.telegram_language,
                u.language,
                u.created_at,
                u.updated_at,
            )
            for u in await s.scalars(select(User))
        }
        chats = {
            (abs(c.id) >= offset, key(c.id)): (
                c.type,
                c.title,
                c.active,
                c.created_at,
                c.updated_at,
            )
            for c in await s.scalars(select(Chat))
        }
        updates = {
            (p.update_id >= offset, p.update_id % offset): (p.state, p.attempts, p.received_at)
            for p in await s.scalars(select(InboxUpdate))
        }
    for table in (users, chats, updates):
        direct_rows = {k[1]: v for k, v in table.items() if k[0]}
        session_rows = {k[1]: v for k, v in table.items() if not k[0]}
        assert direct_rows == session_rows and direct_rows


class _PostgresBind:
    dialect = postgresql.dialect()


class _CompilingSession:
    """Stands in for a PostgreSQL session: compiles what it is given, returns nothing."""

    def __init__(self) -> None:
        self.sql: list[str] = []
        self.rows: list[list[dict[str, Any]]] = []

    def get_bind(self) -> _PostgresBind:
        return _PostgresBind()

    async def execute(self, statement: Any, rows: list[dict[str, Any]] | None = None) -> Any:
        self.sql.append(str(statement.compile(dialect=postgresql.dialect())))
        self.rows.append(rows or [])

        class _Empty:
            def scalars(self) -> list[int]:
                return []

            def __iter__(self) -> Iterator[tuple[int, str | None]]:
                return iter(())

        return _Empty()


async def test_the_same_functions_compile_to_postgresql_upserts() -> None:
    session: Any = _CompilingSession()
    await bot.db.inbox.receive_updates(session, [SeenUpdate(1), SeenUpdate(2), SeenUpdate(2)])
    await bot.db.users.record_users(session, [(5, "Ana", "es"), (5, "Ana M", "es")])
    await bot.db.chats.record_chats(session, [(-7, "group", "G")])
    await bot.db.users.explicit_languages(session, [5])
    claim_sql, users_sql, chats_sql, languages_sql = session.sql
    claim_rows, users_rows, _, _ = session.rows
    assert "ON CONFLICT (bot_id, update_id) DO NOTHING RETURNING" in claim_sql
    assert [row["update_id"] for row in claim_rows] == [1, 2]  # PostgreSQL needs them unique
    assert "ON CONFLICT (id) DO UPDATE" in users_sql and "IS DISTINCT FROM" in users_sql
    assert "RETURNING users.id, users.language" in users_sql
    assert [row["first_name"] for row in users_rows] == ["Ana M"]  # PG refuses one id twice
    assert "ON CONFLICT (id) DO UPDATE" in chats_sql
    assert "IN (" in languages_sql


async def test_other_backends_fall_back_to_row_by_row(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (bot.db.inbox, bot.db.users, bot.db.chats):
        monkeypatch.setattr(module, "conflict_insert", lambda session: None)
    claims = UpdateClaims(db, direct=False)
    results = await asyncio.gather(
        claims.claim(student(1, 5)), claims.claim(student(1, 5)), claims.claim(student(2, 6))
    )
    assert [result.first_time for result in results] == [True, False, True]
    await claims.claim(student(3, 5, name="Ana María"))
    assert (await _user(db, 5)).first_name == "Ana María"
    assert (await claims.claim(student(2, 6))).first_time is False
