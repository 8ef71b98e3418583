"""The durable inbox through the real Application and the fake Bot API: a stored but unhandled
update is handled once after a restart, poison and failing updates are set aside (and counted in
/status) without wedging the bot, a failed claim stops handling, transient storage failures are
retried with one answer, update ids are per bot, and two instances on one database answer once."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.chats import SeenUpdate
from bot.db.base import utcnow
from bot.db.claims import UpdateClaims
from bot.db.inbox import DEAD, DONE, PENDING, claim_for_replay
from bot.db.models import InboxUpdate
from bot.db.session import Database
from bot.telegram.inbox import bot_id_of
from tests.botfakes import ListSearcher, make_chunk
from tests.e2e.conftest import start_bot
from tests.fakebot import ALICE, BOB, FakeBotAPI

SEARCHER = ListSearcher([make_chunk("a", "Alpha", "alpha text about lambda")])
FAST = {"STUDYBOT_INBOX_LEASE_S": "0.6", "STUDYBOT_STORAGE_RETRY_S": "5"}
LEASED = {**FAST, "STUDYBOT_INBOX_LEASE_S": "3"}  # longer than any handling on a busy machine


async def _rows(db: Database) -> dict[int, InboxUpdate]:
    async with db.session() as s:
        return {row.update_id: row for row in await s.scalars(select(InboxUpdate))}


def _texts(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [message.get("text", "") for message in api.messages(chat_id)]


@pytest.mark.backends("sqlite", "postgresql")
async def test_an_update_stored_by_a_process_that_died_is_handled_once_after_restart(
    fake_api: FakeBotAPI, tmp_path: Path, e2e_db_url: str
) -> None:
    update = fake_api.build.private_message(ALICE, "alpha")
    # the first process stored it (and so confirmed it to Telegram), then was killed
    db = Database(e2e_db_url)
    await db.start()
    bot_id = bot_id_of(fake_api.token)
    seen = SeenUpdate(update["update_id"], bot_id=bot_id, payload=json.dumps(update))
    assert (await UpdateClaims(db).claim(seen)).first_time
    await db.close()
    assert not fake_api.pending_updates()  # Telegram will not send it again
    async for bot in start_bot(fake_api, SEARCHER, tmp_path / "data", e2e_db_url, **FAST):
        await fake_api.wait_for(lambda: len(bot.sent(ALICE.id)) >= 1, 10)  # noqa: B023
        await asyncio.sleep(1.5)  # more leases run out: it must not be replayed again
        rows = await _rows(bot.services.db)
    assert len(bot.sent(ALICE.id)) == 1 and "Alpha" in bot.sent(ALICE.id)[0]["text"]
    row = rows[update["update_id"]]
    assert row.state == DONE and row.attempts == 2 and row.replies_sent == 1


async def test_a_replayed_update_whose_reply_was_sent_is_not_answered_again(
    fake_api: FakeBotAPI, tmp_path: Path, e2e_db_url: str
) -> None:
    update = fake_api.build.private_message(ALICE, "alpha")
    db = Database(e2e_db_url)
    await db.start()
    async with db.session() as s:  # replied, then killed before it was marked done
        s.add(
            InboxUpdate(
                bot_id=bot_id_of(fake_api.token),
                update_id=update["update_id"],
                state=PENDING,
                payload=json.dumps(update),
                attempts=1,
                replies_sent=1,
                claimed_at=utcnow() - timedelta(minutes=5),
                received_at=utcnow() - timedelta(minutes=5),
            )
        )
    await db.close()
    async for bot in start_bot(fake_api, SEARCHER, tmp_path / "data", e2e_db_url, **FAST):
        await asyncio.sleep(1.5)  # the replay runs at start and every 0.2 s
        rows = await _rows(bot.services.db)
    assert bot.sent(ALICE.id) == []
    assert rows[update["update_id"]].state == DONE


async def test_a_polled_update_is_stored_as_telegram_sent_it(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    update = fake_api.build.private_message(ALICE, "álpha ¿qué?")
    # a field this PTB does not know yet, as a newer Bot API would send it
    update["message"]["newer_api_field"] = {"kind": "unknown", "items": [1, 2]}
    async for bot in start_bot(fake_api, SEARCHER, tmp_path / "data", **FAST):
        [reply] = await bot.send_and_wait(update, ALICE.id)
        await bot.settle()
        rows = await _rows(bot.services.db)
    assert "Alpha" in reply["text"]
    assert json.loads(rows[update["update_id"]].payload) == update  # what a replay reads


async def test_an_unreadable_update_is_set_aside_and_the_bot_goes_on(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    async for bot in start_bot(fake_api, SEARCHER, tmp_path / "data", **FAST):
        poison = fake_api.push_update({"message": {"message_id": "x", "chat": "not a chat"}})
        await bot.settle()
        [reply] = await bot.send_and_wait(fake_api.build.private_message(ALICE, "alpha"), ALICE.id)
        await bot.settle()
        rows = await _rows(bot.services.db)
        fetches = len(fake_api.calls_to("getUpdates"))
    assert "Alpha" in reply["text"]
    assert rows[poison["update_id"]].state == DEAD
    assert "unreadable" in (rows[poison["update_id"]].last_error or "")
    assert fetches < 60  # not fetched again and again


async def test_a_failing_update_gets_one_apology_and_is_set_aside_and_counted_in_status(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    class Exploding(ListSearcher):
        def search(self, query: str, limit: int = 5):
            if "boom" in query:
                raise RuntimeError("a bug")
            return super().search(query, limit)

    searcher = Exploding([make_chunk("a", "Alpha", "alpha text")])
    owner = {"STUDYBOT_ADMIN_IDS": str(BOB.id), **FAST}
    async for bot in start_bot(fake_api, searcher, tmp_path / "data", **owner):
        boom = fake_api.build.private_message(ALICE, "boom")
        [apology] = await bot.send_and_wait(boom, ALICE.id)
        await asyncio.sleep(2)  # several leases: a dead update is not replayed
        [status] = await bot.send_and_wait(fake_api.build.command(BOB, "/status"), BOB.id)
        rows = await _rows(bot.services.db)
    assert "Sorry" in apology["text"] and len(bot.sent(ALICE.id)) == 1
    assert rows[boom["update_id"]].state == DEAD
    assert "a bug" in (rows[boom["update_id"]].last_error or "")
    assert re.search(r"1 (set aside|apartadas)", status["text"]), status["text"]


async def test_an_update_out_of_attempts_is_set_aside_without_being_handled(db: Database) -> None:
    now = utcnow()
    async with db.session() as s:
        for update_id, attempts in ((1, 5), (2, 4)):
            s.add(
                InboxUpdate(
                    bot_id=7,
                    update_id=update_id,
                    state=PENDING,
                    payload="{}",
                    attempts=attempts,
                    claimed_at=now - timedelta(minutes=5),
                    received_at=now - timedelta(minutes=5),
                )
            )
    async with db.session() as s:
        replays = await claim_for_replay(s, 7, lease=timedelta(seconds=60), max_attempts=5)
    assert [(r.update_id, r.attempts) for r in replays] == [(2, 5)]
    rows = await _rows(db)
    assert rows[1].state == DEAD and "5 attempts" in (rows[1].last_error or "")
    assert rows[2].state == PENDING


async def test_two_instances_never_both_replay_one_update(db_url: str) -> None:
    first, second = Database(db_url), Database(db_url)
    await first.start()
    await second.start()
    old = utcnow() - timedelta(minutes=5)
    try:
        async with first.session() as s:
            for update_id in range(1, 41):
                s.add(
                    InboxUpdate(
                        bot_id=7,
                        update_id=update_id,
                        state=PENDING,
                        payload="{}",
                        attempts=1,
                        claimed_at=old,
                        received_at=old,
                    )
                )

        async def replay(database: Database) -> set[int]:
            async with database.session() as s:
                found = await claim_for_replay(
                    s, 7, lease=timedelta(seconds=60), max_attempts=5, limit=100
                )
            return {r.update_id for r in found}

        one, two = await asyncio.gather(replay(first), replay(second))
    finally:
        await first.close()
        await second.close()
    assert one | two == set(range(1, 41)) and not one & two


async def test_a_failed_claim_stops_handling_and_the_update_is_answered_once_later(
    fake_api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async for bot in start_bot(fake_api, SEARCHER, tmp_path / "data", **FAST):
        claims = bot.services.claims
        real_claim = claims.claim
        failures: list[int] = []

        async def failing_claim(seen: SeenUpdate, failures=failures, real_claim=real_claim):
            if not failures:
                failures.append(seen.update_id)
                raise RuntimeError("the claim failed")
            return await real_claim(seen)

        monkeypatch.setattr(claims, "claim", failing_claim)
        update = fake_api.build.private_message(ALICE, "alpha")
        fake_api.push_update(update)
        await fake_api.wait_for(lambda: failures, 10)  # noqa: B023
        await asyncio.sleep(0.3)
        answered_while_failing = len(bot.sent(ALICE.id))
        await fake_api.wait_for(lambda: len(bot.sent(ALICE.id)) >= 1, 10)  # noqa: B023
        await bot.settle(1.0)
    assert answered_while_failing == 0
    assert len(bot.sent(ALICE.id)) == 1 and "Alpha" in bot.sent(ALICE.id)[0]["text"]


class FlakyStorage(ListSearcher):
    """Fails like a locked SQLite file the first ``failures`` times."""

    def __init__(self, failures: int) -> None:
        super().__init__([make_chunk("a", "Alpha", "alpha text")])
        self.failures = failures
        self.tries = 0

    def search(self, query: str, limit: int = 5):
        self.tries += 1
        if self.tries <= self.failures:
            raise sqlite3.OperationalError("database is locked")
        return super().search(query, limit)


async def test_a_storage_failure_while_handling_is_retried_and_answered_once(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    searcher = FlakyStorage(failures=3)
    async for bot in start_bot(fake_api, searcher, tmp_path / "data", **FAST):
        [reply] = await bot.send_and_wait(fake_api.build.private_message(ALICE, "alpha"), ALICE.id)
        await bot.settle(1.5)
        rows = await _rows(bot.services.db)
    assert "Alpha" in reply["text"] and len(bot.sent(ALICE.id)) == 1
    assert searcher.tries == 4
    assert [row.state for row in rows.values()] == [DONE]


async def test_a_storage_failure_past_the_bound_gets_one_apology_never_both(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    searcher = FlakyStorage(failures=10_000)
    settings = {**FAST, "STUDYBOT_STORAGE_RETRY_S": "1.5"}
    async for bot in start_bot(fake_api, searcher, tmp_path / "data", **settings):
        [reply] = await bot.send_and_wait(
            fake_api.build.private_message(ALICE, "alpha"), ALICE.id, timeout=15
        )
        await asyncio.sleep(2)
        rows = await _rows(bot.services.db)
    assert len(bot.sent(ALICE.id)) == 1 and "Sorry" in reply["text"]
    assert [row.state for row in rows.values()] == [DEAD]
    assert 2 <= searcher.tries < 20


async def test_a_new_bot_token_on_the_same_database_does_not_ignore_its_updates(
    fake_api: FakeBotAPI, tmp_path: Path, e2e_db_url: str
) -> None:
    update = fake_api.build.private_message(ALICE, "alpha")
    db = Database(e2e_db_url)
    await db.start()
    async with db.session() as s:  # the same update id, handled by the bot's old token
        s.add(InboxUpdate(bot_id=4242, update_id=update["update_id"], state=DONE, payload="{}"))
    await db.close()
    async for bot in start_bot(fake_api, SEARCHER, tmp_path / "data", e2e_db_url):
        [reply] = await bot.send_and_wait(update, ALICE.id)
    assert "Alpha" in reply["text"]


@pytest.mark.backends("sqlite", "postgresql")
async def test_two_applications_on_one_database_answer_an_update_once(
    tmp_path: Path, e2e_db_url: str
) -> None:
    first_api, second_api = FakeBotAPI(), FakeBotAPI()
    await first_api.start()
    await second_api.start()
    try:
        async for first in start_bot(first_api, SEARCHER, tmp_path / "one", e2e_db_url, **LEASED):
            async for second in start_bot(
                second_api, SEARCHER, tmp_path / "two", e2e_db_url, **LEASED
            ):
                second_api.build.private_message(ALICE, "-")  # Alice's chat known to both
                updates = [first_api.build.private_message(ALICE, "alpha") for _ in range(20)]
                for update in updates:  # Telegram delivers each to both instances
                    first_api.push_update(dict(update))
                    second_api.push_update(dict(update))

                def answers() -> int:
                    return len(first.sent(ALICE.id)) + len(second.sent(ALICE.id))  # noqa: B023

                await first_api.wait_for(lambda: answers() >= 20, 30)
                await first.settle()
                await second.settle(1.5)  # a second answer to any of them would show by now
                total = answers()
    finally:
        await first_api.stop()
        await second_api.stop()
    assert total == 20


async def test_a_webhook_update_is_stored_before_the_200_and_a_failed_store_answers_500(
    fake_api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    import aiohttp

    from bot.core.notebooks import NotebookRegistry
    from bot.core.services import AppServices
    from bot.settings import Settings
    from bot.telegram.app import build_application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = "hook-secret"
    settings = Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=fake_api.token,
        TELEGRAM_API_URL=fake_api.root_url,
        STUDYBOT_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'hook.db'}",
        STUDYBOT_WEBHOOK_SECRET=secret,
        **FAST,
    )
    db = Database(settings.effective_database_url)
    await db.start()
    services = AppServices(settings=settings, db=db, notebooks=NotebookRegistry.of(SEARCHER))
    application = build_application(settings, services)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    await application.updater.start_webhook(  # type: ignore[union-attr]
        listen="127.0.0.1",
        port=port,
        url_path="hook",
        webhook_url="https://bot.example.org/hook",
        secret_token=secret,
    )
    await application.start()
    real_claim = services.claims.claim
    broken = [True]

    async def claim(seen: SeenUpdate):
        if broken[0]:
            raise RuntimeError("the database refused the write")
        return await real_claim(seen)

    monkeypatch.setattr(services.claims, "claim", claim)
    update = fake_api.build.private_message(ALICE, "alpha")
    statuses = []
    try:
        async with aiohttp.ClientSession() as http:

            async def post() -> None:
                async with http.post(
                    f"http://127.0.0.1:{port}/hook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                ) as response:
                    statuses.append(response.status)

            await post()  # not stored: Telegram must send it again
            await asyncio.sleep(0.5)
            answered_before = len(fake_api.messages(ALICE.id))
            broken[0] = False
            await post()
            await fake_api.wait_for(lambda: fake_api.messages(ALICE.id), 10)
            await post()  # a redelivery of a stored update
            await asyncio.sleep(0.8)
    finally:
        await application.updater.stop()  # type: ignore[union-attr]
        await application.stop()
        await application.shutdown()
        await db.close()
    assert statuses == [500, 200, 200]
    assert answered_before == 0
    assert len(fake_api.messages(ALICE.id)) == 1
