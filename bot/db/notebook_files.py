"""A chat's own note files as stored (the source of truth for its notebook), and its choice to
keep the shipped demo notes on beside them."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import insert_unless_present, utcnow
from bot.db.models import NotebookFile, NotebookOptions
from bot.db.session import Database

_BATCH = 500  # paths per statement (well under every driver's limit on bound parameters)


@dataclass(frozen=True, slots=True)
class StoredNote:
    """One file of a chat's notes, without its bytes."""

    path: str
    size: int
    sha256: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class NotesRead:
    """A chat's files (``note_files``) and ``keeps_demo`` as read at one moment, by the claim of
    an update from the chat (bot.db.claims): its notes check needs no query of its own.
    ``read_at``: ``time.monotonic()`` just before the read."""

    chat_id: int
    files: tuple[StoredNote, ...]
    keep_demo: bool
    read_at: float


@asynccontextmanager
async def reading(db: Database) -> AsyncIterator[AsyncSession]:
    """A session for reads alone: it never commits (it rolls back when closed), so a check made
    before many requests costs a query, not a transaction."""
    async with AsyncSession(db.engine, expire_on_commit=False) as session:
        yield session


async def note_files(session: AsyncSession, chat_id: int) -> list[StoredNote]:
    """The chat's files, by path."""
    rows = await session.execute(
        select(NotebookFile.path, NotebookFile.size, NotebookFile.sha256, NotebookFile.added_at)
        .where(NotebookFile.chat_id == chat_id)
        .order_by(NotebookFile.path)
    )
    return [StoredNote(*row) for row in rows]


_STORED_NOTES = (
    "SELECT f.path, f.size, f.sha256, f.added_at, o.keep_demo FROM notebook_files AS f"
    " LEFT JOIN notebook_options AS o ON o.chat_id = f.chat_id"
    " WHERE f.chat_id = {chat} ORDER BY f.path"
)
# the same for several chats at once (the claim of a batch of updates, bot.db.claim_writers)
CHATS_NOTES = (
    "SELECT f.chat_id, f.path, f.size, f.sha256, f.added_at, o.keep_demo"
    " FROM notebook_files AS f LEFT JOIN notebook_options AS o ON o.chat_id = f.chat_id"
    " WHERE f.chat_id IN ({chats}) ORDER BY f.chat_id, f.path"
)


async def stored_notes(db: Database, chat_id: int) -> tuple[list[StoredNote], bool]:
    """The chat's files by path (``note_files``) and, when it has any, ``keeps_demo``: one
    query on the claims' own connection where there is one (the check made before a chat's
    requests), else a reading session."""
    from bot.db.claim_writers import PostgresClaimWriter, SqliteClaimWriter

    writer = db.claim_writer()
    if isinstance(writer, SqliteClaimWriter):
        query = _STORED_NOTES.format(chat="?")
        rows = await writer.run(lambda connection: connection.execute(query, (chat_id,)).fetchall())
    elif isinstance(writer, PostgresClaimWriter):
        rows = await writer.run(
            lambda connection: connection.fetch(_STORED_NOTES.format(chat="$1"), chat_id)
        )
    else:
        async with reading(db) as session:
            stored = await note_files(session, chat_id)
            return stored, (await keeps_demo(session, chat_id) if stored else False)
    stored = [
        StoredNote(path, size, sha256, writer.read_time(added_at))
        for path, size, sha256, added_at, _ in rows
    ]
    return stored, bool(rows and rows[0][4])


async def note_contents(session: AsyncSession, chat_id: int) -> dict[str, bytes]:
    """Every file of the chat's notes: its bytes by path."""
    rows = await session.execute(
        select(NotebookFile.path, NotebookFile.content).where(NotebookFile.chat_id == chat_id)
    )
    return {path: content for path, content in rows}


async def put_note_files(
    session: AsyncSession, chat_id: int, files: Iterable[tuple[str, bytes]]
) -> None:
    """Add or replace files (same path: the new bytes replace the old) in the caller's
    transaction, so a batch lands whole or not at all. One DELETE and one multi-row INSERT per
    batch of paths: a vault of hundreds of files holds the database's write lock for
    milliseconds, not seconds (other chats' updates write meanwhile)."""
    now = utcnow()
    rows = [
        {
            "chat_id": chat_id,
            "path": path,
            "content": content,
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
            "added_at": now,
        }
        for path, content in dict(files).items()
    ]
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        await session.execute(
            delete(NotebookFile).where(
                NotebookFile.chat_id == chat_id,
                NotebookFile.path.in_([row["path"] for row in batch]),
            )
        )
        await session.execute(insert(NotebookFile), batch)


async def remove_note_files(
    session: AsyncSession, chat_id: int, paths: Sequence[str] | None = None
) -> int:
    """Remove the chat's files at ``paths`` (None: all of them); the number removed."""
    statement = delete(NotebookFile).where(NotebookFile.chat_id == chat_id)
    if paths is not None:
        statement = statement.where(NotebookFile.path.in_(list(paths)))
    result = cast(CursorResult[Any], await session.execute(statement))
    return int(result.rowcount or 0)


async def chats_with_notes(session: AsyncSession) -> list[int]:
    """Every chat that has notes of its own."""
    rows = await session.scalars(select(NotebookFile.chat_id).distinct())
    return sorted(rows)


async def notes_total_size(session: AsyncSession, chat_id: int) -> int:
    """Bytes of the chat's notes, all files together."""
    total = await session.scalar(
        select(func.coalesce(func.sum(NotebookFile.size), 0)).where(NotebookFile.chat_id == chat_id)
    )
    return int(total or 0)


async def keeps_demo(session: AsyncSession, chat_id: int) -> bool:
    """Whether the chat keeps the shipped demo notes on beside its own."""
    value = await session.scalar(
        select(NotebookOptions.keep_demo).where(NotebookOptions.chat_id == chat_id)
    )
    return bool(value)


async def set_keep_demo(session: AsyncSession, chat_id: int, keep: bool) -> None:
    """Switch the demo notes on or off beside the chat's own."""
    inserted = await insert_unless_present(
        session, NotebookOptions, chat_id=chat_id, keep_demo=keep, updated_at=utcnow()
    )
    if not inserted:
        row = await session.get(NotebookOptions, chat_id)
        assert row is not None
        row.keep_demo = keep
        await session.flush()
