"""The declarative base, a UTC timestamp column type, and a portable "insert unless present"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, DateTime, MetaData, Result, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations (and SQLite batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC, read back as an aware UTC ``datetime`` on any backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


_CONFLICT_INSERTS: dict[str, Callable[..., Any]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


def conflict_insert(session: AsyncSession) -> Callable[..., Any] | None:
    """The dialect's ``insert`` with ``ON CONFLICT`` clauses (SQLite, PostgreSQL), else None."""
    return _CONFLICT_INSERTS.get(session.get_bind().dialect.name)


def affected_rows(result: Result[Any]) -> int:
    """How many rows an INSERT/UPDATE/DELETE touched (``Result`` is a ``CursorResult`` then)."""
    return cast("CursorResult[Any]", result).rowcount


async def insert_unless_present(session: AsyncSession, model: type[Base], **values: Any) -> bool:
    """Insert one row; False (and no error) when a unique or primary key already holds it.

    SQLite and PostgreSQL get ``INSERT ... ON CONFLICT DO NOTHING``; any other backend gets a
    plain INSERT inside a SAVEPOINT, with the IntegrityError caught.
    """
    insert_for = conflict_insert(session)
    if insert_for is not None:
        result = await session.execute(insert_for(model).values(**values).on_conflict_do_nothing())
        return affected_rows(result) == 1
    try:
        async with session.begin_nested():
            await session.execute(insert(model).values(**values))
    except IntegrityError:
        return False
    return True
