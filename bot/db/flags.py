"""Students' "👎 Bad question" flags: recording one, the items a chat must no longer be asked
(flagged in that chat, or by enough different students of the same notes), and the owner's view."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import insert_unless_present
from bot.db.models import QuizFlag

MAX_QUESTION_CHARS = 300


async def flag_item(
    session: AsyncSession,
    *,
    scope: str,
    item_id: str,
    chat_id: int,
    user_id: int,
    question: str,
    at: datetime,
) -> bool:
    """Record ``user_id``'s flag on ``item_id`` in ``chat_id``; False when they already had."""
    return await insert_unless_present(
        session,
        QuizFlag,
        scope=scope,
        item_id=item_id,
        chat_id=chat_id,
        user_id=user_id,
        question=question[:MAX_QUESTION_CHARS],
        flagged_at=at,
    )


def _retired_everywhere(scope: str, threshold: int) -> ColumnElement[bool]:
    """Item ids of ``scope`` flagged by at least ``threshold`` different students."""
    enough = (
        select(QuizFlag.item_id)
        .where(QuizFlag.scope == scope)
        .group_by(QuizFlag.item_id)
        .having(func.count(func.distinct(QuizFlag.user_id)) >= threshold)
    )
    return QuizFlag.item_id.in_(enough)


async def retired_items(
    session: AsyncSession, *, scope: str, chat_id: int, threshold: int
) -> set[str]:
    """The items of ``scope`` that ``chat_id`` is never asked again: flagged in the chat, or by
    ``threshold`` different students anywhere."""
    rows = await session.scalars(
        select(QuizFlag.item_id)
        .where(
            QuizFlag.scope == scope,
            or_(QuizFlag.chat_id == chat_id, _retired_everywhere(scope, threshold)),
        )
        .distinct()
    )
    return set(rows)


async def retired_by_chat(
    session: AsyncSession, scopes: Mapping[int, str], *, threshold: int
) -> dict[int, set[str]]:
    """:func:`retired_items` for many chats at once (``scopes``: chat id → its notes' scope), in
    two queries whatever the number of chats (the daily fan-out)."""
    retired: dict[int, set[str]] = {chat_id: set() for chat_id in scopes}
    if not scopes:
        return retired
    everywhere: dict[str, set[str]] = {}
    rows = await session.execute(
        select(QuizFlag.scope, QuizFlag.item_id)
        .where(QuizFlag.scope.in_(set(scopes.values())))
        .group_by(QuizFlag.scope, QuizFlag.item_id)
        .having(func.count(func.distinct(QuizFlag.user_id)) >= threshold)
    )
    for scope, item_id in rows:
        everywhere.setdefault(scope, set()).add(item_id)
    own = await session.execute(
        select(QuizFlag.chat_id, QuizFlag.scope, QuizFlag.item_id).where(
            QuizFlag.chat_id.in_(list(scopes))
        )
    )
    for chat_id, scope, item_id in own:
        if scopes.get(chat_id) == scope:
            retired[chat_id].add(item_id)
    for chat_id, scope in scopes.items():
        retired[chat_id] |= everywhere.get(scope, set())
    return retired


def askable(item_ids: Iterable[str], retired: set[str]) -> list[str]:
    """``item_ids`` without the retired ones, order kept."""
    return [item_id for item_id in item_ids if item_id not in retired]


@dataclass(frozen=True, slots=True)
class FlaggedItem:
    """One flagged item, as the owner sees it."""

    scope: str
    item_id: str
    question: str
    students: int
    chats: int
    last_flagged: datetime

    def retired_everywhere(self, threshold: int) -> bool:
        return self.students >= threshold


async def flagged_items(session: AsyncSession, *, limit: int | None = None) -> list[FlaggedItem]:
    """Every flagged item, most flagged first (then the most recently flagged)."""
    students = func.count(func.distinct(QuizFlag.user_id))
    last = func.max(QuizFlag.flagged_at)
    query = (
        select(
            QuizFlag.scope,
            QuizFlag.item_id,
            func.max(QuizFlag.question),
            students,
            func.count(func.distinct(QuizFlag.chat_id)),
            last,
        )
        .group_by(QuizFlag.scope, QuizFlag.item_id)
        .order_by(students.desc(), last.desc(), QuizFlag.item_id)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = await session.execute(query)
    return [
        FlaggedItem(scope, item_id, question or "", int(n_students), int(n_chats), when)
        for scope, item_id, question, n_students, n_chats, when in rows
    ]


@dataclass(frozen=True, slots=True)
class FlagCounts:
    """How many flags there are, on how many items, and how many items are retired for all."""

    flags: int
    items: int
    retired_everywhere: int


async def flag_counts(session: AsyncSession, *, threshold: int) -> FlagCounts:
    """The owner's /status line on flags, in one round trip."""
    per_item = (
        select(func.count(func.distinct(QuizFlag.user_id)).label("students"))
        .group_by(QuizFlag.scope, QuizFlag.item_id)
        .subquery()
    )
    row = (
        await session.execute(
            select(
                select(func.count()).select_from(QuizFlag).scalar_subquery(),
                select(func.count()).select_from(per_item).scalar_subquery(),
                select(func.count())
                .select_from(per_item)
                .where(per_item.c.students >= threshold)
                .scalar_subquery(),
            )
        )
    ).one()
    return FlagCounts(*(int(value or 0) for value in row))
