"""The inbox table's queries: updates received (inserted unless present, leased to the receiver),
stale ones claimed again for a replay (a conditional UPDATE: one instance wins), marks of
progress (replies sent, done, dead), and pruning of what is finished."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import affected_rows, conflict_insert, insert_unless_present, utcnow
from bot.db.models import InboxUpdate
from bot.db.seen import SeenUpdate

PENDING, DONE, DEAD = "pending", "done", "dead"
KEEP_DONE_FOR = timedelta(days=2)  # Telegram stops redelivering long before
KEEP_DEAD_FOR = timedelta(days=14)  # set aside for the owner to look at
PRUNE_EVERY = 500  # update ids: prune when one of them is a multiple of this
ERROR_CHARS = 2000  # of a dead update's error kept


@dataclass(frozen=True, slots=True)
class Replay:
    """A pending update claimed again: its raw JSON, and how far its first attempts got."""

    update_id: int
    payload: str
    attempts: int
    replies_sent: int


@dataclass(frozen=True, slots=True)
class Mark:
    """Progress of one update: ``replies_sent`` so far; ``state`` DONE or DEAD (None: still
    pending); ``error`` why it is dead."""

    bot_id: int
    update_id: int
    replies_sent: int
    state: str | None = None
    error: str | None = None


def first_copies(batch: Sequence[SeenUpdate], new_keys: set[tuple[int, int]]) -> list[bool]:
    """Per batch entry: whether it is the first copy of an update received just now."""
    unclaimed = set(new_keys)
    first_times = []
    for seen in batch:
        key = (seen.bot_id, seen.update_id)
        first_times.append(key in unclaimed)
        unclaimed.discard(key)
    return first_times


def wants_pruning(new_keys: Iterable[tuple[int, int]]) -> bool:
    return any(update_id % PRUNE_EVERY == 0 for _, update_id in new_keys)


@cache
def _receive_statement(insert_for: Callable[..., Any]) -> Any:
    """Built once per dialect: constructing a statement costs more than finding it cached."""
    table = InboxUpdate.__table__
    return (
        insert_for(table)
        .on_conflict_do_nothing(index_elements=[table.c.bot_id, table.c.update_id])
        .returning(table.c.bot_id, table.c.update_id)
    )


async def receive_updates(
    session: AsyncSession, batch: Sequence[SeenUpdate]
) -> set[tuple[int, int]]:
    """Store the updates of ``batch`` not in the inbox yet, pending and leased to the caller
    (one attempt); the (bot id, update id) keys stored.

    SQLite and PostgreSQL get one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (a cached
    single-row statement run with many parameter sets, sent as one multi-row INSERT); other
    backends insert row by row. Rows go in key order: two instances receiving overlapping
    batches lock them in the same order (in any other PostgreSQL may find a deadlock).
    """
    now = utcnow()
    first: dict[tuple[int, int], SeenUpdate] = {}
    for seen in batch:
        first.setdefault((seen.bot_id, seen.update_id), seen)
    if not first:
        return set()
    rows: list[dict[str, Any]] = [
        {
            "bot_id": bot_id,
            "update_id": update_id,
            "state": PENDING,
            "payload": seen.payload,
            "attempts": 1,
            "replies_sent": 0,
            "claimed_at": now,
            "received_at": now,
        }
        for (bot_id, update_id), seen in sorted(first.items())
    ]
    insert_for = conflict_insert(session)
    fresh: set[tuple[int, int]] = set()
    if insert_for is not None and session.get_bind().dialect.insert_returning:
        result = await session.execute(_receive_statement(insert_for), rows)
        fresh = {(int(row[0]), int(row[1])) for row in result}
    else:
        for row in rows:
            if await insert_unless_present(session, InboxUpdate, **row):
                fresh.add((row["bot_id"], row["update_id"]))
    if wants_pruning(fresh):
        await prune_inbox(session, now)
    return fresh


async def prune_inbox(session: AsyncSession, now: datetime) -> int:
    """Forget done updates after ``KEEP_DONE_FOR`` and dead ones after ``KEEP_DEAD_FOR``."""
    result = await session.execute(
        delete(InboxUpdate).where(
            or_(
                and_(InboxUpdate.state == DONE, InboxUpdate.received_at < now - KEEP_DONE_FOR),
                and_(InboxUpdate.state == DEAD, InboxUpdate.received_at < now - KEEP_DEAD_FOR),
            )
        )
    )
    return affected_rows(result) or 0


async def store_dead(
    session: AsyncSession, bot_id: int, update_id: int, payload: str, error: str
) -> bool:
    """An update that cannot even be read: kept, set aside, never handled."""
    now = utcnow()
    return await insert_unless_present(
        session,
        InboxUpdate,
        bot_id=bot_id,
        update_id=update_id,
        state=DEAD,
        payload=payload,
        attempts=1,
        replies_sent=0,
        claimed_at=now,
        last_error=error[:ERROR_CHARS],
        received_at=now,
    )


async def claim_for_replay(
    session: AsyncSession,
    bot_id: int,
    *,
    lease: timedelta,
    max_attempts: int,
    limit: int = 100,
    now: datetime | None = None,
) -> list[Replay]:
    """Pending updates of ``bot_id`` whose lease ran out, claimed for this caller (lease renewed,
    one attempt more), oldest first. Each is claimed by a conditional UPDATE that re-checks the
    lease, so two instances never both replay one. Those out of attempts go dead instead."""
    now = now or utcnow()
    stale = and_(
        InboxUpdate.bot_id == bot_id,
        InboxUpdate.state == PENDING,
        or_(InboxUpdate.claimed_at.is_(None), InboxUpdate.claimed_at < now - lease),
    )
    await session.execute(
        update(InboxUpdate)
        .where(stale, InboxUpdate.attempts >= max_attempts)
        .values(
            state=DEAD,
            last_error=func.coalesce(InboxUpdate.last_error, "")
            + f"gave up after {max_attempts} attempts",
        )
    )
    candidates = list(
        await session.scalars(
            select(InboxUpdate.update_id).where(stale).order_by(InboxUpdate.update_id).limit(limit)
        )
    )
    replays = []
    for update_id in candidates:
        row = (
            await session.execute(
                update(InboxUpdate)
                .where(stale, InboxUpdate.update_id == update_id)
                .values(claimed_at=now, attempts=InboxUpdate.attempts + 1)
                .returning(InboxUpdate.payload, InboxUpdate.attempts, InboxUpdate.replies_sent)
            )
        ).first()
        if row is not None:
            replays.append(Replay(update_id, row[0], row[1], row[2]))
    return replays


async def renew_leases(
    session: AsyncSession, bot_id: int, update_ids: Iterable[int], now: datetime | None = None
) -> int:
    """Keep the leases of updates this instance is still handling."""
    ids = sorted(set(update_ids))
    if not ids:
        return 0
    result = await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.bot_id == bot_id,
            InboxUpdate.update_id.in_(ids),
            InboxUpdate.state == PENDING,
        )
        .values(claimed_at=now or utcnow())
    )
    return affected_rows(result) or 0


async def record_marks(session: AsyncSession, marks: Sequence[Mark]) -> None:
    """Write the progress of several updates (a done or dead update stays so)."""
    for mark in sorted(marks, key=lambda m: (m.bot_id, m.update_id)):
        values: dict[str, object] = {"replies_sent": mark.replies_sent}
        if mark.state is not None:
            values["state"] = mark.state
        if mark.error is not None:
            values["last_error"] = mark.error[:ERROR_CHARS]
        await session.execute(
            update(InboxUpdate)
            .where(
                InboxUpdate.bot_id == mark.bot_id,
                InboxUpdate.update_id == mark.update_id,
                InboxUpdate.state == PENDING,
            )
            .values(**values)
        )


async def mark_done_in(session: AsyncSession, bot_id: int, update_id: int) -> None:
    """Done, inside the transaction of the update's own effect (e.g. a recorded answer)."""
    await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.bot_id == bot_id,
            InboxUpdate.update_id == update_id,
            InboxUpdate.state == PENDING,
        )
        .values(state=DONE)
    )


async def inbox_counts(session: AsyncSession) -> dict[str, int]:
    """Updates per state."""
    rows = await session.execute(
        select(InboxUpdate.state, func.count()).group_by(InboxUpdate.state)
    )
    return {state: int(count) for state, count in rows.tuples()}


async def inbox_state(session: AsyncSession, bot_id: int, update_id: int) -> InboxUpdate | None:
    return await session.get(InboxUpdate, (bot_id, update_id))


__all__ = [
    "DEAD",
    "DONE",
    "PENDING",
    "Mark",
    "Replay",
    "claim_for_replay",
    "first_copies",
    "inbox_counts",
    "inbox_state",
    "mark_done_in",
    "prune_inbox",
    "receive_updates",
    "record_marks",
    "renew_leases",
    "store_dead",
]
