"""The Database handle and the first queries: SQLite pragmas, users, chats, duplicate updates."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.chats import (
    chat_language,
    chat_timezone,
    is_chat_active,
    set_chat_active,
    set_chat_language,
    set_chat_timezone,
    upsert_chat,
)
from bot.db.inbox import prune_inbox, receive_updates
from bot.db.models import Answer, Chat, InboxUpdate, User
from bot.db.seen import SeenUpdate
from bot.db.users import (
    effective_timezone,
    get_user,
    set_user_language,
    set_user_reminder,
    set_user_timezone,
    upsert_user,
    user_language,
    user_reminder,
    user_timezone,
)


@pytest.mark.backends("sqlite")
async def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(db: Database) -> None:
    async with db.session() as s:
        assert (await s.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await s.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await s.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.session() as s:
            s.add(
                Answer(
                    poll_id="no-such-poll",
                    user_id=999,
                    item_id="x",
                    chat_id=1,
                    correct=True,
                    answered_at=datetime.now(UTC),
                    local_date=datetime.now(UTC).date(),
                )
            )
            await s.flush()


async def test_session_rolls_back_when_the_block_raises(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.session() as s:
            await upsert_user(s, 1, "Ana", "es")
            raise RuntimeError("boom")
    async with db.session() as s:
        assert await get_user(s, 1) is None


async def test_timestamps_come_back_aware_in_utc(db: Database) -> None:
    async with db.session() as s:
        await upsert_user(s, 7, "Ana", "es")
    async with db.session() as s:
        user = await get_user(s, 7)
        assert user is not None
        assert user.created_at.tzinfo is not None
        assert user.created_at.utcoffset() == timedelta(0)
        assert abs(datetime.now(UTC) - user.created_at) < timedelta(minutes=1)


async def test_upsert_user_creates_then_refreshes_name(db: Database) -> None:
    async with db.session() as s:
        await upsert_user(s, 10, "Ana", "es")
        await upsert_user(s, 10, "Ana María", "es-ES")
        await upsert_user(s, 11, None, None)
    async with db.session() as s:
        ana = await get_user(s, 10)
        other = await get_user(s, 11)
        assert ana is not None and ana.first_name == "Ana María"
        assert ana.telegram_language == "es-ES"
        assert other is not None and other.first_name == ""
        assert len((await s.scalars(select(User))).all()) == 2


async def test_language_is_none_until_chosen_and_survives_upserts(db: Database) -> None:
    async with db.session() as s:
        await upsert_user(s, 1, "Ana", "es")
        assert await user_language(s, 1) is None
        assert await user_language(s, 404) is None
        await set_user_language(s, 1, "en")
        await upsert_user(s, 1, "Ana", "es")
    async with db.session() as s:
        assert await user_language(s, 1) == "en"
        await set_user_language(s, 2, "es")  # a user never seen before
        assert await user_language(s, 2) == "es"


async def test_timezone_choice_is_validated(db: Database) -> None:
    async with db.session() as s:
        await upsert_user(s, 1, "Ana", "es")
        assert await user_timezone(s, 1) is None
        await set_user_timezone(s, 1, "Pacific/Kiritimati")
        assert await user_timezone(s, 1) == "Pacific/Kiritimati"
        for bad in ("Mars/Olympus", "", "../../etc/passwd", "x" * 300):
            with pytest.raises(ValueError):
                await set_user_timezone(s, 1, bad)
        assert await user_timezone(s, 1) == "Pacific/Kiritimati"
        await set_user_timezone(s, 1, None)
        assert await user_timezone(s, 1) is None


async def test_effective_timezone_prefers_user_then_chat_then_default(db: Database) -> None:
    async with db.session() as s:
        await upsert_user(s, 1, "Ana", "es")
        await upsert_chat(s, -5, "group", "Study")
        assert await effective_timezone(s, 1, -5, "Europe/Madrid") == "Europe/Madrid"
        assert await effective_timezone(s, 1, -5, "Not/AZone") == "UTC"
        await set_chat_timezone(s, -5, "America/New_York")
        assert await chat_timezone(s, -5) == "America/New_York"
        assert await effective_timezone(s, 1, -5, "Europe/Madrid") == "America/New_York"
        await set_user_timezone(s, 1, "Pacific/Honolulu")
        assert await effective_timezone(s, 1, -5, "Europe/Madrid") == "Pacific/Honolulu"
        assert await effective_timezone(s, None, None, "Asia/Tokyo") == "Asia/Tokyo"


async def test_reminder_settings(db: Database) -> None:
    async with db.session() as s:
        await upsert_user(s, 1, "Ana", "es")
        assert await user_reminder(s, 1) == (time(20, 0), True)
        await set_user_reminder(s, 1, at=time(21, 30, 15))
        await set_user_reminder(s, 1, enabled=False)
        assert await user_reminder(s, 1) == (time(21, 30), False)
        assert await user_reminder(s, 2) is None


async def test_chats_are_active_until_told_otherwise(db: Database) -> None:
    async with db.session() as s:
        assert await is_chat_active(s, -100) is True  # unknown chats are not blocked
        await upsert_chat(s, -100, "supergroup", "AWS study")
        assert await is_chat_active(s, -100) is True
        await set_chat_active(s, -100, False)
        await upsert_chat(s, -100, "supergroup", "AWS study (renamed)")
    async with db.session() as s:
        assert await is_chat_active(s, -100) is False
        chat = await s.get(Chat, -100)
        assert chat is not None and chat.title == "AWS study (renamed)"
        await set_chat_active(s, -100, True)
        assert await is_chat_active(s, -100) is True
        await set_chat_language(s, -100, "es")
        assert await chat_language(s, -100) == "es"


async def _receive(s, update_id: int, bot_id: int = 1) -> bool:
    return (bot_id, update_id) in await receive_updates(s, [SeenUpdate(update_id, bot_id=bot_id)])


async def test_an_update_is_received_only_the_first_time(db: Database) -> None:
    async with db.session() as s:
        assert await _receive(s, 123) is True
        assert await _receive(s, 123) is False
        assert await _receive(s, 124) is True
    async with db.session() as s:  # also across sessions (a restart, a second process)
        assert await _receive(s, 123) is False


async def test_update_ids_are_counted_per_bot(db: Database) -> None:
    """A new token on the same database: its update ids start over, and are new."""
    async with db.session() as s:
        assert await _receive(s, 100001, bot_id=111) is True
        assert await _receive(s, 100001, bot_id=222) is True
        assert await _receive(s, 100001, bot_id=111) is False


async def test_an_update_is_received_once_across_two_handles_on_one_database(db_url: str) -> None:
    first, second = Database(db_url), Database(db_url)
    await first.start()
    await second.start()
    try:
        async with first.session() as s:
            assert await _receive(s, 42) is True
        async with second.session() as s:
            assert await _receive(s, 42) is False
    finally:
        await first.close()
        await second.close()


async def test_finished_updates_are_pruned_and_pending_ones_kept(db: Database) -> None:
    now = datetime.now(UTC)
    async with db.session() as s:
        s.add(InboxUpdate(bot_id=1, update_id=1, state="done", received_at=now - timedelta(days=5)))
        s.add(InboxUpdate(bot_id=1, update_id=2, state="done", received_at=now))
        s.add(InboxUpdate(bot_id=1, update_id=3, state="pending", received_at=now - timedelta(9)))
        await s.flush()
        assert await prune_inbox(s, now) == 1
        assert await _receive(s, 1) is True  # forgotten, so it would be handled again
        assert await _receive(s, 2) is False
        assert await _receive(s, 3) is False
