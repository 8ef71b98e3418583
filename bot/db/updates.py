"""Duplicate delivery guard: each Telegram update id is handled once (claimed one by one or a
batch at a time), and old ids are pruned."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import affected_rows, conflict_insert, insert_unless_present, utcnow
from bot.db.models import ProcessedUpdate

KEEP_UPDATES_FOR = timedelta(days=2)
PRUNE_EVERY = 500  # update ids: prune when one of them is a multiple of this


async def claim_update(session: AsyncSession, update_id: int) -> bool:
    """True the first time an update id is seen, False for a redelivery."""
    now = utcnow()
    claimed = await insert_unless_present(
        session, ProcessedUpdate, update_id=update_id, seen_at=now
    )
    if claimed and update_id % PRUNE_EVERY == 0:
        await prune_processed_updates(session, now - KEEP_UPDATES_FOR)
    return claimed


async def prune_processed_updates(session: AsyncSession, before: datetime) -> int:
    """Forget update ids seen before ``before`` (Telegram stops redelivering long before)."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.seen_at < before))
    return affected_rows(result) or 0


@cache
def _claim_statement(insert_for: Callable[..., Any]) -> Any:
    """Built once per dialect: constructing a statement costs more than finding it cached."""
    table = ProcessedUpdate.__table__
    return (
        insert_for(table)
        .on_conflict_do_nothing(index_elements=[table.c.update_id])
        .returning(table.c.update_id)
    )


async def claim_updates(session: AsyncSession, update_ids: Iterable[int]) -> set[int]:
    """The ids among ``update_ids`` seen for the first time (now recorded), in one statement.

    SQLite and PostgreSQL get one ``INSERT ... ON CONFLICT DO NOTHING RETURNING update_id``
    (a cached single-row statement run with many parameter sets: SQLAlchemy's
    "insertmanyvalues" sends them as one multi-row INSERT; a literal multi-row ``values()``
    would be compiled afresh every time); other backends claim id by id.
    Rows go in id order: two instances claiming overlapping batches then lock them in the same
    order (in any other order PostgreSQL may find a deadlock and abort one).
    """
    ids = sorted(set(update_ids))
    if not ids:
        return set()
    now = utcnow()
    insert_for = conflict_insert(session)
    if insert_for is not None and session.get_bind().dialect.insert_returning:
        rows = [{"update_id": update_id, "seen_at": now} for update_id in ids]
        claimed = set((await session.execute(_claim_statement(insert_for), rows)).scalars())
    else:
        claimed = set()
        for update_id in ids:
            if await insert_unless_present(
                session, ProcessedUpdate, update_id=update_id, seen_at=now
            ):
                claimed.add(update_id)
    if any(update_id % PRUNE_EVERY == 0 for update_id in claimed):
        await prune_processed_updates(session, now - KEEP_UPDATES_FOR)
    return claimed
