"""Daily quiz subscriptions and the exactly-once daily post ledger, across two processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from time_machine import TimeMachineFixture

from bot.db import Database
from bot.db.chats import set_chat_active, upsert_chat
from bot.db.daily import (
    all_active_subscriptions,
    claim_daily_post,
    daily_subscription,
    due_daily_posts,
    pause_subscription,
    release_daily_post,
    set_daily_count,
    subscribe_daily,
    unsubscribe_daily,
)
from bot.db.models import DailyPost

GROUP = -1001


async def test_subscribe_defaults_to_three_questions_and_can_be_changed(db: Database) -> None:
    async with db.session() as s:
        sub = await subscribe_daily(s, GROUP, time(9, 0, 30), "Europe/Madrid")
        assert (sub.post_time, sub.timezone, sub.count, sub.active) == (
            time(9, 0),
            "Europe/Madrid",
            3,
            True,
        )
        assert await set_daily_count(s, GROUP, 5) is True
        again = await subscribe_daily(s, GROUP, time(18, 15), "Asia/Tokyo")  # keeps the count
        assert (again.post_time, again.timezone, again.count) == (time(18, 15), "Asia/Tokyo", 5)
        assert await set_daily_count(s, 12345, 2) is False  # no subscription there


async def test_invalid_subscription_values_are_refused(db: Database) -> None:
    async with db.session() as s:
        with pytest.raises(ValueError):
            await subscribe_daily(s, GROUP, time(9, 0), "Mars/Base")
        with pytest.raises(ValueError):
            await subscribe_daily(s, GROUP, time(9, 0), "UTC", count=0)
        await subscribe_daily(s, GROUP, time(9, 0), "UTC")
        for bad in (0, 11, -3):
            with pytest.raises(ValueError):
                await set_daily_count(s, GROUP, bad)
        assert (await daily_subscription(s, GROUP)).count == 3


async def test_pause_resume_unsubscribe_and_inactive_chats(db: Database) -> None:
    async with db.session() as s:
        for chat_id in (-1, -2, -3):
            await upsert_chat(s, chat_id, "group", f"g{chat_id}")
            await subscribe_daily(s, chat_id, time(8, 0), "UTC")
        assert [x.chat_id for x in await all_active_subscriptions(s)] == [-3, -2, -1]
        assert await pause_subscription(s, -1) is True
        await set_chat_active(s, -2, False)  # the bot was removed from -2
        assert [x.chat_id for x in await all_active_subscriptions(s)] == [-3]
        assert await pause_subscription(s, -1, paused=False) is True
        assert await unsubscribe_daily(s, -3) is True
        assert await unsubscribe_daily(s, -3) is False
        assert await daily_subscription(s, -3) is None
        assert [x.chat_id for x in await all_active_subscriptions(s)] == [-1]
        assert await pause_subscription(s, -99) is False


async def test_claim_daily_post_is_true_once_per_chat_and_day(db: Database) -> None:
    day = date(2026, 5, 1)
    async with db.session() as s:
        assert await claim_daily_post(s, GROUP, day) is True
        assert await claim_daily_post(s, GROUP, day) is False
        assert await claim_daily_post(s, GROUP, date(2026, 5, 2)) is True
        assert await claim_daily_post(s, -5, day) is True
        await release_daily_post(s, -5, day)
        assert await claim_daily_post(s, -5, day) is True


async def test_two_processes_racing_post_exactly_once(db_url: str) -> None:
    bots = [Database(db_url), Database(db_url)]
    for bot_db in bots:
        await bot_db.start()
    day = date(2026, 5, 1)
    chats = [-(100 + n) for n in range(12)]

    async def try_claim(bot_db: Database, chat_id: int) -> bool:
        async with bot_db.session() as s:
            return await claim_daily_post(s, chat_id, day)

    try:
        attempts = [(bot_db, chat_id) for chat_id in chats for bot_db in bots for _ in range(2)]
        results = await asyncio.gather(*(try_claim(b, c) for b, c in attempts))
        wins: dict[int, int] = {}
        for (_, chat_id), won in zip(attempts, results, strict=True):
            wins[chat_id] = wins.get(chat_id, 0) + int(won)
        assert wins == {chat_id: 1 for chat_id in chats}
        async with bots[0].session() as s:
            assert await s.scalar(select(func.count()).select_from(DailyPost)) == len(chats)
    finally:
        for bot_db in bots:
            await bot_db.close()


async def test_due_posts_follow_the_chats_local_clock(
    db: Database, time_machine: TimeMachineFixture
) -> None:
    async with db.session() as s:
        await upsert_chat(s, GROUP, "supergroup", "Madrid")
        await subscribe_daily(s, GROUP, time(9, 0), "Europe/Madrid", count=4)
        await upsert_chat(s, -2, "group", "Kiritimati")
        await subscribe_daily(s, -2, time(9, 0), "Pacific/Kiritimati")

    async def due_now() -> dict[int, date]:
        async with db.session() as s:
            return {p.chat_id: p.local_date for p in await due_daily_posts(s, datetime.now(UTC))}

    time_machine.move_to(datetime(2026, 1, 14, 7, 59, tzinfo=UTC), tick=False)  # 08:59 Madrid
    assert await due_now() == {-2: date(2026, 1, 14)}  # 21:59 in Kiritimati
    time_machine.move_to(datetime(2026, 1, 14, 8, 0, tzinfo=UTC), tick=False)
    assert await due_now() == {GROUP: date(2026, 1, 14), -2: date(2026, 1, 14)}
    async with db.session() as s:
        (post,) = [p for p in await due_daily_posts(s, datetime.now(UTC)) if p.chat_id == GROUP]
        assert post.count == 4 and post.timezone == "Europe/Madrid"
        assert await claim_daily_post(s, GROUP, post.local_date)
    assert await due_now() == {-2: date(2026, 1, 14)}
    time_machine.move_to(datetime(2026, 1, 14, 19, 0, tzinfo=UTC), tick=False)  # Kiritimati: 15th
    assert await due_now() == {-2: date(2026, 1, 15)}  # 09:00 already passed there
    # Summer time: 09:00 Madrid is 07:00 UTC.
    time_machine.move_to(datetime(2026, 7, 1, 7, 0, tzinfo=UTC), tick=False)
    assert GROUP in await due_now()


CLAIMER = """
import asyncio, os, sys
from datetime import date
from bot.db import Database
from bot.db.daily import claim_daily_post

async def main(url, chats, go):
    db = Database(url)
    await db.start()
    print("ready", flush=True)
    while not os.path.exists(go):  # a barrier: both processes claim at the same moment
        await asyncio.sleep(0.005)
    won = []
    for chat_id in chats:
        async with db.session() as s:
            if await claim_daily_post(s, chat_id, date(2026, 5, 1)):
                won.append(chat_id)
    await db.close()
    print(" ".join(map(str, won)))

chats = [-(200 + n) for n in range(int(sys.argv[2]))]
if sys.argv[4] == "down":  # the two processes walk the chats from opposite ends and meet
    chats.reverse()
asyncio.run(main(sys.argv[1], chats, sys.argv[3]))
"""


async def test_two_os_processes_racing_post_exactly_once(db_url: str, tmp_path: Path) -> None:
    import sys

    url = db_url
    starter = Database(url)
    await starter.start()  # schema in place before the race starts
    await starter.close()
    chats = 25
    go = tmp_path / "go"
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CLAIMER,
            url,
            str(chats),
            str(go),
            order,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[1],
        )
        for order in ("up", "down")
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert (await proc.stdout.readline()).strip() == b"ready"
    go.touch()
    outputs = [await proc.communicate() for proc in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
    won = [int(x) for out, _ in outputs for x in out.split()]
    assert sorted(won) == sorted(-(200 + n) for n in range(chats))
