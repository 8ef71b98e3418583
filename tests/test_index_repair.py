"""A broken index heals itself: a truncated or deleted Whoosh segment, or a cut chunks.json, fails
the generation's check when it is opened; the last good generation serves while the notes are
indexed again; the owner hears of it once in /status; ``studybot index`` repairs rather than
saying "Up to date"; chats' notebooks go through the same path."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.index_health import IndexHealth
from bot.core.notebook_cache import IndexOptions, LazySearcher, build_index
from bot.core.services import close_services, open_services
from bot.features.admin.owner import gather_status, repair_line, status_reply
from bot.settings import Settings
from index.integrity import CHECKSUMS, verify_generation
from index.search import open_searcher
from index.store import CURRENT, RepairEvent, current_generation, ensure_index

NOTES = """# Consensus
## Raft elections
A Raft follower that hears no heartbeat before its election timeout becomes a candidate and asks
the other servers for votes; the one that gathers a majority leads the next term of the cluster.

## Paxos phases
Paxos runs a prepare phase and an accept phase; a proposal is chosen once a majority of
acceptors accept it, and learners then find out which value was chosen by the acceptors.
"""


def _segment(generation: Path) -> Path:
    (segment,) = [p for p in generation.iterdir() if p.suffix == ".seg"]
    return segment


def _truncate_segment(generation: Path) -> None:
    segment = _segment(generation)
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])


def _delete_segment(generation: Path) -> None:
    _segment(generation).unlink()


def _truncate_chunks(generation: Path) -> None:
    chunks = generation / "chunks.json"
    chunks.write_bytes(chunks.read_bytes()[:100])


BREAKAGES: dict[str, Callable[[Path], None]] = {
    "truncated segment": _truncate_segment,
    "deleted segment": _delete_segment,
    "truncated chunks.json": _truncate_chunks,
}


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "consensus.md").write_text(NOTES, encoding="utf-8")
    return folder


def _live(index_dir: Path) -> Path:
    live = current_generation(index_dir)
    assert live is not None
    return live


class Events:
    """An ``on_repair`` that keeps what it hears and lets a test wait for the end."""

    def __init__(self) -> None:
        self.seen: list[RepairEvent] = []
        self.ended = threading.Event()

    def __call__(self, event: RepairEvent) -> None:
        self.seen.append(event)
        if event.done:
            self.ended.set()


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_each_breakage_fails_the_generation_check(notes, tmp_path, breakage):
    ensure_index(notes, tmp_path / "index")
    live = _live(tmp_path / "index")
    assert verify_generation(live) == []
    BREAKAGES[breakage](live)
    problems = verify_generation(live)
    assert problems and any(word in problems[0] for word in ("truncated", "missing"))


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_only_generation_is_rebuilt_before_searching(notes, tmp_path, breakage):
    index_dir = tmp_path / "index"
    first = ensure_index(notes, index_dir)
    BREAKAGES[breakage](_live(index_dir))
    events = Events()

    info = ensure_index(notes, index_dir, on_repair=events)

    assert info.built and info.generation != first.generation
    assert info.repair is not None and info.repair.broken == first.generation
    assert info.repair.rebuilt == info.generation
    assert "Repaired" in info.describe() and first.generation in info.describe()
    assert [event.done for event in events.seen] == [False, True]
    assert verify_generation(_live(index_dir)) == []
    assert open_searcher(index_dir).search("election timeout candidate").hits
    assert not (index_dir / first.generation).exists()  # set aside, then removed


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_the_last_good_generation_serves_while_a_thread_rebuilds(
    notes, tmp_path, breakage, monkeypatch
):
    import index.store as store

    index_dir = tmp_path / "index"
    older = ensure_index(notes, index_dir)
    newer = ensure_index(notes, index_dir, rebuild=True)
    BREAKAGES[breakage](_live(index_dir))
    events = Events()
    gate = threading.Event()
    real_stream = store.stream_chunks

    def held_stream(*args, **kwargs):  # the rebuild waits until the old one was searched
        assert gate.wait(30)
        return real_stream(*args, **kwargs)

    monkeypatch.setattr(store, "stream_chunks", held_stream)
    info = ensure_index(notes, index_dir, heal_in_background=True, on_repair=events)

    assert not info.built and info.generation == older.generation
    assert info.repair is not None and info.repair.serving == older.generation
    searcher = open_searcher(index_dir)
    assert searcher.generation == older.generation
    assert searcher.search("prepare phase acceptors").hits
    gate.set()
    assert events.ended.wait(60)
    (event,) = [e for e in events.seen if e.done]
    assert event.broken == newer.generation and event.rebuilt is not None
    assert event.error is None
    assert _live(index_dir).name == event.rebuilt
    assert searcher.refresh() and searcher.generation == event.rebuilt
    assert searcher.search("prepare phase acceptors").hits
    assert (index_dir / older.generation).is_dir()  # the previous good one is kept


def test_a_failed_rebuild_is_reported_and_raised(notes, tmp_path, monkeypatch):
    import index.store as store

    index_dir = tmp_path / "index"
    ensure_index(notes, index_dir)
    _truncate_chunks(_live(index_dir))
    events = Events()

    def broken_stream(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(store, "stream_chunks", broken_stream)
    with pytest.raises(OSError, match="disk on fire"):
        ensure_index(notes, index_dir, on_repair=events)
    assert events.seen[-1].error is not None and "disk on fire" in events.seen[-1].error


def test_a_generation_without_checksums_is_never_served(notes, tmp_path):
    index_dir = tmp_path / "index"
    ensure_index(notes, index_dir)
    (_live(index_dir) / CHECKSUMS).unlink()
    assert current_generation(index_dir) is None
    assert ensure_index(notes, index_dir).built


def test_a_build_whose_files_fail_their_check_is_not_made_live(notes, tmp_path, monkeypatch):
    import index.store as store

    index_dir = tmp_path / "index"
    first = ensure_index(notes, index_dir)
    monkeypatch.setattr(store, "verify_generation", lambda folder: ["chunks.json: missing"])
    with pytest.raises(OSError, match="failed its check"):
        ensure_index(notes, index_dir, rebuild=True)
    assert (index_dir / CURRENT).read_text().strip() == first.generation


def _cli_index(tmp_path: Path, notes: Path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STUDYBOT_", "TELEGRAM_")) and key != "DATABASE_URL"
    }
    env |= {"STUDYBOT_DATA_DIR": str(tmp_path / "data"), "STUDYBOT_CORPUS_DIR": str(notes)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "index"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=True,
    )


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_studybot_index_repairs_instead_of_saying_up_to_date(notes, tmp_path, breakage):
    assert "Built" in _cli_index(tmp_path, notes).stdout
    assert "Up to date" in _cli_index(tmp_path, notes).stdout
    BREAKAGES[breakage](_live(tmp_path / "data" / "index"))

    out = _cli_index(tmp_path, notes).stdout

    assert out.startswith("Repaired: index gen-") and "failed its check" in out
    assert "Built index" in out
    assert verify_generation(_live(tmp_path / "data" / "index")) == []
    assert "Up to date" in _cli_index(tmp_path, notes).stdout


async def test_the_bot_starts_on_the_good_generation_and_status_tells_the_owner_once(
    notes, tmp_path
):
    settings = Settings(
        _env_file=None, STUDYBOT_DATA_DIR=str(tmp_path / "data"), STUDYBOT_CORPUS_DIR=str(notes)
    )
    ensure_index(notes, settings.index_dir)
    broken = ensure_index(notes, settings.index_dir, rebuild=True)
    _truncate_segment(_live(settings.index_dir))

    services = await open_services(settings)
    try:
        searcher = services.notebooks.default.searcher
        assert searcher.search("election timeout candidate").hits
        assert getattr(searcher, "generation", None) != broken.generation
        for _ in range(600):  # the rebuild runs in a thread; wait until it has reported
            if not services.index_health.under_way():
                break
            await asyncio.sleep(0.05)
        report = await gather_status(
            services, started_at=services.started_at, owner_id=1, chat_id=1
        )
        text = status_reply("en", report).text
        assert f"<code>{broken.generation}</code>" in text
        assert "failed its check" in text and "truncated" in text and "rebuilt" in text
        assert "the main notes" in text
        again = await gather_status(services, started_at=services.started_at, owner_id=1, chat_id=1)
        assert "failed its check" not in status_reply("en", again).text  # told once
    finally:
        await close_services(services)


def test_a_chat_notebook_heals_through_the_same_path(tmp_path):
    root = tmp_path / "notebooks" / "-100123" / "key"
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "consensus.md").write_text(NOTES, encoding="utf-8")
    build_index(root)
    ensure_index(root / "notes", root / "index", rebuild=True)
    broken = _live(root / "index").name
    _delete_segment(_live(root / "index"))
    health = IndexHealth()

    searcher = LazySearcher(root, options=IndexOptions(on_repair=health.record))

    assert searcher.search("majority of acceptors").hits  # the older generation answers
    (notice,) = health.notices()
    assert notice.broken == broken and "missing" in notice.problems[0]
    assert "of chat -100123" in repair_line("en", notice, tmp_path / "notebooks")
    for _ in range(600):  # the rebuild in its thread ends, and says so
        ended = health.notices()
        if ended and ended[0].done:
            break
        threading.Event().wait(0.05)
    assert ended and ended[0].rebuilt is not None
    assert verify_generation(_live(root / "index")) == []


async def test_status_never_shows_the_token_even_in_a_repair_error(notes, tmp_path):
    from bot.core.feature import Request
    from bot.core.replies import Asker
    from bot.features.admin.feature import status

    token = "4242:AAE-secret-part-of-the-token"
    settings = Settings(
        _env_file=None,
        STUDYBOT_DATA_DIR=str(tmp_path / "data"),
        STUDYBOT_CORPUS_DIR=str(notes),
        TELEGRAM_BOT_TOKEN=token,
    )
    services = await open_services(settings)
    try:
        services.index_health.record(
            RepairEvent(
                settings.index_dir,
                "gen-x",
                (f"chunks.json: unreadable at /bot{token}/x",),
                None,
                datetime.now(UTC),
                error=f"InvalidToken: the token {token} was rejected",
            )
        )
        [reply] = await status(services, Request(asker=Asker(user_id=1, chat_id=1)))
        assert "failed its check" in reply.text and "could not be rebuilt" in reply.text
        assert "secret-part-of-the-token" not in reply.text
        assert "&lt;redacted-token&gt;" in reply.text
    finally:
        await close_services(services)
