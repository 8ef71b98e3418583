"""A chat's notebook on local disk: its files laid out in a folder and indexed beside them, both
caches of what the database holds, keyed by the content hash of the chat's notes. Everything
here blocks (files, index builds): call it through asyncio.to_thread."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.core.question_bank import QuizBank
from bot.core.workers import in_worker_process
from index.corpus import NoteLimits, discover_note_files
from index.model import Chunk, SearchResult
from index.packed import PACKED
from index.quiz import QuizItem, build_question_bank
from index.search import CACHE_BYTES, Searcher, open_searcher
from index.store import (
    RepairCallback,
    current_generation,
    ensure_index,
    load_index_chunks,
    verify_generation,
)

log = logging.getLogger(__name__)

DEMO_FOLDER = "Demo"  # where the shipped notes sit inside a chat's notes when kept beside them
# What an open notebook may hold beyond its files: its searcher's result and snippet caches,
# filled by use and bounded by their estimated bytes (``index.search_cache``). An open notebook
# maps packed.bin and keeps chunks.json's records compressed, so it holds at most those two files
# plus this; ``python -m bench --only notebooks`` checks the estimate against the resident memory
# a notebook read in full adds. The question bank is a few KB: left out, and so are the word and
# stem caches of ``index.analysis``, which every notebook of the process shares.
FOOTPRINT_CACHES = CACHE_BYTES
FOOTPRINT_UNPACKED = 3  # per byte of a generation without packed.bin (read from Whoosh)


def _index_notes(root: str, limits: NoteLimits | None = None) -> None:
    ensure_index(Path(root) / "notes", Path(root) / "index", limits=limits)


def _question_items(index_dir: str) -> list[QuizItem]:
    return build_question_bank(load_index_chunks(Path(index_dir)))


def notes_key(files: Iterable[tuple[str, str]], keep_demo: bool) -> str:
    """The content hash of a chat's notes, from each file's (path, sha256)."""
    digest = hashlib.sha256(b"demo\0" if keep_demo else b"own\0")
    for path, sha256 in sorted(files):
        digest.update(path.encode("utf-8") + b"\0" + sha256.encode("ascii") + b"\n")
    return digest.hexdigest()[:24]


def notebook_id(chat_id: int, key: str) -> str:
    """The id of ``chat_id``'s notebook over notes of content hash ``key``."""
    return f"chat{chat_id}-{key}"


def notebook_root(notebooks_dir: Path, chat_id: int, key: str) -> Path:
    return Path(notebooks_dir) / str(chat_id) / key


def is_laid_out(root: Path) -> bool:
    return (root / "notes").is_dir()


def lay_out(root: Path, files: Mapping[str, bytes], demo_dir: Path | None = None) -> None:
    """Write ``files`` (paths inside the chat's notes) under ``root/notes`` (plus the shipped
    notes from ``demo_dir`` under ``Demo/``), all at once: a half-written folder is never seen.
    Other versions of the same chat's notes are removed."""
    if is_laid_out(root):
        return
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = root.parent / f".{root.name}.{uuid.uuid4().hex[:8]}.tmp"
    notes = staging / "notes"
    try:
        notes.mkdir(parents=True)
        for path, content in files.items():
            target = _inside(notes, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if demo_dir is not None:
            for source in discover_note_files(demo_dir):
                target = notes / DEMO_FOLDER / source.relative_to(demo_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        try:
            os.replace(staging, root)
        except OSError:
            if not is_laid_out(root):  # another process laid it out first: theirs is the same
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for sibling in root.parent.iterdir():
        if sibling != root and not sibling.name.startswith("."):
            shutil.rmtree(sibling, ignore_errors=True)


def _inside(folder: Path, path: str) -> Path:
    """``folder/path``, refusing any path that would leave ``folder``."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(part in ("", ".", "..") for part in pure.parts):
        raise ValueError(f"not a path inside the notes: {path!r}")
    return folder.joinpath(*pure.parts)


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """How chats' notebooks are indexed: the size limits, and who hears of a repair."""

    limits: NoteLimits | None = None
    on_repair: RepairCallback | None = None


def index_footprint(index_dir: Path) -> int:
    """The estimated memory, in bytes, of a notebook whose index is in ``index_dir`` once open
    and fully read (0: no index yet): its packed search data and passages, and caches."""
    generation = current_generation(index_dir)
    if generation is None:
        return 0
    if not (generation / PACKED).is_file():  # opened from Whoosh: copies of its postings
        files = [path for path in generation.iterdir() if path.is_file()]
        return FOOTPRINT_UNPACKED * sum(path.stat().st_size for path in files) + FOOTPRINT_CACHES
    held = sum((generation / name).stat().st_size for name in (PACKED, "chunks.json"))
    return held + FOOTPRINT_CACHES


def build_index(root: Path, options: IndexOptions | None = None) -> Searcher:
    """Index the laid-out notes (when not indexed yet) and open a searcher over them.

    The build runs in a worker process, and so does writing the generation's packed search
    data again when it is missing or stale (``index.packed``): opening here then only loads
    arrays, so other chats' replies do not wait for the GIL. An index that fails its check is
    repaired in this process instead, where the repair can be told to ``options.on_repair``:
    the last good generation serves while a thread rebuilds (and the searcher reads its posting
    lists from Whoosh, each when a search first needs it)."""
    options = options or IndexOptions()
    live = current_generation(root / "index")
    if live is not None and verify_generation(live):
        ensure_index(
            root / "notes",
            root / "index",
            limits=options.limits,
            heal_in_background=True,
            on_repair=options.on_repair,
        )
    else:
        in_worker_process(_index_notes, str(root), options.limits)
    return open_searcher(root / "index", eager=False)


class LazySearcher:
    """A chat notebook's searcher, opened (and its index built, if missing) on first use, in
    whichever worker thread uses it first."""

    def __init__(
        self,
        root: Path,
        searcher: Searcher | None = None,
        options: IndexOptions | None = None,
        on_open: Callable[[], None] | None = None,
    ) -> None:
        self.root = root
        self._searcher = searcher
        self._options = options
        self._on_open = on_open  # told once the notebook is open (its footprint is known)
        self._lock = threading.Lock()
        self._footprint = index_footprint(root / "index") if searcher is not None else 0

    def _open(self) -> Searcher:
        searcher = self._searcher
        if searcher is not None:
            return searcher
        with self._lock:
            if self._searcher is None:
                opened = build_index(self.root, self._options)
                self._footprint = index_footprint(self.root / "index")
                self._searcher = opened
                log.info("opened notebook %s (~%d KB)", self.root, self._footprint // 1024)
                if self._on_open is not None:
                    self._on_open()
            return self._searcher

    @property
    def is_open(self) -> bool:
        return self._searcher is not None

    @property
    def footprint(self) -> int:
        """The estimated memory this notebook holds, in bytes (0 until it is open)."""
        return self._footprint

    def search(self, query: str, limit: int = 5) -> SearchResult:
        return self._open().search(query, limit)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._open().chunk(chunk_id)

    def chunks(self) -> list[Chunk]:
        return self._open().chunks()

    async def build_bank(self) -> QuizBank:
        """The question bank of these notes, its items derived in a worker process."""
        chunks = await asyncio.to_thread(self.chunks)  # opens (and indexes) the notes first
        items = await asyncio.to_thread(
            in_worker_process, _question_items, str(self.root / "index")
        )
        return QuizBank(items, chunks)
