"""Two instances of the bot on one database (SQLite file and PostgreSQL), each with its own disk
cache and its own Bot API stream: the files in the database are the source of truth, so what one
instance adds, replaces or removes, the other studies at the chat's next request, rebuilding its
own index from the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import BotHarness, button_data, start_bot
from tests.e2e.test_notebooks_e2e import (
    CELLS,
    DEMO_QUERY,
    DEMO_WORDS,
    OWN_QUERY,
    OWN_WORDS,
    ROMANS,
    ROME_QUERY,
    ROME_WORDS,
    search_text,
    upload,
)
from tests.fakebot import ALICE, BOB, STUDY_GROUP, FakeBotAPI

GOLGI = b"# Cell biology\n\nGolgi bodies package proteins for export.\n"


@asynccontextmanager
async def running(*args: Any, **overrides: str) -> AsyncIterator[BotHarness]:
    async for harness in start_bot(*args, **overrides):
        yield harness


@asynccontextmanager
async def two_instances(
    fake_api: FakeBotAPI, notes_searcher: Any, tmp_path: Path, url: str, **overrides: str
) -> AsyncIterator[tuple[BotHarness, BotHarness]]:
    """Two bots on one database, each with its own Bot API stream and disk cache."""
    async with AsyncExitStack() as stack:
        other_api = await stack.enter_async_context(FakeBotAPI())
        other_api.state.next_update_id = 900_000  # one database of claims: ids must not collide
        first = await stack.enter_async_context(
            running(fake_api, notes_searcher, tmp_path / "one", url, **overrides)
        )
        second = await stack.enter_async_context(
            running(other_api, notes_searcher, tmp_path / "two", url, **overrides)
        )
        yield first, second


@pytest.mark.backends("sqlite", "postgresql")
async def test_a_second_instance_finds_the_first_ones_upload_and_follows_its_changes(
    fake_api: FakeBotAPI, notes_searcher, tmp_path: Path, e2e_db_url: str
):
    every_update = {"STUDYBOT_NOTES_CHECK_SECONDS": "0"}
    async with two_instances(fake_api, notes_searcher, tmp_path, e2e_db_url, **every_update) as (
        first,
        second,
    ):
        # both run before the upload: the second did not see it when it started
        assert DEMO_WORDS in (await search_text(second, ALICE, DEMO_QUERY))

        done = await upload(first, ALICE, CELLS.encode(), "cells.md")
        assert done["text"].startswith("✅"), done["text"]
        assert OWN_WORDS in (await search_text(second, ALICE, OWN_QUERY))
        assert DEMO_WORDS not in (await search_text(second, ALICE, DEMO_QUERY))
        assert DEMO_WORDS in (await search_text(second, BOB, DEMO_QUERY))  # Bob: still the demo
        assert any((tmp_path / "two" / "notebooks" / str(ALICE.id)).iterdir())  # its own cache

        # replaced on the first: the second's cached index is stale and is rebuilt
        await upload(first, ALICE, GOLGI, "cells.md")
        assert "package proteins for export" in (await search_text(second, ALICE, "golgi bodies"))
        assert OWN_WORDS not in (await search_text(second, ALICE, OWN_QUERY))

        # added on the second (a group, by its admin): the first finds it, the user's chat not
        second.api.add_chat(STUDY_GROUP)
        second.api.set_member(STUDY_GROUP.id, ALICE, "administrator")
        fake_api.add_chat(STUDY_GROUP)
        await upload(second, ALICE, ROMANS.encode(), "rome.md", STUDY_GROUP.id, chat=STUDY_GROUP)
        [answer] = await first.send_and_wait(
            fake_api.build.group_message(
                STUDY_GROUP, BOB, f"@{fake_api.bot_user.username} {ROME_QUERY}"
            ),
            STUDY_GROUP.id,
        )
        assert ROME_WORDS in answer["text"]
        assert ROME_WORDS not in (await search_text(first, ALICE, ROME_QUERY))

        # all removed on the first: the second studies the demo notes again
        [listing] = await first.send_and_wait(fake_api.build.command(ALICE, "/notes"), ALICE.id)
        await first.press(ALICE, listing, button_data(listing, "Remove all"))
        await fake_api.wait_for(
            lambda: "demo notes" in fake_api.message(ALICE.id, listing["message_id"])["text"]
        )
        assert DEMO_WORDS in (await search_text(second, ALICE, DEMO_QUERY))


@pytest.mark.backends("sqlite", "postgresql")
async def test_a_requests_notes_check_is_the_read_its_claim_made(
    fake_api: FakeBotAPI,
    notes_searcher,
    tmp_path: Path,
    e2e_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
):
    """With a check before every request, the second instance still follows the first one's
    upload, and no request asks the database for its chat's notes: the update's claim read
    them in its own transaction."""
    import bot.features.notebooks.library as library
    from bot.core.inbox import current_handling

    asked: list[int] = []  # stored_notes calls made while handling an update (not by jobs)
    stored_notes = library.stored_notes

    async def counted(db: Any, chat_id: int) -> Any:
        if current_handling() is not None:
            asked.append(chat_id)
        return await stored_notes(db, chat_id)

    monkeypatch.setattr(library, "stored_notes", counted)
    every_update = {"STUDYBOT_NOTES_CHECK_SECONDS": "0"}
    async with two_instances(fake_api, notes_searcher, tmp_path, e2e_db_url, **every_update) as (
        first,
        second,
    ):
        assert DEMO_WORDS in (await search_text(second, ALICE, DEMO_QUERY))
        done = await upload(first, ALICE, CELLS.encode(), "cells.md")
        assert done["text"].startswith("✅"), done["text"]
        assert OWN_WORDS in (await search_text(second, ALICE, OWN_QUERY))
        assert OWN_WORDS in (await search_text(first, ALICE, OWN_QUERY))
    assert asked == []


async def test_the_daily_job_picks_up_notes_another_instance_added(
    fake_api: FakeBotAPI, notes_searcher, tmp_path: Path, e2e_db_url: str
):
    """Work no request precedes (the daily quiz) reads the notebook the minute job followed."""
    from bot.features.notebooks.library import follow_all_notes

    async with two_instances(fake_api, notes_searcher, tmp_path, e2e_db_url) as (first, second):
        await upload(first, ALICE, CELLS.encode(), "cells.md")
        assert not second.services.notebooks.has_own_notes(ALICE.id)
        assert await follow_all_notes(second.services) == 1
        notebook = second.services.notebook_for(ALICE.id)
        assert notebook.id == first.services.notebook_for(ALICE.id).id
        assert await follow_all_notes(second.services) == 0  # nothing changed since
