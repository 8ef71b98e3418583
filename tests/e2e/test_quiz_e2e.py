"""Quiz polls end to end: the real Application against the strict fake Bot API — /quiz in private
and groups, answers by poll_answer, "Next question", "Read the note", /streak, /stats, /top."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.core.notebooks import DEMO, Notebook, NotebookRegistry
from bot.core.question_bank import QuizBank, QuizBankHolder
from bot.core.services import AppServices
from bot.db.session import Database
from bot.settings import Settings
from bot.telegram.app import build_application, polling
from tests.e2e.conftest import BotHarness, button_data, buttons
from tests.fakebot import ALICE, BOB, CAROL, STUDY_GROUP, FakeBotAPI, User


@pytest.fixture(scope="session")
def question_bank(notes_searcher) -> QuizBank:
    """The shipped notes' question bank, built once (it takes seconds)."""
    return QuizBank.from_chunks(notes_searcher.chunks())


def quiz_settings(api: FakeBotAPI, data_dir: Path, database_url: str | None = None) -> Settings:
    data_dir.mkdir(parents=True, exist_ok=True)
    return Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_API_URL=api.root_url,
        STUDYBOT_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url or f"sqlite+aiosqlite:///{data_dir / 'studybot.db'}",
    )


async def open_quiz_services(
    api: FakeBotAPI, searcher, data_dir: Path, bank: QuizBank, database_url: str | None = None
) -> AppServices:
    settings = quiz_settings(api, data_dir, database_url)
    db = Database(settings.effective_database_url)
    await db.start()
    services = AppServices(
        settings=settings,
        db=db,
        notebooks=NotebookRegistry([Notebook(DEMO, searcher, QuizBankHolder(bank))]),
    )
    return services


async def start_quiz_bot(
    api: FakeBotAPI, searcher, data_dir: Path, bank: QuizBank, database_url: str | None = None
) -> AsyncIterator[BotHarness]:
    """Like tests.e2e.conftest.start_bot, with the question bank already built."""
    services = await open_quiz_services(api, searcher, data_dir, bank, database_url)
    application = build_application(services.settings, services)
    try:
        async with polling(application):
            yield BotHarness(api, application, services)
    finally:
        await services.db.close()


@pytest.fixture
async def quiz_bot(
    fake_api, notes_searcher, question_bank, tmp_path, e2e_db_url
) -> AsyncIterator[BotHarness]:
    async for harness in start_quiz_bot(
        fake_api, notes_searcher, tmp_path / "data", question_bank, e2e_db_url
    ):
        yield harness


def polls_in(api: FakeBotAPI, chat_id: int) -> list[dict[str, Any]]:
    """Every poll in the chat (in channels the bot posts as the channel, without ``from``)."""
    return [m for m in api.messages(chat_id, include_user=True) if "poll" in m]


def right_option(message: dict[str, Any]) -> int:
    return message["poll"]["correct_option_ids"][0]


async def answer(bot: BotHarness, user: User, poll_message: dict[str, Any], *, right: bool) -> None:
    correct = right_option(poll_message)
    option = correct if right else (correct + 1) % len(poll_message["poll"]["options"])
    bot.api.push_update(bot.api.build.poll_answer(user, poll_message["poll"]["id"], [option]))


@pytest.mark.backends("sqlite", "postgresql")
async def test_quiz_poll_answer_next_and_streak(quiz_bot):
    api = quiz_bot.api
    [poll_message] = await quiz_bot.send_and_wait(api.build.command(ALICE, "quiz"), ALICE.id)
    poll = poll_message["poll"]
    assert poll["type"] == "quiz" and poll["is_anonymous"] is False
    assert 2 <= len(poll["options"]) <= 10 and poll.get("explanation")
    assert "Read the note" in buttons(poll_message)[0]["text"]

    before = len(api.messages(ALICE.id))
    await answer(quiz_bot, ALICE, poll_message, right=True)
    await api.wait_for(lambda: len(api.messages(ALICE.id)) > before, 10)
    follow_up = api.messages(ALICE.id)[-1]
    assert "Right" in follow_up["text"] and "1 day" in follow_up["text"]

    before = len(polls_in(api, ALICE.id))
    await quiz_bot.press(ALICE, follow_up, button_data(follow_up, "Next question"))
    await api.wait_for(lambda: len(polls_in(api, ALICE.id)) > before, 10)
    second = polls_in(api, ALICE.id)[-1]
    assert second["poll"]["id"] != poll["id"]

    [streak] = await quiz_bot.send_and_wait(api.build.command(ALICE, "streak"), ALICE.id)
    assert "Current streak: 1 day" in streak["text"]
    assert "Today: done (1 answer)" in streak["text"]


@pytest.mark.backends("sqlite", "postgresql")
async def test_repeated_and_unknown_poll_answers_change_nothing(quiz_bot):
    api = quiz_bot.api
    [poll_message] = await quiz_bot.send_and_wait(api.build.command(ALICE, "quiz"), ALICE.id)
    answer_update = api.build.poll_answer(
        ALICE, poll_message["poll"]["id"], [right_option(poll_message)]
    )
    api.push_update(answer_update)
    await api.wait_for(lambda: len(api.messages(ALICE.id)) == 2, 10)
    duplicate = dict(answer_update, update_id=answer_update["update_id"] + 10_000)
    api.push_update(duplicate)  # the same vote delivered again under a new update id
    await quiz_bot.settle()
    assert len(api.messages(ALICE.id)) == 2
    [streak] = await quiz_bot.send_and_wait(api.build.command(ALICE, "streak"), ALICE.id)
    assert "(1 answer)" in streak["text"]


async def test_read_the_note_shows_the_passage_and_forged_data_is_refused(quiz_bot):
    api = quiz_bot.api
    [poll_message] = await quiz_bot.send_and_wait(api.build.command(BOB, "quiz"), BOB.id)
    data = button_data(poll_message, "Leer la nota")  # Bob's client speaks Spanish
    assert len(data.encode()) <= 64
    before = len(api.messages(BOB.id))
    await quiz_bot.press(BOB, poll_message, data)
    await api.wait_for(lambda: len(api.messages(BOB.id)) > before, 10)
    note = api.messages(BOB.id)[-1]
    assert "📖" in note["text"] and "línea" in note["text"]

    forged = data[:-3] + ("aaa" if not data.endswith("aaa") else "bbb")
    update = api.build.callback_query(BOB, poll_message, forged, check_button=False)
    query_id = update["callback_query"]["id"]
    api.push_update(update)
    await api.wait_for(lambda: api.callback_queries[query_id].answered, 10)
    await quiz_bot.settle()
    assert len(api.messages(BOB.id)) == before + 1  # nothing new was sent


@pytest.mark.backends("sqlite", "postgresql")
async def test_group_quiz_counts_for_global_and_group_streaks_and_top(quiz_bot):
    api = quiz_bot.api
    [first] = await quiz_bot.send_and_wait(
        api.build.command(ALICE, "quiz", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    assert first["poll"]["is_anonymous"] is False
    await answer(quiz_bot, ALICE, first, right=True)
    await answer(quiz_bot, BOB, first, right=False)
    [second] = await quiz_bot.send_and_wait(
        api.build.command(BOB, "quiz", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    assert second["poll"]["id"] != first["poll"]["id"]
    await answer(quiz_bot, BOB, second, right=True)
    await answer(quiz_bot, ALICE, second, right=True)
    await quiz_bot.settle()

    [top] = await quiz_bot.send_and_wait(
        api.build.command(CAROL, "top", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    text = top["text"]
    assert "AWS Study Group" in text
    week = text.split("Streaks")[0]
    assert week.index("Alice") < week.index("Bob")  # 2 correct vs 1
    assert "Alice — 2" in week and "Bob — 1" in week

    [streak] = await quiz_bot.send_and_wait(
        api.build.command(BOB, "streak", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    assert "1 día" in streak["text"] and "AWS Study Group" in streak["text"]  # group + global


async def test_stats_sends_a_valid_png(quiz_bot):
    api = quiz_bot.api
    [poll_message] = await quiz_bot.send_and_wait(api.build.command(ALICE, "quiz"), ALICE.id)
    await answer(quiz_bot, ALICE, poll_message, right=False)
    await api.wait_for(lambda: len(api.messages(ALICE.id)) == 2, 10)
    [photo] = await quiz_bot.send_and_wait(api.build.command(ALICE, "stats"), ALICE.id)
    assert "photo" in photo and "1 answer" in photo["caption"] and "0% correct" in photo["caption"]
    file_id = photo["photo"][-1]["file_id"]
    image = Image.open(io.BytesIO(api.state.files[file_id].content))
    image.load()
    assert image.format == "PNG" and image.width >= 300


async def test_quiz_in_a_channel_is_anonymous(quiz_bot):
    from tests.fakebot import NOTES_CHANNEL

    api = quiz_bot.api
    api.push_update(api.build.channel_post(NOTES_CHANNEL, "/quiz"))
    await api.wait_for(lambda: polls_in(api, NOTES_CHANNEL.id), 10)
    assert polls_in(api, NOTES_CHANNEL.id)[0]["poll"]["is_anonymous"] is True


async def test_quiz_answers_never_crash_on_hostile_input(quiz_bot):
    api = quiz_bot.api
    for text in (
        "/daily 99:99",
        "/daily 07:00 <b>Evil</b>/Zone",
        "/timezone ../../etc",
        "/remind 🙂",
    ):
        await quiz_bot.send_and_wait(api.build.command(ALICE, text), ALICE.id)
    texts = api.texts(ALICE.id)
    assert "not a time of day" in texts[0]
    assert "&lt;b&gt;" not in texts[1] and "<b>Evil</b>" in texts[1]  # shown as text, escaped
    assert "Europe/Madrid" in texts[2]
    await asyncio.sleep(0)
