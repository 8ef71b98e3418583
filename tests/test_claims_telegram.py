"""Dedupe through group commit, in the real Application: what a claim records of a Telegram
update, and a burst of updates costs well under one transaction each, /lang choices included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from telegram import Update

from bot.db.session import Database
from bot.db.users import set_user_language
from bot.i18n import tr
from bot.telegram.claims import seen_update
from tests.botfakes import ListSearcher, make_chunk
from tests.e2e.conftest import start_bot
from tests.fakebot import FakeBotAPI, User

NOTHING_FOUND = (
    "I found nothing for <i>{query}</i> in the notes.\n"
    "Try fewer or different words, for example: {examples}."
)


def _update(data: dict[str, Any]) -> Update:
    return Update.de_json(data, None)


def test_a_private_message_is_seen_with_its_user_and_chat() -> None:
    seen = seen_update(
        _update(
            {
                "update_id": 5,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 7, "type": "private", "first_name": "Ana", "last_name": "M"},
                    "from": {"id": 7, "is_bot": False, "first_name": "Ana", "language_code": "es"},
                    "text": "vpc",
                },
            }
        )
    )
    assert seen.update_id == 5
    assert seen.user == (7, "Ana", "es")
    assert seen.chat == (7, "private", "Ana M")


def test_a_bot_sender_is_not_recorded_as_a_user_but_its_group_is() -> None:
    seen = seen_update(
        _update(
            {
                "update_id": 6,
                "message": {
                    "message_id": 2,
                    "date": 0,
                    "chat": {"id": -100, "type": "supergroup", "title": "AWS study"},
                    "from": {"id": 99, "is_bot": True, "first_name": "Helper"},
                    "text": "hi",
                },
            }
        )
    )
    assert seen.user is None
    assert seen.chat == (-100, "supergroup", "AWS study")


def _count_commits(db: Database) -> list[int]:
    commits: list[int] = []
    event.listen(db.engine.sync_engine, "commit", lambda connection: commits.append(1))
    return commits


async def test_a_burst_costs_far_less_than_a_transaction_per_update_and_keeps_lang_choices(
    fake_api: FakeBotAPI, tmp_path: Path, db_url: str
) -> None:
    searcher = ListSearcher([make_chunk("a", "Alpha", "alpha text")])
    students = [User(5000 + i, f"Student{i}", language_code="en") for i in range(24)]
    spanish = {student.id for student in students[::3]}  # chose Spanish with /lang
    async for bot in start_bot(fake_api, searcher, tmp_path / "data", db_url):
        async with bot.services.db.session() as s:
            for user_id in spanish:
                await set_user_language(s, user_id, "es")
        # warm-up: the "found nothing" reply's example buttons (per language) are saved once
        for warm_up in (User(4998, "En", language_code="en"), User(4999, "Es", language_code="es")):
            await bot.send_and_wait(fake_api.build.private_message(warm_up, "zzz"), warm_up.id)
        await bot.settle()
        commits = _count_commits(bot.services.db)  # other transactions than the claims
        claims = bot.services.claims
        rounds_before = claims.rounds
        for student in students:
            fake_api.push_update(fake_api.build.private_message(student, "nothingmatches"))
        chat_ids = [student.id for student in students]
        await fake_api.wait_for(lambda: all(map(bot.sent, chat_ids)), 20)  # noqa: B023
        await bot.settle()
        transactions = len(commits) + claims.rounds - rounds_before
        replies = {student.id: bot.sent(student.id) for student in students}
    assert all(len(sent) == 1 for sent in replies.values())
    assert transactions < len(students) // 2  # it was two per update: claim, then /lang lookup
    found_nothing = {
        lang: tr(lang, NOTHING_FOUND, query="", examples="").split("<i>")[0].strip()
        for lang in ("en", "es")
    }
    assert found_nothing["en"] != found_nothing["es"]
    for user_id, [reply] in replies.items():
        lang = "es" if user_id in spanish else "en"
        assert reply["text"].startswith(found_nothing[lang]), (user_id, reply["text"])
