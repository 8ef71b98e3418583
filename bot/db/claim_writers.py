"""One round trip per claim batch (bot.db.claims): the same writes as bot.db.inbox, users and
chats make through a session, and the read of the chats' stored notes (bot.db.notebook_files),
sent straight to the driver on a connection kept for claims.

- SQLite: a plain ``sqlite3`` connection owned by one worker thread; the whole transaction runs
  there, so a batch costs one thread handoff instead of one per statement through aiosqlite.
- PostgreSQL: one statement (data-modifying CTEs: ``INSERT … ON CONFLICT DO NOTHING RETURNING``
  and the two upserts) on an asyncpg connection of its own, atomic without BEGIN/COMMIT.

Rows go in key order (no deadlock between instances); a later sighting of a user or chat in a
batch wins; rows already current are not rewritten. The session path stays for other backends
and in-memory SQLite.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.chats import _chat_title, _chat_type
from bot.db.inbox import (
    ERROR_CHARS,
    KEEP_DEAD_FOR,
    KEEP_DONE_FOR,
    PRUNE_EVERY,
    Mark,
    first_copies,
    wants_pruning,
)
from bot.db.models import InboxUpdate
from bot.db.notebook_files import CHATS_NOTES, StoredNote
from bot.db.searches import SearchesToSave, save_on_postgres, save_on_sqlite
from bot.db.users import _language_code, _user_name

if TYPE_CHECKING:
    from bot.db.seen import SeenUpdate

log = logging.getLogger(__name__)

# chat → its stored files (by path) and whether it keeps the demo notes on; a chat read that has
# no files is absent
ChatsNotes = dict[int, tuple[list[StoredNote], bool]]
# (first time per batch entry, /lang choice of the fresh users that were created, changed or read,
# the notes of the fresh updates' chats: None when not read)
Written = tuple[list[bool], dict[int, str | None], ChatsNotes | None]
T = TypeVar("T")

SQLITE_IN_CHUNK = 500  # ids per IN (...) query: far below SQLite's bind limit
POSTGRES_RETRIES = 3  # attempts when PostgreSQL aborts the statement for a deadlock
_RETRY_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure
_ADAPTER_OPTIONS = {"prepared_statement_cache_size", "prepared_statement_name_func"}


def _latest_users(fresh: Iterable[SeenUpdate]) -> dict[int, tuple[str, str | None]]:
    latest = {
        seen.user.id: (_user_name(seen.user.first_name), _language_code(seen.user.language_code))
        for seen in fresh
        if seen.user is not None
    }
    return dict(sorted(latest.items()))


def _latest_chats(fresh: Iterable[SeenUpdate]) -> dict[int, tuple[str, str | None]]:
    latest = {
        seen.chat.id: (_chat_type(seen.chat.type), _chat_title(seen.chat.title))
        for seen in fresh
        if seen.chat is not None
    }
    return dict(sorted(latest.items()))


def _wanted(fresh: Iterable[SeenUpdate]) -> set[int]:
    return {seen.user.id for seen in fresh if seen.user is not None and seen.wants_language}


def _time_binder(dialect: Any) -> Callable[[datetime], Any]:
    """How the timestamp columns store an instant on ``dialect`` (as SQLAlchemy would)."""
    column_type = InboxUpdate.__table__.c.received_at.type
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    assert processor is not None
    return processor


def _time_reader(dialect: Any) -> Callable[[Any], Any]:
    """How a timestamp column's stored value reads back on ``dialect`` (aware UTC)."""
    column_type = InboxUpdate.__table__.c.received_at.type
    processor = column_type.dialect_impl(dialect).result_processor(dialect, None)
    assert processor is not None
    return processor


def in_transaction(connection: sqlite3.Connection, work: Callable[[], T]) -> T:
    """``work`` inside BEGIN IMMEDIATE … COMMIT on an autocommit ``sqlite3`` connection."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = work()
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return result


_SQLITE_CLAIM = (
    "INSERT INTO inbox_updates (bot_id, update_id, state, payload, attempts, replies_sent,"
    " claimed_at, received_at) VALUES (?, ?, 'pending', ?, 1, 0, ?, ?)"
    " ON CONFLICT (bot_id, update_id) DO NOTHING RETURNING update_id"
)
_SQLITE_USER = (
    "INSERT INTO users (id, first_name, telegram_language, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name,"
    " telegram_language = excluded.telegram_language, updated_at = excluded.updated_at"
    " WHERE users.first_name != excluded.first_name"
    " OR users.telegram_language IS NOT excluded.telegram_language"
    " RETURNING id, language"
)
_SQLITE_CHAT = (
    "INSERT INTO chats (id, type, title, active, created_at, updated_at)"
    " VALUES (?, ?, ?, 1, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,"
    " updated_at = excluded.updated_at"
    " WHERE chats.type != excluded.type OR chats.title IS NOT excluded.title"
)
_SQLITE_PRUNE = (
    "DELETE FROM inbox_updates WHERE (state = 'done' AND received_at < ?)"
    " OR (state = 'dead' AND received_at < ?)"
)


_SQLITE_MARK = (
    "UPDATE inbox_updates SET replies_sent = max(replies_sent, ?),"
    " state = coalesce(?, state), last_error = coalesce(?, last_error)"
    " WHERE bot_id = ? AND update_id = ? AND state = 'pending'"
)


def _mark_row(mark: Mark) -> tuple[int, str | None, str | None, int, int]:
    error = mark.error[:ERROR_CHARS] if mark.error is not None else None
    return (mark.replies_sent, mark.state, error, mark.bot_id, mark.update_id)


class SqliteClaimWriter:
    """Claim batches written on a ``sqlite3`` connection that lives in one worker thread."""

    def __init__(self, path: str, busy_timeout_s: float) -> None:
        self.path = path
        self.busy_timeout_s = busy_timeout_s
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="update-claims")
        self._connection: sqlite3.Connection | None = None
        self.stamp = _time_binder(sqlite.dialect())
        self.read_time = _time_reader(sqlite.dialect())

    async def write(self, batch: Sequence[SeenUpdate], now: datetime) -> Written:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self._write, batch, now)

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(connection)`` in this writer's thread: one handoff, in turn with the claims
        (other short reads and writes of the hot path, bot.db.searches, bot.db.notebook_files).
        The connection is in autocommit mode: ``in_transaction`` for more than one write."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: work(self._connect()))

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(
                self.path, timeout=self.busy_timeout_s, isolation_level=None
            )
            for pragma in (
                "PRAGMA journal_mode=WAL",
                "PRAGMA foreign_keys=ON",
                "PRAGMA synchronous=NORMAL",
                f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}",
            ):
                connection.execute(pragma)
            self._connection = connection
        return self._connection

    def _write(self, batch: Sequence[SeenUpdate], now: datetime) -> Written:
        connection = self._connect()
        return in_transaction(connection, lambda: self._claim(connection, batch, now))

    def _claim(
        self, connection: sqlite3.Connection, batch: Sequence[SeenUpdate], now: datetime
    ) -> Written:
        stamp = self.stamp(now)
        new_keys = set()
        payloads = {(seen.bot_id, seen.update_id): seen.payload for seen in reversed(batch)}
        for (bot_id, update_id), payload in sorted(payloads.items()):
            row = (bot_id, update_id, payload, stamp, stamp)
            if connection.execute(_SQLITE_CLAIM, row).fetchall():
                new_keys.add((bot_id, update_id))
        first_times = first_copies(batch, new_keys)
        fresh = [seen for seen, first in zip(batch, first_times, strict=True) if first]
        languages: dict[int, str | None] = {}
        for user_id, (name, code) in _latest_users(fresh).items():
            for row_id, language in connection.execute(
                _SQLITE_USER, (user_id, name, code, stamp, stamp)
            ):
                languages[row_id] = language
        chats = _latest_chats(fresh)
        for chat_id, (kind, title) in chats.items():
            connection.execute(_SQLITE_CHAT, (chat_id, kind, title, stamp, stamp))
        notes: ChatsNotes = {}
        chat_ids = list(chats)
        for start in range(0, len(chat_ids), SQLITE_IN_CHUNK):
            chunk = chat_ids[start : start + SQLITE_IN_CHUNK]
            query = CHATS_NOTES.format(chats=", ".join("?" * len(chunk)))
            for chat_id, path, size, sha256, added_at, keep in connection.execute(query, chunk):
                files, _ = notes.setdefault(chat_id, ([], bool(keep)))
                files.append(StoredNote(path, size, sha256, self.read_time(added_at)))
        unread = sorted(_wanted(fresh) - languages.keys())
        for start in range(0, len(unread), SQLITE_IN_CHUNK):
            chunk = unread[start : start + SQLITE_IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            query = f"SELECT id, language FROM users WHERE id IN ({marks})"
            languages.update(dict.fromkeys(chunk))
            languages.update(connection.execute(query, chunk).fetchall())
        if wants_pruning(new_keys):
            old = (self.stamp(now - KEEP_DONE_FOR), self.stamp(now - KEEP_DEAD_FOR))
            connection.execute(_SQLITE_PRUNE, old)
        return first_times, languages, notes

    async def write_marks(
        self, marks: Sequence[Mark], searches: SearchesToSave | None = None
    ) -> None:
        """Inbox marks (bot.db.marks), and ``searches`` to save with them, in one transaction
        on the same thread and connection."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, self._write_marks, marks, searches)

    def _write_marks(self, marks: Sequence[Mark], searches: SearchesToSave | None) -> None:
        connection = self._connect()
        ordered = sorted(marks, key=lambda m: (m.bot_id, m.update_id))
        rows = [_mark_row(mark) for mark in ordered]

        def write() -> None:
            connection.executemany(_SQLITE_MARK, rows)
            if searches is not None:
                save_on_sqlite(connection, searches, self.stamp)

        in_transaction(connection, write)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, self._close)
        self.executor.shutdown(wait=False)

    def discard(self) -> None:
        """Let go without a running loop (the loop that used it is gone)."""
        self.executor.submit(self._close)
        self.executor.shutdown(wait=False)


# One statement. Every data-modifying CTE runs once, to completion, whether read or not; all see
# the snapshot taken before the statement. ``n`` keeps the batch order (first copy of an update
# id is the claimed one; the last sighting of a user or chat wins).
_POSTGRES_CLAIM = """
WITH batch AS (
    SELECT * FROM unnest(
        $1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bool[],
        $6::bigint[], $7::text[], $8::text[], $12::bigint[], $13::text[]
    ) WITH ORDINALITY AS b(
        update_id, user_id, first_name, telegram_language, wants_language,
        chat_id, chat_type, chat_title, bot_id, payload, n
    )
),
claimed AS (
    INSERT INTO inbox_updates (
        bot_id, update_id, state, payload, attempts, replies_sent, claimed_at, received_at
    )
    SELECT DISTINCT ON (bot_id, update_id) bot_id, update_id, 'pending', payload, 1, 0,
        $9::timestamp, $9::timestamp
    FROM batch ORDER BY bot_id, update_id, n
    ON CONFLICT (bot_id, update_id) DO NOTHING
    RETURNING bot_id, update_id
),
fresh AS (
    SELECT DISTINCT ON (batch.update_id) batch.*
    FROM batch JOIN claimed
        ON claimed.update_id = batch.update_id AND claimed.bot_id = batch.bot_id
    ORDER BY batch.update_id, batch.n
),
seen_users AS (
    SELECT DISTINCT ON (user_id) user_id, first_name, telegram_language
    FROM fresh WHERE user_id IS NOT NULL
    ORDER BY user_id, n DESC
),
recorded_users AS (
    INSERT INTO users (id, first_name, telegram_language, created_at, updated_at)
    SELECT user_id, first_name, telegram_language, $9::timestamp, $9::timestamp
    FROM seen_users ORDER BY user_id
    ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name,
        telegram_language = excluded.telegram_language, updated_at = excluded.updated_at
    WHERE users.first_name IS DISTINCT FROM excluded.first_name
        OR users.telegram_language IS DISTINCT FROM excluded.telegram_language
    RETURNING id, language
),
seen_chats AS (
    SELECT DISTINCT ON (chat_id) chat_id, chat_type, chat_title
    FROM fresh WHERE chat_id IS NOT NULL
    ORDER BY chat_id, n DESC
),
recorded_chats AS (
    INSERT INTO chats (id, type, title, active, created_at, updated_at)
    SELECT chat_id, chat_type, chat_title, true, $9::timestamp, $9::timestamp
    FROM seen_chats ORDER BY chat_id
    ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,
        updated_at = excluded.updated_at
    WHERE chats.type IS DISTINCT FROM excluded.type
        OR chats.title IS DISTINCT FROM excluded.title
    RETURNING id
),
pruned AS (
    DELETE FROM inbox_updates
    WHERE ((state = 'done' AND received_at < $10::timestamp)
            OR (state = 'dead' AND received_at < $14::timestamp))
        AND EXISTS (SELECT 1 FROM claimed WHERE update_id % $11 = 0)
    RETURNING update_id
),
notes AS (
    SELECT f.chat_id, f.path, f.size, f.sha256, f.added_at, o.keep_demo
    FROM notebook_files AS f LEFT JOIN notebook_options AS o ON o.chat_id = f.chat_id
    WHERE f.chat_id IN (SELECT chat_id FROM seen_chats)
)
SELECT 'claimed' AS what, update_id AS id, NULL AS language, bot_id,
    NULL::text AS path, NULL::integer AS size, NULL::text AS sha256,
    NULL::timestamp AS added_at, NULL::boolean AS keep_demo
FROM claimed
UNION ALL
SELECT 'user', id, language, NULL, NULL, NULL, NULL, NULL, NULL FROM recorded_users
UNION ALL
SELECT 'user', users.id, users.language, NULL, NULL, NULL, NULL, NULL, NULL FROM users
WHERE users.id IN (SELECT user_id FROM fresh WHERE wants_language)
    AND users.id NOT IN (SELECT id FROM recorded_users)
UNION ALL
SELECT 'notes', chat_id, NULL, NULL, path, size, sha256, added_at, keep_demo FROM notes
"""


_POSTGRES_MARKS = """
UPDATE inbox_updates AS i SET
    replies_sent = GREATEST(i.replies_sent, m.replies_sent),
    state = COALESCE(m.state, i.state),
    last_error = COALESCE(m.error, i.last_error)
FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[])
    AS m(bot_id, update_id, replies_sent, state, error)
WHERE i.bot_id = m.bot_id AND i.update_id = m.update_id AND i.state = 'pending'
"""


def _by_path(row: Any) -> tuple[int, str]:
    return row["id"], row["path"]


class PostgresClaimWriter:
    """Claim batches written as one statement on an asyncpg connection kept for them."""

    def __init__(self, engine: AsyncEngine) -> None:
        # what SQLAlchemy would pass to asyncpg.connect, less the options of its own adapter
        _, connect_kwargs = engine.dialect.create_connect_args(engine.url)
        self.connect_kwargs = {
            key: value for key, value in connect_kwargs.items() if key not in _ADAPTER_OPTIONS
        }
        self._connection: Any = None
        self.stamp = _time_binder(postgresql.asyncpg.dialect())
        self.read_time = _time_reader(postgresql.asyncpg.dialect())
        self._lock = asyncio.Lock()  # one operation at a time on the connection

    async def _connect(self) -> Any:
        import asyncpg

        if self._connection is None or self._connection.is_closed():
            self._connection = await asyncpg.connect(**self.connect_kwargs)
        return self._connection

    async def write(self, batch: Sequence[SeenUpdate], now: datetime) -> Written:
        columns: list[list[Any]] = [[] for _ in range(10)]
        for seen in batch:
            user, chat = seen.user, seen.chat
            row = (
                seen.update_id,
                user.id if user else None,
                _user_name(user.first_name) if user else None,
                _language_code(user.language_code) if user else None,
                bool(user and seen.wants_language),
                chat.id if chat else None,
                _chat_type(chat.type) if chat else None,
                _chat_title(chat.title) if chat else None,
                seen.bot_id,
                seen.payload,
            )
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        arguments = (
            *columns[:8],
            self.stamp(now),
            self.stamp(now - KEEP_DONE_FOR),
            PRUNE_EVERY,
            *columns[8:],
            self.stamp(now - KEEP_DEAD_FOR),
        )
        rows = await self._fetch(arguments)
        new_keys = {(row["bot_id"], row["id"]) for row in rows if row["what"] == "claimed"}
        languages = {row["id"]: row["language"] for row in rows if row["what"] == "user"}
        notes: ChatsNotes = {}
        for row in sorted((row for row in rows if row["what"] == "notes"), key=_by_path):
            files, _ = notes.setdefault(row["id"], ([], bool(row["keep_demo"])))
            added_at = self.read_time(row["added_at"])
            files.append(StoredNote(row["path"], row["size"], row["sha256"], added_at))
        return first_copies(batch, new_keys), languages, notes

    async def write_marks(
        self, marks: Sequence[Mark], searches: SearchesToSave | None = None
    ) -> None:
        """Inbox marks (bot.db.marks) as one statement; with ``searches`` to save, in one
        transaction with them."""
        rows = [_mark_row(mark) for mark in sorted(marks, key=lambda m: (m.bot_id, m.update_id))]
        columns = (
            [row[3] for row in rows],
            [row[4] for row in rows],
            [row[0] for row in rows],
            [row[1] for row in rows],
            [row[2] for row in rows],
        )
        if searches is None:
            await self.run(lambda connection: connection.execute(_POSTGRES_MARKS, *columns))
            return

        async def write(connection: Any) -> None:
            async with connection.transaction():
                await connection.execute(_POSTGRES_MARKS, *columns)
                await save_on_postgres(connection, searches, self.stamp)

        await self.run(write)

    async def run(self, work: Callable[[Any], Awaitable[T]]) -> T:
        """``await work(connection)`` on this writer's asyncpg connection, in turn with the
        claims (other short reads and writes of the hot path: one round trip each)."""
        async with self._lock:
            connection = await self._connect()
            try:
                return await work(connection)
            except Exception:
                if connection.is_closed():
                    self._connection = None
                raise

    async def _fetch(self, arguments: Sequence[Any]) -> list[Any]:
        async with self._lock:
            return await self._fetch_unlocked(arguments)

    async def _fetch_unlocked(self, arguments: Sequence[Any]) -> list[Any]:
        for attempt in range(1, POSTGRES_RETRIES + 1):
            connection = await self._connect()
            try:
                return await connection.fetch(_POSTGRES_CLAIM, *arguments)
            except Exception as error:
                if getattr(error, "sqlstate", None) in _RETRY_SQLSTATES and (
                    attempt < POSTGRES_RETRIES
                ):
                    log.info("claim batch aborted (%s), trying again", error)
                    continue
                if connection.is_closed():
                    self._connection = None
                raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    def discard(self) -> None:
        if self._connection is not None:
            self._connection.terminate()
            self._connection = None


ClaimWriter = SqliteClaimWriter | PostgresClaimWriter
