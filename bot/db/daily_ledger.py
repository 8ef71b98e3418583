"""The daily ledger's progress: each chat's plan for the day (item ids by slot), each poll
recorded the moment it is sent, and the hand-over of an unfinished post (a lease run out, or
released by an instance stopping) to whichever instance ticks next."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import affected_rows, insert_unless_present, utcnow
from bot.db.models import DailyPost, DailyPostPoll, DailySubscription, PollSent

SENDING, RELEASED, DONE = "sending", "released", "done"

PostKey = tuple[int, date]  # (chat id, local date)


@dataclass(frozen=True, slots=True)
class UnfinishedPost:
    """A claimed post not done: its plan, and the slots already sent."""

    chat_id: int
    local_date: date
    items: tuple[str, ...]
    sent_slots: frozenset[int]

    @property
    def remaining(self) -> list[tuple[int, str]]:
        """(slot, item id) still to send, in order."""
        return [(s, item) for s, item in enumerate(self.items) if s not in self.sent_slots]


def _key_filter(keys: Iterable[PostKey]) -> object:
    return tuple_(DailyPost.chat_id, DailyPost.local_date).in_(list(keys))


async def save_plans(session: AsyncSession, plans: Mapping[PostKey, Sequence[str]]) -> None:
    """Store each claimed post's plan (in the claim's transaction)."""
    for (chat_id, local_date), items in sorted(plans.items()):
        await session.execute(
            update(DailyPost)
            .where(DailyPost.chat_id == chat_id, DailyPost.local_date == local_date)
            .values(items=json.dumps(list(items)))
        )


async def stale_posts(session: AsyncSession, lease: timedelta) -> list[tuple[int, date, str]]:
    """(chat id, local date, zone) of unfinished posts in active subscriptions whose holder let
    go (released) or is gone (no progress for ``lease``, on the wall clock)."""
    now = utcnow()
    rows = await session.execute(
        select(DailyPost.chat_id, DailyPost.local_date, DailySubscription.timezone)
        .join(DailySubscription, DailySubscription.chat_id == DailyPost.chat_id)
        .where(
            DailySubscription.active.is_(True),
            DailyPost.state != DONE,
            or_(DailyPost.state == RELEASED, DailyPost.claimed_at < now - lease),
        )
        .order_by(DailyPost.chat_id, DailyPost.local_date)
    )
    return [(chat_id, day, zone) for chat_id, day, zone in rows]


async def take_over(
    session: AsyncSession, keys: Sequence[PostKey], lease: timedelta, owner: str
) -> list[UnfinishedPost]:
    """Take the unfinished posts ``keys`` over (each one for exactly one caller: the update is
    conditional on the post still being free), with their plans and the slots already sent."""
    if not keys:
        return []
    now = utcnow()
    result = await session.execute(
        update(DailyPost)
        .where(
            _key_filter(sorted(set(keys))),  # type: ignore[arg-type]
            DailyPost.state != DONE,
            or_(DailyPost.state == RELEASED, DailyPost.claimed_at < now - lease),
        )
        .values(state=SENDING, owner=owner, claimed_at=now)
        .returning(DailyPost.chat_id, DailyPost.local_date, DailyPost.items)
    )
    taken = [(c, d, json.loads(items) if items else []) for c, d, items in result.all()]
    if not taken:
        return []
    sent: dict[PostKey, set[int]] = {(c, d): set() for c, d, _ in taken}
    rows = await session.execute(
        select(DailyPostPoll.chat_id, DailyPostPoll.local_date, DailyPostPoll.slot).where(
            tuple_(DailyPostPoll.chat_id, DailyPostPoll.local_date).in_(list(sent))
        )
    )
    for chat_id, day, slot in rows:
        sent[(chat_id, day)].add(slot)
    return [
        UnfinishedPost(c, d, tuple(str(i) for i in items), frozenset(sent[(c, d)]))
        for c, d, items in sorted(taken)
    ]


async def record_daily_poll(
    session: AsyncSession,
    key: PostKey,
    slot: int,
    item_id: str,
    poll: Mapping[str, object] | None,
    *,
    last: bool,
) -> None:
    """The poll of ``slot`` was just sent: record it (with the poll, so its votes count), renew
    the claim, and mark the post done after its ``last`` slot."""
    chat_id, local_date = key
    now = utcnow()
    if poll is not None:
        await insert_unless_present(
            session, PollSent, sent_at=now, is_daily=True, chat_id=chat_id, **poll
        )
    await insert_unless_present(
        session,
        DailyPostPoll,
        chat_id=chat_id,
        local_date=local_date,
        slot=slot,
        item_id=item_id,
        poll_id=poll["poll_id"] if poll is not None else None,
        sent_at=now,
    )
    values: dict[str, object] = {"claimed_at": now}
    if last:
        values["state"] = DONE
    await session.execute(
        update(DailyPost)
        .where(DailyPost.chat_id == chat_id, DailyPost.local_date == local_date)
        .values(**values)
    )


async def finish_posts(session: AsyncSession, keys: Iterable[PostKey]) -> None:
    """Nothing more to send for these posts (every slot sent, or the chat is unreachable)."""
    ids = list(keys)
    if ids:
        await session.execute(
            update(DailyPost).where(_key_filter(ids)).values(state=DONE)  # type: ignore[arg-type]
        )


async def release_posts(session: AsyncSession, keys: Iterable[PostKey], owner: str) -> int:
    """Give back posts ``owner`` holds but has not finished, so the next tick, whichever
    instance runs it, resumes them at once. Returns how many were released."""
    ids = list(keys)
    if not ids:
        return 0
    result = await session.execute(
        update(DailyPost)
        .where(
            _key_filter(ids),  # type: ignore[arg-type]
            DailyPost.state == SENDING,
            DailyPost.owner == owner,
        )
        .values(state=RELEASED)
    )
    return affected_rows(result)


async def renew_posts(session: AsyncSession, keys: Iterable[PostKey], owner: str) -> None:
    """The holder is alive: renew the claims it holds and has not finished (the heartbeat that
    keeps a post waiting its turn behind the rate limiter from looking abandoned)."""
    ids = sorted(set(keys))
    if ids:
        await session.execute(
            update(DailyPost)
            .where(
                _key_filter(ids),  # type: ignore[arg-type]
                DailyPost.state == SENDING,
                DailyPost.owner == owner,
            )
            .values(claimed_at=utcnow())
        )


async def post_states(session: AsyncSession, keys: Iterable[PostKey]) -> dict[PostKey, str]:
    """State of each post (for tests and the admin view)."""
    ids = list(keys)
    if not ids:
        return {}
    rows = await session.execute(
        select(DailyPost.chat_id, DailyPost.local_date, DailyPost.state).where(
            and_(_key_filter(ids))  # type: ignore[arg-type]
        )
    )
    return {(c, d): state for c, d, state in rows}
