"""The owner's commands through the real Application and the fake Bot API: /status for the owner,
the unknown-command answer for anyone else, owner-only menus, and /reindex making a note file
added while the bot runs findable by an ordinary search."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from index.search import open_searcher
from index.store import ensure_index
from tests.e2e.conftest import BotHarness, start_bot
from tests.fakebot import ALICE, BOB, STUDY_GROUP, FakeBotAPI

OWNER = ALICE

NOTES = """# STORAGE
## Amazon S3 Object Lock (10:00)
S3 Object Lock stores objects with a write-once-read-many (WORM) model. Compliance mode means
no user, including the root account, can delete a locked object version until retention ends.

## Amazon S3 Glacier (08:00)
Glacier is archival storage: retrieval takes minutes to hours. Vault Lock enforces compliance
controls on a Glacier vault with a lockable policy.
"""

NEW_NOTES = """# NETWORKING
## Zephyrquokka Gateway (04:00)
The Zephyrquokka Gateway is a made-up service that routes packets between two VPCs.
Route tables must point to the Zephyrquokka Gateway for traffic to flow.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "storage.txt").write_text(NOTES, encoding="utf-8")
    return folder


@pytest.fixture
async def owner_bot(
    fake_api: FakeBotAPI, corpus: Path, tmp_path: Path
) -> AsyncIterator[BotHarness]:
    """The real Application over a small corpus in ``tmp_path`` with Alice as the owner."""
    data_dir = tmp_path / "data"
    index_dir = data_dir / "index"  # where Settings puts it: /reindex refreshes this one
    ensure_index(corpus, index_dir)
    searcher = open_searcher(index_dir)
    async for harness in start_bot(
        fake_api,
        searcher,
        data_dir,
        STUDYBOT_CORPUS_DIR=str(corpus),
        STUDYBOT_ADMIN_IDS=str(OWNER.id),
    ):
        assert harness.services.settings.index_dir == index_dir
        yield harness


async def test_owner_gets_the_status_card(owner_bot: BotHarness):
    api = owner_bot.api
    await owner_bot.send_and_wait(api.build.private_message(BOB, "glacier"), BOB.id)
    [card] = await owner_bot.send_and_wait(api.build.command(OWNER, "status"), OWNER.id)
    text = card["text"]
    assert "Studybot" in text and "Up for" in text
    chunks = len(owner_bot.services.notebooks.default.searcher.chunks())
    assert f"Index: {chunks} passages from 1 files" in text
    assert "Users: 2" in text  # Bob and the owner
    assert "Chats: 2 active, 0 inactive" in text
    assert "Answers: 0 today (UTC), 0 in total" in text
    assert any(e["type"] == "bold" for e in card.get("entities", []))
    # The owner's menu may be refused at start-up (Telegram does not know the chat before the
    # owner writes); it is set again after their command. Every other call succeeded.
    failed = [c for c in api.calls if not c.ok and c.method != "getUpdates"]
    assert all(
        c.method == "setMyCommands" and "chat not found" in (c.description or "") for c in failed
    ), api.describe_calls()


async def test_strangers_get_the_unknown_command_answer(owner_bot: BotHarness):
    api = owner_bot.api
    [unknown] = await owner_bot.send_and_wait(api.build.command(BOB, "frobnicate"), BOB.id)
    [status] = await owner_bot.send_and_wait(api.build.command(BOB, "status"), BOB.id)
    [reindex] = await owner_bot.send_and_wait(api.build.command(BOB, "reindex", "full"), BOB.id)
    assert status["text"] == unknown["text"] == reindex["text"]
    assert "Studybot" not in status["text"]

    # In a group even the owner's /status is just an unknown command: silence.
    before = len(owner_bot.sent(STUDY_GROUP.id))
    api.push_update(api.build.command(OWNER, "status", chat=STUDY_GROUP))
    await owner_bot.settle()
    assert len(owner_bot.sent(STUDY_GROUP.id)) == before


async def test_admin_commands_are_only_in_the_owners_menu(owner_bot: BotHarness):
    api = owner_bot.api
    await owner_bot.send_and_wait(api.build.command(OWNER, "status"), OWNER.id)
    owner_scope = {"type": "chat", "chat_id": OWNER.id}
    await api.wait_for(lambda: api.commands(owner_scope, "es"), 10)
    for lang in ("", "en", "es"):
        names = [c["command"] for c in api.commands(owner_scope, lang)]
        assert {"status", "reindex", "search", "help"} <= set(names), (lang, names)
    public = {"type": "all_private_chats"}
    await api.wait_for(lambda: api.commands(public), 10)
    for scope in (public, {"type": "all_group_chats"}, {"type": "all_chat_administrators"}, None):
        for lang in ("", "en", "es"):
            names = {c["command"] for c in api.commands(scope, lang)}
            assert not names & {"status", "reindex"}, (scope, lang, names)


async def test_reindex_makes_a_new_note_file_findable_without_restart(
    owner_bot: BotHarness, corpus: Path
):
    api = owner_bot.api
    [before] = await owner_bot.send_and_wait(
        api.build.private_message(BOB, "zephyrquokka gateway"), BOB.id
    )
    assert "routes packets" not in before["text"]

    (corpus / "networking.txt").write_text(NEW_NOTES, encoding="utf-8")
    [report] = await owner_bot.send_and_wait(
        api.build.command(OWNER, "reindex"), OWNER.id, timeout=60
    )
    assert "Index rebuilt" in report["text"], report["text"]
    assert "New files: networking.txt" in report["text"]
    assert "Quiz bank rebuilt" in report["text"]
    assert any(call.method == "sendChatAction" for call in api.calls)

    [after] = await owner_bot.send_and_wait(
        api.build.private_message(BOB, "zephyrquokka gateway"), BOB.id
    )
    assert "routes packets" in after["text"]

    [again] = await owner_bot.send_and_wait(api.build.command(OWNER, "reindex"), OWNER.id)
    assert "already up to date" in again["text"]
    [usage] = await owner_bot.send_and_wait(api.build.command(OWNER, "reindex", "now"), OWNER.id)
    assert "/reindex full" in usage["text"]


async def test_status_reports_the_rebuilt_quiz_bank_after_a_full_reindex(owner_bot: BotHarness):
    api = owner_bot.api
    [report] = await owner_bot.send_and_wait(
        api.build.command(OWNER, "reindex", "full"), OWNER.id, timeout=60
    )
    assert "Index rebuilt" in report["text"]
    assert "whole index was rebuilt" in report["text"]
    bank = owner_bot.services.notebooks.default.bank.bank
    assert bank is not None
    [card] = await owner_bot.send_and_wait(api.build.command(OWNER, "status"), OWNER.id)
    assert f"Quiz bank: {len(bank)} question" in card["text"]
