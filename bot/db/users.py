"""Who the students are: names, language and time-zone choices, reminder settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import conflict_insert, insert_unless_present, utcnow
from bot.db.models import Chat, User


def is_valid_timezone(name: str) -> bool:
    """True for an IANA zone name zoneinfo knows (``Europe/Madrid``), False for anything else."""
    if not name or len(name) > 64 or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _user_name(first_name: str | None) -> str:
    return (first_name or "")[:256]


def _language_code(language_code: str | None) -> str | None:
    return language_code[:16] if language_code else None


async def ensure_user(session: AsyncSession, user_id: int, first_name: str = "") -> None:
    """Make sure a row exists for the user (keeps an existing row as it is)."""
    await insert_unless_present(
        session,
        User,
        id=user_id,
        first_name=first_name[:256],
        created_at=utcnow(),
        updated_at=utcnow(),
    )


async def upsert_user(
    session: AsyncSession, user_id: int, first_name: str | None, language_code: str | None
) -> None:
    """Record a user seen in an update: create the row, or refresh name and Telegram language."""
    name = _user_name(first_name)
    code = _language_code(language_code)
    created = await insert_unless_present(
        session,
        User,
        id=user_id,
        first_name=name,
        telegram_language=code,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    if not created:
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .where((User.first_name != name) | (User.telegram_language.is_distinct_from(code)))
            .values(first_name=name, telegram_language=code, updated_at=utcnow())
        )


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def user_language(session: AsyncSession, user_id: int) -> str | None:
    """The language the user chose with /lang, or None when they never chose."""
    return await session.scalar(select(User.language).where(User.id == user_id))


async def set_user_language(session: AsyncSession, user_id: int, lang: str | None) -> None:
    """Store the user's explicit language choice (None forgets it)."""
    await ensure_user(session, user_id)
    await session.execute(
        update(User).where(User.id == user_id).values(language=lang, updated_at=utcnow())
    )


async def user_timezone(session: AsyncSession, user_id: int) -> str | None:
    """The IANA zone the user chose with /timezone, or None."""
    return await session.scalar(select(User.timezone).where(User.id == user_id))


async def set_user_timezone(session: AsyncSession, user_id: int, tz: str | None) -> None:
    """Store the user's IANA zone (None forgets it). Raises ValueError for an unknown zone."""
    if tz is not None and not is_valid_timezone(tz):
        raise ValueError(f"unknown time zone: {tz!r}")
    await ensure_user(session, user_id)
    await session.execute(
        update(User).where(User.id == user_id).values(timezone=tz, updated_at=utcnow())
    )


async def set_user_reminder(
    session: AsyncSession, user_id: int, *, at: time | None = None, enabled: bool | None = None
) -> None:
    """Change when (local time) and whether the evening streak reminder is sent."""
    values: dict[str, object] = {"updated_at": utcnow()}
    if at is not None:
        values["reminder_time"] = at.replace(second=0, microsecond=0, tzinfo=None)
    if enabled is not None:
        values["reminder_enabled"] = enabled
    await ensure_user(session, user_id)
    await session.execute(update(User).where(User.id == user_id).values(**values))


async def user_reminder(session: AsyncSession, user_id: int) -> tuple[time, bool] | None:
    """(local reminder time, enabled) for the user, or None for an unknown user."""
    row = (
        await session.execute(
            select(User.reminder_time, User.reminder_enabled).where(User.id == user_id)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def effective_timezone(
    session: AsyncSession, user_id: int | None, chat_id: int | None, default: str = "UTC"
) -> str:
    """The zone that decides a student's "today": their own, else the chat's, else ``default``."""
    if user_id is not None:
        tz = await session.scalar(select(User.timezone).where(User.id == user_id))
        if tz and is_valid_timezone(tz):
            return tz
    if chat_id is not None:
        tz = await session.scalar(select(Chat.timezone).where(Chat.id == chat_id))
        if tz and is_valid_timezone(tz):
            return tz
    return default if is_valid_timezone(default) else "UTC"


@cache
def _record_users_statement(insert_for: Callable[..., Any], *, returning: bool) -> Any:
    """Built once per dialect: constructing a statement costs more than finding it cached."""
    table = User.__table__
    statement = insert_for(table)
    new = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={
            "first_name": new.first_name,
            "telegram_language": new.telegram_language,
            "updated_at": new.updated_at,
        },
        where=(table.c.first_name != new.first_name)
        | table.c.telegram_language.is_distinct_from(new.telegram_language),
    )
    return statement.returning(table.c.id, table.c.language) if returning else statement


async def record_users(
    session: AsyncSession, users: Iterable[tuple[int, str | None, str | None]]
) -> dict[int, str | None]:
    """``upsert_user`` for many ``(id, first_name, language_code)`` at once (a later row for the
    same id wins). Rows already current are not rewritten, so their ``updated_at`` stays.

    Returns the /lang choice of the users whose row was created or changed, as the statement
    reports them for free (``RETURNING``); ask ``explicit_languages`` for the others.
    SQLite and PostgreSQL get one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE changed``, run
    with many parameter sets (a statement SQLAlchemy caches); other backends go row by row.
    Rows go in id order, so concurrent batches lock them in the same order (no deadlock).
    """
    latest = {user_id: (first_name, code) for user_id, first_name, code in users}
    latest = dict(sorted(latest.items()))
    if not latest:
        return {}
    insert_for = conflict_insert(session)
    if insert_for is None:
        for user_id, (first_name, code) in latest.items():
            await upsert_user(session, user_id, first_name, code)
        return {}
    now = utcnow()
    rows = [
        {
            "id": user_id,
            "first_name": _user_name(first_name),
            "telegram_language": _language_code(code),
            "created_at": now,
            "updated_at": now,
        }
        for user_id, (first_name, code) in latest.items()
    ]
    if not session.get_bind().dialect.insert_returning:
        await session.execute(_record_users_statement(insert_for, returning=False), rows)
        return {}
    result = await session.execute(_record_users_statement(insert_for, returning=True), rows)
    return {user_id: language for user_id, language in result}


async def explicit_languages(
    session: AsyncSession, user_ids: Iterable[int]
) -> dict[int, str | None]:
    """Each user's /lang choice (None: never chose, or unknown user), in one query."""
    ids = set(user_ids)
    if not ids:
        return {}
    table = User.__table__
    rows = await session.execute(select(table.c.id, table.c.language).where(table.c.id.in_(ids)))
    chosen = {user_id: language for user_id, language in rows}
    return {user_id: chosen.get(user_id) for user_id in ids}
