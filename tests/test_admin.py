"""The owner's commands without Telegram: /status counts and card, /reindex over a real index
(new files become searchable, the quiz bank follows, runs never overlap, a failure keeps the
old index live)."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.services import AppServices
from bot.db import Database
from bot.db.admin_stats import BotCounts, bot_counts
from bot.db.answers import record_answer
from bot.db.chats import set_chat_active, upsert_chat
from bot.db.daily import pause_subscription, subscribe_daily
from bot.db.flags import FlagCounts, flag_item
from bot.db.polls import record_poll_sent
from bot.db.users import set_user_timezone, upsert_user
from bot.features.admin import owner as admin  # patched: its ensure_index
from bot.features.admin.owner import (
    FileChanges,
    IndexSummary,
    ReindexOutcome,
    StatusReport,
    day_bounds,
    format_duration,
    gather_status,
    is_owner,
    parse_reindex_args,
    reindex_failed_reply,
    reindex_reply,
    run_reindex,
    status_reply,
)
from bot.settings import Settings
from index.search import open_searcher
from index.store import ensure_index
from tests.botfakes import services_for

NOTES = """# STORAGE
## Amazon S3 Object Lock (10:00)
S3 Object Lock stores objects with a write-once-read-many (WORM) model. Compliance mode means
no user, including the root account, can delete a locked object version until retention ends.
Governance mode lets users with special permissions override the retention settings.

## Amazon S3 Glacier (08:00)
Glacier is archival storage: retrieval takes minutes to hours. Vault Lock enforces compliance
controls on a Glacier vault with a lockable policy.
"""

NEW_NOTES = """# NETWORKING
## Zephyrquokka Gateway (04:00)
The Zephyrquokka Gateway is a made-up service that routes packets between two VPCs.
Route tables must point to the Zephyrquokka Gateway for traffic to flow.
"""


# --- pure helpers -------------------------------------------------------------------------------


def test_owner_is_recognised_only_by_the_configured_ids():
    settings = Settings(_env_file=None, STUDYBOT_ADMIN_IDS="1001, 42")
    assert is_owner(settings, 1001) and is_owner(settings, 42)
    assert not is_owner(settings, 1002)
    assert not is_owner(settings, None)
    assert not is_owner(Settings(_env_file=None), 1001)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (59.9, "59 s"),
        (60, "1 min"),
        (3725, "1 h 02 min"),
        (2 * 86400 + 7300, "2 d 2 h"),
    ],
)
def test_durations_are_short_and_round_down(seconds, text):
    assert format_duration(seconds) == text


def test_negative_duration_is_zero():
    assert format_duration(-5) == "0 s"


@pytest.mark.parametrize(
    ("args", "full"),
    [
        ([], False),
        (["full"], True),
        (["FULL"], True),
        (["completo"], True),
        (["now"], None),
        (["full", "please"], None),
    ],
)
def test_reindex_arguments(args, full):
    assert parse_reindex_args(args) is full


def test_file_changes_between_manifests():
    before = {"a.txt": "1", "b.txt": "2", "c.txt": "3"}
    after = {"a.txt": "1", "b.txt": "9", "d.txt": "4"}
    changes = FileChanges.between(before, after)
    assert changes == FileChanges(added=("d.txt",), changed=("b.txt",), removed=("c.txt",))
    assert not FileChanges.between(before, dict(before))


def test_day_bounds_follow_the_zone_and_daylight_saving():
    # 2026-03-08 is the day New York springs forward: a 23-hour day.
    now = datetime(2026, 3, 8, 15, 0, tzinfo=UTC)
    start, end = day_bounds(now, "America/New_York")
    assert start == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=23)
    # Late evening UTC is already tomorrow in Tokyo.
    start, end = day_bounds(datetime(2026, 5, 1, 20, 0, tzinfo=UTC), "Asia/Tokyo")
    assert start == datetime(2026, 5, 1, 15, 0, tzinfo=UTC) and end - start == timedelta(days=1)
    # An unknown zone counts in UTC rather than failing.
    assert day_bounds(now, "Mars/Olympus")[0] == datetime(2026, 3, 8, tzinfo=UTC)


# --- replies ------------------------------------------------------------------------------------


def _report(**changes) -> StatusReport:
    values = dict(
        version="0.1.0",
        started_at=datetime(2026, 11, 21, 8, 0, tzinfo=UTC),
        now=datetime(2026, 11, 21, 11, 5, tzinfo=UTC),
        index=IndexSummary("gen-1", 456, 2, datetime(2026, 11, 21, 7, 59, tzinfo=UTC)),
        quiz_items=504,
        counts=BotCounts(7, 5, 2, 3, 1, 11, 250),
        zone="Europe/Madrid",
    )
    values.update(changes)
    return StatusReport(**values)


def test_status_card_shows_every_figure():
    text = status_reply("en", _report()).text
    for expected in (
        "Studybot 0.1.0",
        "Up for 3 h 05 min (since 2026-11-21 08:00 UTC)",
        "456 passages from 2 files, built 2026-11-21 07:59 UTC",
        "Quiz bank: 504 questions",
        "Users: 7",
        "Chats: 5 active, 2 inactive",
        "Daily quizzes: 3 active, 1 paused",
        "Answers: 11 today (Europe/Madrid), 250 in total",
    ):
        assert expected in text, (expected, text)


def test_status_card_escapes_every_value_and_speaks_spanish():
    text = status_reply(
        "es",
        _report(version="<b>1&2</b>", zone="<i>x</i>", index=IndexSummary("<gen>", 1, 1, None)),
    ).text
    assert "&lt;b&gt;1&amp;2&lt;/b&gt;" in text and "<b>1&2</b>" not in text
    assert "&lt;i&gt;x&lt;/i&gt;" in text and "&lt;gen&gt;" in text
    assert "Usuarios: 7" in text and "Respuestas: 11 hoy" in text


def test_status_card_counts_flagged_questions():
    text = status_reply(
        "en", _report(flags=FlagCounts(flags=5, items=3, retired_everywhere=1))
    ).text
    assert "Flagged questions: 3 (5 flags), 1 retired for everyone" in text
    spanish = status_reply("es", _report(flags=FlagCounts(5, 3, 1))).text
    assert "Preguntas marcadas: 3 (5 marcas), 1 retiradas para todos" in spanish
    assert "Flagged" not in status_reply("en", _report(flags=None)).text


def test_status_card_while_the_bank_builds_and_without_database():
    text = status_reply("en", _report(quiz_items=None, counts=None)).text
    assert "still being built" in text and "No database" in text and "Users:" not in text


def _outcome(**changes) -> ReindexOutcome:
    values = dict(
        built=True,
        full=False,
        generation="gen-2",
        files=FileChanges(added=("new <notes>.txt",), changed=("a.txt",)),
        file_count=3,
        chunks_before=10,
        chunks_after=12,
        seconds=1.234,
        quiz_before=20,
        quiz_after=23,
        searcher_live=True,
    )
    values.update(changes)
    return ReindexOutcome(**values)


def test_reindex_reply_lists_changed_files_escaped_with_counts():
    text = reindex_reply("en", _outcome()).text
    assert "Index rebuilt in 1.2 s: 12 passages from 3 files (before: 10 passages)" in text
    assert "New files: <code>new &lt;notes&gt;.txt</code>" in text
    assert "Changed files: <code>a.txt</code>" in text
    assert "Removed" not in text
    assert "Quiz bank rebuilt: 23 questions (before: 20)" in text
    assert "could not load" not in text


def test_reindex_reply_when_nothing_changed_and_when_the_searcher_lags():
    text = reindex_reply(
        "en", _outcome(built=False, files=FileChanges(), quiz_after=None, chunks_before=12)
    ).text
    assert "already up to date: 12 passages from 3 files" in text
    assert "Quiz bank unchanged: 20 questions" in text
    lagging = reindex_reply("es", _outcome(searcher_live=False, quiz_before=None)).text
    assert "antes: sin construir" in lagging and "⚠️" in lagging


def test_reindex_reply_names_a_forced_rebuild_and_many_files_are_capped():
    names = tuple(f"n{i:02d}.txt" for i in range(14))
    text = reindex_reply("en", _outcome(files=FileChanges(removed=names))).text
    assert "n09.txt" in text and "n10.txt" not in text and "(+4)" in text
    forced = reindex_reply("en", _outcome(full=True, files=FileChanges())).text
    assert "whole index was rebuilt" in forced


def test_failed_reindex_reply_is_escaped_and_short():
    text = reindex_failed_reply("en", OSError("<disk> & " + "x" * 1000)).text
    assert "&lt;disk&gt; &amp;" in text and "previous index is still live" in text
    assert len(text) < 600


# --- counts in the database ---------------------------------------------------------------------


async def test_bot_counts_counts_users_chats_subscriptions_and_answers_of_today(db: Database):
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    async with db.session() as s:
        for user_id in (1, 2, 3):
            await upsert_user(s, user_id, f"u{user_id}", "en")
            await upsert_chat(s, user_id, "private", None)
        await upsert_chat(s, -100, "supergroup", "G1")
        await upsert_chat(s, -200, "supergroup", "G2")
        await set_chat_active(s, 3, False)
        await set_chat_active(s, -200, False)
        await subscribe_daily(s, -100, now.time(), "UTC")
        await subscribe_daily(s, 1, now.time(), "UTC")
        await subscribe_daily(s, 2, now.time(), "UTC")
        await pause_subscription(s, 2)
    moments = [now - timedelta(days=2), now - timedelta(hours=13), now - timedelta(hours=1), now]
    for number, at in enumerate(moments):
        async with db.session() as s:
            await record_poll_sent(s, f"p{number}", "item", -100, 0, sent_at=at)
            assert (await record_answer(s, f"p{number}", 1, [0], at)).recorded
    start, end = day_bounds(now, "UTC")
    async with db.session() as s:
        counts = await bot_counts(s, day_start=start, day_end=end)
    assert counts == BotCounts(
        users=3,
        active_chats=3,
        inactive_chats=2,
        daily_active=2,
        daily_paused=1,
        answers_today=2,
        answers_total=4,
    )


async def test_bot_counts_of_an_empty_database_are_zero(db: Database):
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    async with db.session() as s:
        counts = await bot_counts(s, day_start=now, day_end=now + timedelta(days=1))
    assert counts == BotCounts(0, 0, 0, 0, 0, 0, 0)


# --- /reindex and /status over a real index -------------------------------------------------------


@pytest.fixture
def notes_setup(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "storage.txt").write_text(NOTES, encoding="utf-8")
    settings = Settings(
        _env_file=None, STUDYBOT_DATA_DIR=str(tmp_path / "data"), STUDYBOT_CORPUS_DIR=str(corpus)
    )
    ensure_index(corpus, settings.index_dir)
    searcher = open_searcher(settings.index_dir)
    services = services_for(searcher, settings=settings)
    return corpus, services


def _found(services: AppServices, query: str) -> bool:
    return any(
        "Zephyrquokka" in hit.chunk.text
        for hit in services.notebooks.default.searcher.search(query).hits
    )


async def test_reindex_makes_a_new_file_searchable_and_rebuilds_the_quiz_bank(notes_setup):
    corpus, services = notes_setup
    assert not _found(services, "zephyrquokka gateway")
    (corpus / "networking.txt").write_text(NEW_NOTES, encoding="utf-8")

    outcome = await run_reindex(services)
    assert outcome.built and outcome.searcher_live
    assert outcome.files == FileChanges(added=("networking.txt",))
    assert outcome.file_count == 2
    assert outcome.chunks_after > outcome.chunks_before
    assert outcome.quiz_after is not None and outcome.quiz_before is None
    assert _found(services, "zephyrquokka gateway")
    bank = services.notebooks.default.bank.bank
    assert bank is not None and len(bank) == outcome.quiz_after
    assert {item.chunk_id for item in bank.items} <= {
        c.id for c in services.notebooks.default.searcher.chunks()
    }

    again = await run_reindex(services)
    assert not again.built and not again.files
    assert again.quiz_after is None and again.quiz_before == outcome.quiz_after
    assert again.generation == outcome.generation


async def test_full_reindex_writes_a_new_generation_even_when_nothing_changed(notes_setup):
    _, services = notes_setup
    first = services.notebooks.default.searcher.generation
    outcome = await run_reindex(services, full=True)
    assert outcome.built and outcome.full and not outcome.files
    assert (
        outcome.generation != first
        and services.notebooks.default.searcher.generation == outcome.generation
    )
    assert outcome.chunks_after == outcome.chunks_before
    assert outcome.quiz_after is not None


async def test_removed_file_disappears_from_search_after_reindex(notes_setup):
    corpus, services = notes_setup
    (corpus / "networking.txt").write_text(NEW_NOTES, encoding="utf-8")
    await run_reindex(services)
    (corpus / "networking.txt").unlink()
    outcome = await run_reindex(services)
    assert outcome.files == FileChanges(removed=("networking.txt",))
    assert not _found(services, "zephyrquokka gateway")


async def test_failed_reindex_keeps_the_old_index_live(notes_setup, monkeypatch):
    corpus, services = notes_setup
    generation = services.notebooks.default.searcher.generation

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(admin, "ensure_index", broken)
    (corpus / "networking.txt").write_text(NEW_NOTES, encoding="utf-8")
    with pytest.raises(OSError, match="disk full"):
        await run_reindex(services)
    assert services.notebooks.default.searcher.generation == generation
    assert services.notebooks.default.searcher.search("object lock compliance").hits
    assert not services.reindex_lock.locked()


async def test_concurrent_reindex_runs_never_overlap(notes_setup, monkeypatch):
    _, services = notes_setup
    real = admin.ensure_index
    running = 0
    most = 0
    guard = threading.Lock()

    def slow(*args, **kwargs):
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.2)
        try:
            return real(*args, **kwargs)
        finally:
            with guard:
                running -= 1

    monkeypatch.setattr(admin, "ensure_index", slow)
    outcomes = await asyncio.gather(*(run_reindex(services) for _ in range(3)))
    assert most == 1
    assert [o.built for o in outcomes] == [False, False, False]


async def test_status_gathers_the_live_index_and_the_database(notes_setup, db):
    _, services = notes_setup
    services.db = db
    now = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    async with db.session() as s:
        await upsert_user(s, 1001, "Owner", "en")
        await upsert_chat(s, 1001, "private", None)
        await set_user_timezone(s, 1001, "Asia/Tokyo")
        await record_poll_sent(s, "p1", "item", 1001, 0, sent_at=now)
        # 23:00 UTC is 08:00 tomorrow in Tokyo: today for the owner
        assert (await record_answer(s, "p1", 1001, [0], now - timedelta(minutes=30))).recorded
        for user in (1001, 1002):
            await flag_item(
                s, scope="demo", item_id="item", chat_id=user, user_id=user, question="Q?", at=now
            )
        await flag_item(
            s, scope="demo", item_id="other", chat_id=1001, user_id=1001, question="Q2?", at=now
        )
    report = await gather_status(
        services, started_at=now - timedelta(hours=2), owner_id=1001, chat_id=1001, now=now
    )
    assert report.zone == "Asia/Tokyo"
    assert report.index.files == 1
    assert report.index.chunks == len(services.notebooks.default.searcher.chunks()) > 0
    assert report.index.generation == services.notebooks.default.searcher.generation
    assert report.index.built_at is not None
    assert report.counts is not None and report.counts.answers_today == 1
    assert report.counts.users == 1 and report.counts.active_chats == 1
    assert report.quiz_items is None  # nobody built the bank yet
    assert report.flags == FlagCounts(flags=3, items=2, retired_everywhere=1)
