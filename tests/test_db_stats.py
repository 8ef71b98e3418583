"""Progress queries: a group's weekly leaderboard, activity per local day, and what to ask next."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.db import Database
from bot.db.answers import record_answer
from bot.db.cards import new_items_since, next_items_for_user, review_item, seen_item_ids
from bot.db.chats import upsert_chat
from bot.db.polls import items_posted_in_chat, record_poll_sent
from bot.db.stats import DayActivity, answer_totals, daily_activity, weekly_leaderboard
from bot.db.users import set_user_timezone, upsert_user

GROUP = -1001
MONDAY = date(2026, 11, 16)


_ids = iter(range(1, 1_000_000))


async def answer(db: Database, user_id: int, chat_id: int, at: datetime, right: bool) -> None:
    poll_id = f"p{next(_ids)}"
    async with db.session() as s:
        await record_poll_sent(s, poll_id, f"item{poll_id}", chat_id, 0, sent_at=at)
        outcome = await record_answer(s, poll_id, user_id, [0 if right else 2], at)
        assert outcome.recorded


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


async def test_weekly_leaderboard_ranks_correct_answers_of_this_week(db: Database) -> None:
    async with db.session() as s:
        await upsert_chat(s, GROUP, "supergroup", "Study")
        for user_id, name in ((1, "Ana"), (2, "Bo"), (3, "Cy"), (4, "Di")):
            await upsert_user(s, user_id, name, "en")
    # Last week (does not count for the week, but builds Cy's streak).
    await answer(db, 3, GROUP, noon(MONDAY - timedelta(days=2)), True)
    await answer(db, 3, GROUP, noon(MONDAY - timedelta(days=1)), True)
    # This week.
    for offset, right in ((0, True), (1, True), (1, False)):
        await answer(db, 1, GROUP, noon(MONDAY + timedelta(days=offset)), right)
    for offset in (0, 1):
        await answer(db, 2, GROUP, noon(MONDAY + timedelta(days=offset)), True)
    await answer(db, 3, GROUP, noon(MONDAY), False)
    await answer(db, 4, -2002, noon(MONDAY), True)  # another group
    async with db.session() as s:
        board = await weekly_leaderboard(s, GROUP, MONDAY, today=MONDAY + timedelta(days=1))
    rows = [
        (e.user_id, e.first_name, e.week_correct, e.week_answers, e.group_streak) for e in board
    ]
    assert rows == [
        (1, "Ana", 2, 3, 2),
        (2, "Bo", 2, 2, 2),
        (3, "Cy", 0, 1, 3),  # answered Sat, Sun, Mon: streak 3 but nothing right this week
    ]
    assert board[2].best_streak == 3
    async with db.session() as s:
        later = await weekly_leaderboard(s, GROUP, MONDAY, today=MONDAY + timedelta(days=5))
        assert [e.group_streak for e in later] == [0, 0, 0]  # streaks broke by Saturday
        assert await weekly_leaderboard(s, -5, MONDAY) == []
        previous = await weekly_leaderboard(s, GROUP, MONDAY - timedelta(days=7), MONDAY)
        assert [(e.user_id, e.week_correct) for e in previous] == [(3, 2), (1, 0), (2, 0)]
        assert len(await weekly_leaderboard(s, GROUP, MONDAY, limit=1)) == 1


async def test_daily_activity_counts_per_local_day(db: Database) -> None:
    async with db.session() as s:
        await upsert_user(s, 1, "Ana", "en")
        await set_user_timezone(s, 1, "Pacific/Kiritimati")
    # 11:00 UTC on 1 Jun is already 2 Jun in Kiritimati.
    await answer(db, 1, 1, datetime(2026, 6, 1, 9, 0, tzinfo=UTC), True)
    await answer(db, 1, 1, datetime(2026, 6, 1, 11, 0, tzinfo=UTC), True)
    await answer(db, 1, 1, datetime(2026, 6, 1, 12, 0, tzinfo=UTC), False)
    await answer(db, 1, 1, datetime(2026, 6, 5, 12, 0, tzinfo=UTC), True)
    async with db.session() as s:
        activity = await daily_activity(s, 1, date(2026, 6, 1))
        assert activity == {
            date(2026, 6, 1): DayActivity(1, 1),
            date(2026, 6, 2): DayActivity(2, 1),
            date(2026, 6, 6): DayActivity(1, 1),
        }
        assert list(await daily_activity(s, 1, date(2026, 6, 2), date(2026, 6, 5))) == [
            date(2026, 6, 2)
        ]
        assert await daily_activity(s, 99, date(2026, 1, 1)) == {}
        assert await answer_totals(s, 1) == DayActivity(4, 3)
        assert await answer_totals(s, 99) == DayActivity(0, 0)


async def test_group_items_posted_are_remembered_by_last_time(db: Database) -> None:
    first = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    async with db.session() as s:
        await record_poll_sent(s, "a", "q1", GROUP, 0, sent_at=first, is_daily=True)
        await record_poll_sent(s, "b", "q1", GROUP, 0, sent_at=first + timedelta(days=2))
        await record_poll_sent(s, "c", "q2", GROUP, 0, sent_at=first + timedelta(days=1))
        await record_poll_sent(s, "d", "q9", -7, 0, sent_at=first)
        posted = await items_posted_in_chat(s, GROUP)
    assert posted == {"q1": first + timedelta(days=2), "q2": first + timedelta(days=1)}


async def test_next_items_due_first_then_new_ones_capped_per_local_day(db: Database) -> None:
    items = [f"q{n}" for n in range(20)]
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    async with db.session() as s:
        await upsert_user(s, 1, "Ana", "en")
        first = await next_items_for_user(s, 1, items, now, count=3, new_per_day=2, tz="UTC")
        assert len(first) == 2 and set(first) <= set(items)  # only two new items a day
        assert first == await next_items_for_user(s, 1, items, now, count=3, new_per_day=2)
        for item_id in first:
            await review_item(s, 1, item_id, item_id != first[0], now)  # first one wrong
        assert await seen_item_ids(s, 1) == set(first)
        assert await new_items_since(s, 1, now - timedelta(hours=1)) == 2
        later = now + timedelta(minutes=5)
        # The wrong one is due again (1 minute step); no new budget left today; then review ahead.
        assert await next_items_for_user(s, 1, items, later, count=3, new_per_day=2) == [
            first[0],
            first[1],
        ]
        tomorrow = now + timedelta(days=1)
        nxt = await next_items_for_user(s, 1, items, tomorrow, count=4, new_per_day=2)
        assert nxt[:2] == [first[0], first[1]] and len(nxt) == 4
        assert not set(nxt[2:]) & set(first)
        # Other students get another order of new items, but the same one each time.
        await upsert_user(s, 2, "Bo", "en")
        other = await next_items_for_user(s, 2, items, now, count=5, new_per_day=5)
        assert other == await next_items_for_user(s, 2, items, now, count=5, new_per_day=5)
