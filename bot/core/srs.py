"""Spaced repetition over quiz items: fsrs cards (reviewed right/wrong, stored as JSON) and the
deterministic choice of what to ask next: overdue reviews first, then a few new items a day."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler, State

# No fuzzing: the same answers at the same instants always give the same schedule.
SCHEDULER = Scheduler(enable_fuzzing=False)


@dataclass(frozen=True, slots=True)
class DueCard:
    """A seen item and when it is due again (aware UTC)."""

    item_id: str
    due: datetime


def rating_for(correct: bool) -> Rating:
    """A poll answer is binary: Good when right, Again when wrong."""
    return Rating.Good if correct else Rating.Again


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return instant.astimezone(UTC)


def new_card(item_id: str, now: datetime) -> Card:
    """A fresh card for ``item_id``, due ``now`` (its id derives from the item id: no clock)."""
    return Card(card_id=zlib.crc32(item_id.encode("utf-8")), due=_utc(now))


def review(card: Card | None, correct: bool, at: datetime, item_id: str = "") -> Card:
    """The card after one answer at ``at`` (a new card when ``card`` is None)."""
    when = _utc(at)
    if card is None:
        card = new_card(item_id, when)
    reviewed, _log = SCHEDULER.review_card(card, rating_for(correct), review_datetime=when)
    return reviewed


def card_to_json(card: Card) -> str:
    return card.to_json()


def card_from_json(text: str) -> Card:
    return Card.from_json(text)


def is_lapse(card_before: Card | None, correct: bool) -> bool:
    """A wrong answer on a card that had reached the review stage."""
    return not correct and card_before is not None and card_before.state == State.Review


def order_new_items(item_ids: Iterable[str], seed: int | str) -> list[str]:
    """A stable per-student shuffle of item ids (same seed, same order; no global RNG)."""

    def key(item_id: str) -> bytes:
        return hashlib.blake2b(f"{seed}\x00{item_id}".encode(), digest_size=8).digest()

    return sorted(dict.fromkeys(item_ids), key=key)


def pick_items(
    due_cards: Sequence[DueCard],
    seen_ids: Iterable[str],
    all_item_ids: Sequence[str],
    now: datetime,
    new_per_day: int,
    *,
    new_today: int = 0,
    count: int = 1,
    review_ahead: bool = True,
) -> list[str]:
    """Up to ``count`` item ids to ask, deterministic for the same inputs.

    Order: cards already due (most overdue first), then unseen items in ``all_item_ids`` order while
    today's new-item budget (``new_per_day - new_today``) lasts, then (``review_ahead``) the seen
    cards due soonest. Items no longer in ``all_item_ids`` are never picked.
    """
    if count <= 0:
        return []
    current = _utc(now)
    known = set(all_item_ids)
    seen = set(seen_ids)
    picked: list[str] = []
    chosen: set[str] = set()

    def take(item_id: str) -> bool:
        if item_id in chosen or item_id not in known:
            return False
        picked.append(item_id)
        chosen.add(item_id)
        return len(picked) >= count

    cards = sorted(due_cards, key=lambda c: (_utc(c.due), c.item_id))
    for card in cards:
        if _utc(card.due) <= current and take(card.item_id):
            return picked
    budget = max(0, new_per_day - new_today)
    for item_id in all_item_ids:
        if budget <= 0:
            break
        if item_id in seen or item_id in chosen:
            continue
        budget -= 1
        if take(item_id):
            return picked
    if review_ahead:
        for card in cards:
            if take(card.item_id):
                return picked
    return picked


def pick_group_items(
    last_posted: dict[str, datetime], all_item_ids: Sequence[str], count: int
) -> list[str]:
    """Items for a group quiz: never-posted ones first, then the least recently posted."""
    fresh = [item_id for item_id in all_item_ids if item_id not in last_posted]
    if len(fresh) >= count:
        return fresh[:count]
    known = set(all_item_ids)
    posted = sorted(
        (item_id for item_id in last_posted if item_id in known),
        key=lambda item_id: (_utc(last_posted[item_id]), item_id),
    )
    return (fresh + posted)[: max(0, count)]
