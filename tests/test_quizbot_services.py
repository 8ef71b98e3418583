"""The quiz feature's core over a real database: /quiz → answer → /streak, /daily, /top, /stats,
and the terminal chat answering by number."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.core.delivery import remember_poll as record_sent_poll
from bot.core.notebooks import DEMO, Notebook, NotebookRegistry
from bot.core.ports import SentPoll
from bot.core.question_bank import QuizBank, QuizBankHolder
from bot.core.replies import Asker, Photo, Poll, Reply
from bot.core.services import AppServices
from bot.db import Database
from bot.db.daily import daily_subscription
from bot.features.daily.settings import daily_reply, remind_reply, timezone_reply
from bot.features.quiz.answers import answer_poll
from bot.features.quiz.asking import open_note, quiz_command, quiz_posts, why_no_question
from bot.features.quiz.posts import is_next_callback
from bot.features.streaks.leaderboard import leaderboard_reply
from bot.features.streaks.views import stats_reply, streak_reply
from bot.settings import Settings
from bot.terminal.chat import chat_loop, open_chat
from index.model import Chunk
from index.quiz import QuizItem
from tests.botfakes import ListSearcher


class BlockingStdin(io.StringIO):
    """A terminal that never types anything (readline blocks a worker thread briefly)."""

    def isatty(self) -> bool:
        return False

    def readline(self, *args: object) -> str:
        import time

        time.sleep(0.2)
        return "\n"


USER = 4242
GROUP = -100777


def make_items(n: int = 6) -> list[QuizItem]:
    return [
        QuizItem(
            id=f"item{i:02d}",
            kind="cloze",
            lang="en",
            question=f"Question number {i}: which service ___?",
            options=(f"A{i}", f"B{i}", f"C{i}", f"D{i}"),
            answer=i % 4,
            explanation=f"Because of note line {i}.",
            source="notes.txt",
            path=("SECTION", f"Lecture {i}"),
            chunk_id=f"chunk{i}",
            line=10 + i,
        )
        for i in range(n)
    ]


def make_chunks(n: int = 6) -> list[Chunk]:
    return [
        Chunk(
            f"chunk{i}",
            "notes.txt",
            10,
            20,
            ("SECTION", f"Lecture {i}"),
            f"Lecture {i}",
            f"The full passage <{i}> about the service.",
            "en",
        )
        for i in range(n)
    ]


class NoSearch:
    def search(self, query, limit=5):  # pragma: no cover - not used here
        raise AssertionError

    def chunk(self, chunk_id):
        return None

    def chunks(self):
        return make_chunks()


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[AppServices]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'quiz.db'}")
    await db.start()
    settings = Settings(STUDYBOT_DATA_DIR=str(tmp_path), STUDYBOT_TIMEZONE="UTC")
    holder = QuizBankHolder(QuizBank(make_items(), make_chunks()))
    svc = AppServices(
        settings=settings,
        db=db,
        notebooks=NotebookRegistry([Notebook(DEMO, NoSearch(), holder)]),
    )
    yield svc
    await db.close()


def private(lang: str = "en") -> Asker:
    return Asker(user_id=USER, chat_id=USER, lang=lang, private=True, first_name="Ana")


def in_group(user_id: int = USER) -> Asker:
    return Asker(user_id=user_id, chat_id=GROUP, lang="en", private=False, first_name="Ana")


async def ask_and_answer(services: AppServices, asker: Asker, *, right: bool, poll_id: str):
    [post] = await quiz_posts(services, asker)
    await record_sent_poll(services, SentPoll(poll_id, 1), post, asker.chat_id)
    chosen = post.correct_index if right else (post.correct_index + 1) % 4
    result = await answer_poll(
        services,
        poll_id=poll_id,
        user_id=asker.user_id,
        first_name="Ana",
        lang="en",
        option_ids=[chosen],
    )
    return post, result


async def test_quiz_answer_then_streak_shows_one_day(services):
    items = await quiz_command(services, private())
    assert len(items) == 1 and isinstance(items[0], Poll)
    post, result = await ask_and_answer(services, private(), right=True, poll_id="p1")
    assert result.recorded and result.private and result.correct
    [follow_up] = result.replies
    assert "1 day" in follow_up.text
    assert is_next_callback(follow_up.flat_buttons[0].data)
    streak = await streak_reply(services, private())
    assert "Current streak:</b> 1 day" in streak.text


async def test_answer_is_recorded_once_and_unknown_polls_are_ignored(services):
    await ask_and_answer(services, private(), right=True, poll_id="p1")
    again = await answer_poll(
        services, poll_id="p1", user_id=USER, first_name="Ana", lang="en", option_ids=[0]
    )
    assert not again.recorded and not again.replies
    unknown = await answer_poll(
        services, poll_id="nope", user_id=USER, first_name="Ana", lang="en", option_ids=[0]
    )
    assert not unknown.recorded and not unknown.known_poll


async def test_wrong_answer_comes_back_before_new_items(services):
    post, _ = await ask_and_answer(services, private(), right=False, poll_id="p1")
    later = datetime(2100, 1, 1, tzinfo=UTC)  # long after the wrong card is due again
    [next_post] = await quiz_posts(services, private(), now=later)
    assert next_post.ref == post.ref


async def test_group_rotates_questions_without_repeats(services):
    seen = []
    for n in range(4):
        [post] = await quiz_posts(services, in_group())
        await record_sent_poll(services, SentPoll(f"g{n}", n), post, GROUP)
        seen.append(post.ref)
    assert len(set(seen)) == 4


async def test_note_button_opens_the_passage_and_refuses_forgery(services):
    [post] = await quiz_posts(services, private())
    data = post.buttons[0][0].data
    answer = await open_note(services, private(), data)
    assert answer.replies and "&lt;" in answer.replies[0].text  # passage escaped
    forged = await open_note(services, private(), data[:-2] + "zz")
    assert not forged.replies and forged.notice.text


async def test_daily_settings_roundtrip(services):
    reply = await daily_reply(services, private(), "/daily 07:30 Europe/Madrid")
    assert "07:30" in reply.text and "Europe/Madrid" in reply.text
    async with services.db.session() as s:
        sub = await daily_subscription(s, USER)
    assert sub.post_time == time(7, 30) and sub.timezone == "Europe/Madrid" and sub.count == 3
    assert "5" in (await daily_reply(services, private(), "/daily count 5")).text
    shown = await daily_reply(services, private(), "/daily")
    assert "07:30" in shown.text and "5 per day" in shown.text
    bad = await daily_reply(services, private(), "/daily 07:30 Atlantis/Nowhere")
    assert "Europe/Madrid" in bad.text and "Atlantis/Nowhere" in bad.text
    assert "stopped" in (await daily_reply(services, private(), "/daily off")).text
    async with services.db.session() as s:
        assert await daily_subscription(s, USER) is None


async def test_a_daily_time_already_past_today_starts_tomorrow(services):
    from bot.db.daily import due_daily_posts

    afternoon = datetime(2031, 3, 4, 14, 0, tzinfo=UTC)  # 15:00 in Madrid
    reply = await daily_reply(services, private(), "/daily 08:00 Europe/Madrid", now=afternoon)
    assert "first quiz comes tomorrow" in reply.text
    async with services.db.session() as s:
        assert await due_daily_posts(s, afternoon) == []  # nothing posted at once
        tomorrow = await due_daily_posts(s, datetime(2031, 3, 5, 7, 1, tzinfo=UTC))
    assert [post.chat_id for post in tomorrow] == [USER]

    later_today = await daily_reply(services, private(), "/daily 18:00", now=afternoon)
    assert "tomorrow" not in later_today.text  # still ahead today: today's quiz comes at 18:00
    async with services.db.session() as s:
        assert await due_daily_posts(s, datetime(2031, 3, 4, 16, 59, tzinfo=UTC)) == []
        [evening] = await due_daily_posts(s, datetime(2031, 3, 4, 17, 0, tzinfo=UTC))
    assert evening.local_date.isoformat() == "2031-03-04"


async def test_daily_in_a_group_needs_an_admin(services):
    async def no() -> bool:
        return False

    refused = await daily_reply(
        services, in_group(), "/daily 08:00", chat_type="supergroup", is_admin=no
    )
    assert "admins" in refused.text
    async with services.db.session() as s:
        assert await daily_subscription(s, GROUP) is None
    shown = await daily_reply(services, in_group(), "/daily", chat_type="supergroup", is_admin=no)
    assert "No daily quiz" in shown.text


async def test_timezone_and_remind(services):
    assert "Asia/Tokyo" in (await timezone_reply(services, private(), "/timezone Asia/Tokyo")).text
    assert "Asia/Tokyo" in (await timezone_reply(services, private(), "/timezone")).text
    assert "21:00" in (await remind_reply(services, private(), "/remind 21:00")).text
    assert "No evening reminders" in (await remind_reply(services, private(), "/remind off")).text
    assert "private chat" in (await remind_reply(services, in_group(), "/remind off")).text


async def test_top_ranks_group_members(services):
    await ask_and_answer(services, in_group(1), right=True, poll_id="a")
    await ask_and_answer(services, in_group(2), right=False, poll_id="b")
    reply = await leaderboard_reply(services, in_group(), chat_title="AWS <study>")
    assert isinstance(reply, Reply)
    assert "AWS &lt;study&gt;" in reply.text and "Ana — 1" in reply.text


async def test_stats_is_a_png_photo(services):
    await ask_and_answer(services, private(), right=True, poll_id="p1")
    photo = await stats_reply(services, private())
    assert isinstance(photo, Photo)
    image = Image.open(io.BytesIO(photo.png))
    image.load()
    assert image.format == "PNG"
    assert "1 answer" in photo.caption and "100% correct" in photo.caption


async def test_the_terminal_starts_building_the_question_bank_before_the_first_quiz(services):
    notebook = Notebook(DEMO, type("Notes", (), {"chunks": staticmethod(make_chunks)})())
    services.notebooks = NotebookRegistry([notebook])
    out = io.StringIO()
    chat = asyncio.create_task(chat_loop(services, BlockingStdin(), out))
    try:
        # built in a worker thread before anyone asked for a quiz; polled, not a fixed sleep,
        # because the chat loop's start is scheduled later on a loaded machine
        for _ in range(200):
            if notebook.bank.started:
                break
            await asyncio.sleep(0.05)
        assert notebook.bank.started
        bank = await notebook.bank.wait(10)
        assert bank is not None
    finally:
        chat.cancel()


async def test_terminal_quiz_answer_by_number_counts_for_the_streak(services):
    out = io.StringIO()
    chat = await open_chat(services, out)
    chat.asker = private()
    chat.screen.chat_id = chat.sender.screen.chat_id = USER
    chat.sender.audience = frozenset({USER})
    await chat.handle_line("/quiz")
    assert "[4]" in out.getvalue()
    await chat.handle_line("2")
    text = out.getvalue()
    assert ("✓" in text) or ("✗" in text)
    assert "Next question" in text
    await chat.handle_line("/streak")
    assert "Current streak: 1 day" in out.getvalue()


async def test_batch_claims_are_won_once_across_two_connections(services, tmp_path):
    import asyncio

    from bot.db.chats import upsert_chat
    from bot.db.daily_batches import claim_daily_posts

    day = datetime(2031, 1, 5, tzinfo=UTC).date()
    chat_ids = list(range(1, 41))
    async with services.db.session() as s:
        for chat_id in chat_ids:
            await upsert_chat(s, chat_id, "private", None)
    other = Database(services.db.url)
    await other.start()

    async def claim(db: Database, ids: list[int]) -> set[int]:
        async with db.session() as s:
            return await claim_daily_posts(s, [(chat_id, day) for chat_id in ids])

    try:
        first, second = await asyncio.gather(
            claim(services.db, chat_ids), claim(other, list(reversed(chat_ids)))
        )
    finally:
        await other.close()
    assert first | second == set(chat_ids) and not first & second
    assert await claim(services.db, chat_ids) == set()


def test_help_mentions_the_quiz_commands_and_anonymous_channels():
    from bot.features.catalog import HELP_LINES
    from bot.features.search.help import help_reply

    text = help_reply(private(), HELP_LINES).text
    assert "/quiz" in text and "/daily" in text and "/streak" in text
    assert "anonymous" in text
    assert "anónimas" in help_reply(private("es"), HELP_LINES).text


async def test_due_posts_across_zones_leave_out_claimed_chats(services):
    from bot.db.chats import upsert_chat
    from bot.db.daily import claim_daily_post, due_daily_posts, subscribe_daily

    zones = ["UTC", "Europe/Madrid", "America/Mexico_City", "Asia/Tokyo", "Pacific/Kiritimati"]
    async with services.db.session() as s:
        for n in range(30):
            chat_id = 100 + n
            await upsert_chat(s, chat_id, "private", None)
            await subscribe_daily(s, chat_id, time(n % 24, (n * 7) % 60), zones[n % len(zones)])
    now = datetime(2031, 3, 30, 1, 30, tzinfo=UTC)
    async with services.db.session() as s:
        first = await due_daily_posts(s, now)
        claimed = first[::3]
        for post in claimed:
            await claim_daily_post(s, post.chat_id, post.local_date)
    async with services.db.session() as s:
        after = await due_daily_posts(s, now)
    assert after == [post for post in first if post not in claimed] and len(after) > 0
    for post in first:  # each one's local time really has passed in its own zone
        local = now.astimezone(ZoneInfo(post.timezone))
        assert local.date() == post.local_date and local.time() >= post.post_time


async def test_a_second_quiz_does_not_repeat_an_unanswered_question(services):
    asked = []
    for n in range(3):
        [post] = await quiz_posts(services, private())
        await record_sent_poll(services, SentPoll(f"open{n}", n), post, USER)
        asked.append(post.ref)
    assert len(set(asked)) == 3


async def test_why_no_question_tells_reading_from_read_and_empty_from_none_left():
    reading = Notebook("n1", ListSearcher([]))
    assert "still being read" in await why_no_question(reading, "en")
    asked_out = Notebook("n2", ListSearcher([]), bank=QuizBankHolder(QuizBank(make_items(2))))
    assert "No question to ask right now" in await why_no_question(asked_out, "en")
    short = Notebook("n3", ListSearcher([]), bank=QuizBankHolder(QuizBank(())))
    text = await why_no_question(short, "es")
    assert "Estos apuntes no dan preguntas" in text and "(0 palabras)" in text
