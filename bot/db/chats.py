"""The chats the bot is in: type, title, whether it may still post there, and chat-wide settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import conflict_insert, insert_unless_present, utcnow
from bot.db.models import Chat
from bot.db.users import is_valid_timezone


def _chat_type(chat_type: str | None) -> str:
    return (chat_type or "unknown")[:16]


def _chat_title(title: str | None) -> str | None:
    return title[:256] if title else None


async def upsert_chat(
    session: AsyncSession, chat_id: int, chat_type: str, title: str | None
) -> None:
    """Record a chat seen in an update: create it (active), or refresh its type and title."""
    kind = _chat_type(chat_type)
    name = _chat_title(title)
    created = await insert_unless_present(
        session,
        Chat,
        id=chat_id,
        type=kind,
        title=name,
        active=True,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    if not created:
        await session.execute(
            update(Chat)
            .where(Chat.id == chat_id)
            .where((Chat.type != kind) | Chat.title.is_distinct_from(name))
            .values(type=kind, title=name, updated_at=utcnow())
        )


def guess_chat_type(chat_id: int) -> str:
    """A chat's type from its id alone: users' private chats have positive ids."""
    return "private" if chat_id > 0 else "group"


async def ensure_chat(session: AsyncSession, chat_id: int, chat_type: str | None = None) -> None:
    """Make sure a row exists for the chat, guessing its type from the id when unknown."""
    kind = chat_type or guess_chat_type(chat_id)
    await insert_unless_present(
        session,
        Chat,
        id=chat_id,
        type=kind,
        active=True,
        created_at=utcnow(),
        updated_at=utcnow(),
    )


async def get_chat(session: AsyncSession, chat_id: int) -> Chat | None:
    return await session.get(Chat, chat_id)


async def set_chat_active(session: AsyncSession, chat_id: int, active: bool) -> None:
    """Mark whether the bot can post in the chat (False once kicked or blocked)."""
    await ensure_chat(session, chat_id)
    await session.execute(
        update(Chat).where(Chat.id == chat_id).values(active=active, updated_at=utcnow())
    )


async def is_chat_active(session: AsyncSession, chat_id: int) -> bool:
    """False only for a chat known to have removed or blocked the bot."""
    active = await session.scalar(select(Chat.active).where(Chat.id == chat_id))
    return True if active is None else bool(active)


async def set_chat_timezone(session: AsyncSession, chat_id: int, tz: str | None) -> None:
    """Store the chat's IANA zone (None forgets it). Raises ValueError for an unknown zone."""
    if tz is not None and not is_valid_timezone(tz):
        raise ValueError(f"unknown time zone: {tz!r}")
    await ensure_chat(session, chat_id)
    await session.execute(
        update(Chat).where(Chat.id == chat_id).values(timezone=tz, updated_at=utcnow())
    )


async def chat_timezone(session: AsyncSession, chat_id: int) -> str | None:
    return await session.scalar(select(Chat.timezone).where(Chat.id == chat_id))


async def set_chat_language(session: AsyncSession, chat_id: int, lang: str | None) -> None:
    await ensure_chat(session, chat_id)
    await session.execute(
        update(Chat).where(Chat.id == chat_id).values(language=lang, updated_at=utcnow())
    )


async def chat_language(session: AsyncSession, chat_id: int) -> str | None:
    return await session.scalar(select(Chat.language).where(Chat.id == chat_id))


@cache
def _record_chats_statement(insert_for: Callable[..., Any]) -> Any:
    """Built once per dialect: constructing a statement costs more than finding it cached."""
    table = Chat.__table__
    statement = insert_for(table)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={"type": new.type, "title": new.title, "updated_at": new.updated_at},
        where=(table.c.type != new.type) | table.c.title.is_distinct_from(new.title),
    )


async def record_chats(
    session: AsyncSession, chats: Iterable[tuple[int, str | None, str | None]]
) -> None:
    """``upsert_chat`` for many ``(id, type, title)`` at once (a later row for the same id wins).
    Rows already current are not rewritten, so their ``updated_at`` stays; ``active`` is only
    set on new rows.

    SQLite and PostgreSQL get one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE changed``, run
    with many parameter sets (a statement SQLAlchemy caches); other backends go row by row.
    Rows go in id order, so concurrent batches lock them in the same order (no deadlock).
    """
    latest = {chat_id: (chat_type, title) for chat_id, chat_type, title in chats}
    latest = dict(sorted(latest.items()))
    if not latest:
        return
    insert_for = conflict_insert(session)
    if insert_for is None:
        for chat_id, (chat_type, title) in latest.items():
            await upsert_chat(session, chat_id, chat_type or "", title)
        return
    now = utcnow()
    rows = [
        {
            "id": chat_id,
            "type": _chat_type(chat_type),
            "title": _chat_title(title),
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for chat_id, (chat_type, title) in latest.items()
    ]
    await session.execute(_record_chats_statement(insert_for), rows)
