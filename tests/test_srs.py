"""Spaced repetition: fsrs reviews from right/wrong answers, JSON round trips, what to ask next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, State

from bot.core.srs import (
    DueCard,
    card_from_json,
    card_to_json,
    is_lapse,
    new_card,
    order_new_items,
    pick_group_items,
    pick_items,
    rating_for,
    review,
)

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
ITEMS = [f"q{n}" for n in range(10)]


def test_rating_is_good_for_right_and_again_for_wrong() -> None:
    assert rating_for(True) is Rating.Good
    assert rating_for(False) is Rating.Again


def test_a_right_answer_pushes_the_card_further_than_a_wrong_one() -> None:
    right = review(None, True, NOW, item_id="q1")
    wrong = review(None, False, NOW, item_id="q1")
    assert right.due > wrong.due > NOW
    assert right.last_review == NOW


def test_repeated_right_answers_grow_the_interval() -> None:
    card = None
    at = NOW
    intervals = []
    for _ in range(5):
        card = review(card, True, at, item_id="q1")
        intervals.append(card.due - at)
        at = card.due
    assert card is not None and card.state == State.Review
    assert intervals[-1] > intervals[-2] > timedelta(days=1)


def test_a_wrong_answer_in_review_is_a_lapse_and_comes_back_soon() -> None:
    card = None
    at = NOW
    for _ in range(4):
        card = review(card, True, at, item_id="q1")
        at = card.due
    assert is_lapse(card, False) and not is_lapse(card, True) and not is_lapse(None, False)
    again = review(card, False, at, item_id="q1")
    assert again.state == State.Relearning
    assert again.due - at < timedelta(hours=1)


def test_reviews_are_deterministic() -> None:
    first = review(review(None, True, NOW, "q1"), True, NOW + timedelta(days=1), "q1")
    second = review(review(None, True, NOW, "q1"), True, NOW + timedelta(days=1), "q1")
    assert card_to_json(first) == card_to_json(second)


def test_card_json_round_trip() -> None:
    card = review(review(None, True, NOW, "q7"), False, NOW + timedelta(minutes=20), "q7")
    again = card_from_json(card_to_json(card))
    assert again.due == card.due and again.state == card.state
    assert again.stability == card.stability and again.difficulty == card.difficulty
    assert again.last_review == card.last_review
    assert new_card("q7", NOW).card_id == new_card("q7", NOW).card_id


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError):
        review(None, True, datetime(2026, 1, 1), "q1")


def test_due_items_come_first_most_overdue_first() -> None:
    due = [
        DueCard("q3", NOW - timedelta(hours=1)),
        DueCard("q5", NOW - timedelta(days=2)),
        DueCard("q8", NOW + timedelta(days=1)),  # not due yet
    ]
    picked = pick_items(due, {"q3", "q5", "q8"}, ITEMS, NOW, new_per_day=5, count=4)
    assert picked == ["q5", "q3", "q0", "q1"]
    assert pick_items(due, {"q3", "q5", "q8"}, ITEMS, NOW, 5) == ["q5"]


def test_new_items_respect_the_daily_cap() -> None:
    seen = {"q0"}
    due = [DueCard("q0", NOW + timedelta(days=3))]
    assert pick_items(due, seen, ITEMS, NOW, 3, count=10, review_ahead=False) == ["q1", "q2", "q3"]
    assert pick_items(due, seen, ITEMS, NOW, 3, new_today=2, count=10, review_ahead=False) == ["q1"]
    assert pick_items(due, seen, ITEMS, NOW, 3, new_today=3, count=10, review_ahead=False) == []


def test_review_ahead_fills_in_when_nothing_is_due_and_the_cap_is_reached() -> None:
    due = [DueCard("q4", NOW + timedelta(days=3)), DueCard("q2", NOW + timedelta(days=1))]
    assert pick_items(due, {"q2", "q4"}, ITEMS, NOW, 1, new_today=1) == ["q2"]
    assert pick_items([], set(), [], NOW, 5) == []


def test_items_gone_from_the_notes_are_never_picked() -> None:
    due = [DueCard("removed", NOW - timedelta(days=9)), DueCard("q1", NOW - timedelta(days=1))]
    assert pick_items(due, {"removed", "q1"}, ITEMS, NOW, 0, count=3) == ["q1"]


def test_new_item_order_is_a_stable_per_student_shuffle() -> None:
    one = order_new_items(ITEMS, 42)
    assert one == order_new_items(ITEMS, 42)
    assert sorted(one) == sorted(ITEMS)
    assert one != order_new_items(ITEMS, 43) or one != ITEMS


def test_group_items_rotate_unposted_first_then_oldest() -> None:
    posted = {"q0": NOW - timedelta(days=1), "q1": NOW - timedelta(days=5), "q2": NOW}
    assert pick_group_items(posted, ["q0", "q1", "q2", "q3"], 2) == ["q3", "q1"]
    assert pick_group_items(posted, ["q0", "q1", "q2"], 3) == ["q1", "q0", "q2"]
    assert pick_group_items({}, ITEMS, 3) == ["q0", "q1", "q2"]
