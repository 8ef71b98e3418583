"""The stored index: built when missing, rebuilt when notes or code change, swapped atomically."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import index.store as store
from index.search import open_searcher
from index.store import CURRENT, current_generation, ensure_index, load_index_chunks

# Each section is long enough (over 200 characters) to stay a chunk of its own.
NOTES = """# STORAGE
## S3 Object Lock (5:00)
Object Lock uses WORM: Write-Once-Read-Many.
Legal hold & retention -> compliance
A locked object version cannot be deleted or overwritten until its retention period ends.
Governance mode lets privileged users lift the lock; compliance mode lets nobody do so.
## Hibernate (2:00)
Hibernate keeps the RAM contents on the root EBS volume.
The instance starts faster afterwards, because its memory is restored from the volume.
The root volume must be encrypted and large enough to hold all of the instance memory.
"""

MORE_NOTES = """# NETWORKING
## DX LAGS (4:00)
Link Aggregation Groups (LAG) bundle connections; maximum 4 connections per LAG.
All connections of one group must share the same speed and end at the same location.
A group is active while its minimum number of member connections is up and running.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "notes.txt").write_text(NOTES, encoding="utf-8")
    return folder


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "index"


def generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("gen-"))


def test_missing_index_is_built_with_chunks_acronyms_and_manifest(corpus, index_dir):
    info = ensure_index(corpus, index_dir)
    assert info.built is True
    assert info.chunk_count == 2
    assert info.file_count == 1
    live = current_generation(index_dir)
    assert live is not None and live.name == info.generation
    for name in ("chunks.json", "acronyms.json", "manifest.json", "stats.json"):
        assert (live / name).is_file(), name
    manifest = json.loads((live / "manifest.json").read_text())
    assert set(manifest["files"]) == {"notes.txt"}
    assert "2 passages" in info.describe()
    chunks = load_index_chunks(index_dir)
    assert {c.title for c in chunks} == {"S3 Object Lock", "Hibernate"}


def test_unchanged_corpus_is_not_rebuilt(corpus, index_dir):
    first = ensure_index(corpus, index_dir)
    second = ensure_index(corpus, index_dir)
    assert second.built is False
    assert second.generation == first.generation
    assert generations(index_dir) == [first.generation]


def test_changed_file_triggers_a_rebuild(corpus, index_dir):
    first = ensure_index(corpus, index_dir)
    (corpus / "notes.txt").write_text(NOTES + MORE_NOTES, encoding="utf-8")
    second = ensure_index(corpus, index_dir)
    assert second.built is True
    assert second.generation != first.generation
    assert second.chunk_count == 3
    assert any(c.title == "DX LAGS" for c in load_index_chunks(index_dir))


def test_new_file_triggers_a_rebuild(corpus, index_dir):
    ensure_index(corpus, index_dir)
    (corpus / "more.txt").write_text(MORE_NOTES, encoding="utf-8")
    info = ensure_index(corpus, index_dir)
    assert info.built is True and info.file_count == 2


def test_analysis_version_change_triggers_a_rebuild(corpus, index_dir, monkeypatch):
    ensure_index(corpus, index_dir)
    monkeypatch.setattr(store, "ANALYSIS_VERSION", store.ANALYSIS_VERSION + 1000)
    assert ensure_index(corpus, index_dir).built is True


def test_rebuild_flag_forces_a_new_generation(corpus, index_dir):
    first = ensure_index(corpus, index_dir)
    second = ensure_index(corpus, index_dir, rebuild=True)
    assert second.built is True and second.generation != first.generation


def test_old_generations_are_cleaned_up(corpus, index_dir):
    for _ in range(4):
        ensure_index(corpus, index_dir, rebuild=True)
    kept = generations(index_dir)
    assert len(kept) <= 2
    assert current_generation(index_dir).name in kept


def test_crash_mid_build_leaves_the_old_index_served(corpus, index_dir, monkeypatch):
    first = ensure_index(corpus, index_dir)
    searcher = open_searcher(index_dir)
    assert searcher.search("hibernate").hits

    real_write = store._write_generation

    def crash(folder, chunks, manifest, progress):
        real_write(folder, chunks, manifest, progress)  # a complete-looking folder...
        raise RuntimeError("disk full")  # ...but the build still fails before the swap

    monkeypatch.setattr(store, "_write_generation", crash)
    (corpus / "notes.txt").write_text(NOTES + MORE_NOTES, encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk full"):
        ensure_index(corpus, index_dir)

    assert (index_dir / CURRENT).read_text().strip() == first.generation
    assert generations(index_dir) == [first.generation]
    assert not list(index_dir.glob(".gen-*"))  # no staging folder left behind
    assert load_index_chunks(index_dir)[0].source == "notes.txt"
    assert searcher.refresh() is False
    assert searcher.search("hibernate").hits
    fresh = open_searcher(index_dir)
    assert fresh.generation == first.generation
    assert not fresh.search("aggregation").hits

    monkeypatch.setattr(store, "_write_generation", real_write)
    assert ensure_index(corpus, index_dir).built is True  # the next run repairs it


def test_open_searcher_keeps_working_during_and_after_a_rebuild(corpus, index_dir):
    ensure_index(corpus, index_dir)
    searcher = open_searcher(index_dir)
    old_generation = searcher.generation
    errors: list[BaseException] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            try:
                result = searcher.search("object lock worm")
                assert result.hits and result.hits[0].chunk.title == "S3 Object Lock"
            except BaseException as error:  # noqa: BLE001 - collected for the assertion below
                errors.append(error)
                return

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for thread in threads:
        thread.start()
    (corpus / "notes.txt").write_text(NOTES + MORE_NOTES, encoding="utf-8")
    ensure_index(corpus, index_dir)
    ensure_index(corpus, index_dir, rebuild=True)
    searcher.refresh()
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert searcher.generation != old_generation
    assert searcher.search("link aggregation").hits[0].chunk.title == "DX LAGS"


def test_searcher_opened_before_any_index_picks_it_up(corpus, index_dir):
    searcher = open_searcher(index_dir)
    assert searcher.search("hibernate").hits == []
    assert searcher.chunks() == []
    ensure_index(corpus, index_dir)
    assert searcher.refresh() is True
    assert searcher.search("hibernate").hits[0].chunk.title == "Hibernate"


def test_load_index_chunks_without_index_is_empty(index_dir):
    assert load_index_chunks(index_dir) == []


def test_progress_bar_does_not_break_the_build(corpus, index_dir):
    assert ensure_index(corpus, index_dir, progress=True).chunk_count == 2


def test_a_broken_generation_is_not_served(corpus, index_dir):
    first = ensure_index(corpus, index_dir)
    searcher = open_searcher(index_dir)
    broken = index_dir / "gen-broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{}")
    (broken / "chunks.json").write_text("not json")
    (index_dir / CURRENT).write_text("gen-broken\n")
    assert searcher.refresh() is False
    assert searcher.generation == first.generation
    assert searcher.search("hibernate").hits


def test_searcher_notices_a_new_generation_by_itself(corpus, index_dir, monkeypatch):
    import index.search as search_module

    ensure_index(corpus, index_dir)
    searcher = open_searcher(index_dir)
    assert not searcher.search("aggregation").hits
    (corpus / "notes.txt").write_text(NOTES + MORE_NOTES, encoding="utf-8")
    ensure_index(corpus, index_dir)
    monkeypatch.setattr(search_module, "_REFRESH_EVERY", 0.0)
    assert searcher.search("aggregation").hits[0].chunk.title == "DX LAGS"
