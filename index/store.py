"""The on-disk search index: built when missing or stale, swapped in atomically as a new generation.

Layout of ``index_dir``: ``CURRENT`` names the live generation folder; each ``gen-*`` folder holds
the Whoosh files plus ``chunks.json``, ``acronyms.json``, ``stats.json`` and ``manifest.json``
(content hash of every note file, the analysis version and a fingerprint of the indexing code).
A build writes a fresh folder and only then replaces ``CURRENT`` with ``os.replace``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema

from index.acronyms import mine_chunks
from index.analysis import ANALYSIS_VERSION, exact_analyzer, stemmed_analyzer, words
from index.cognates import count_words, mine_cognates
from index.corpus import discover_note_files, read_note_bytes
from index.model import Chunk

CURRENT = "CURRENT"
_KEEP_GENERATIONS = 2
# Every module whose code shapes what is stored: a change to any of them rebuilds the index.
_CODE_FILES = (
    "analysis.py",
    "acronyms.py",
    "cognates.py",
    "store.py",
    "chunker.py",
    "corpus.py",
    "lang.py",
    "parse.py",
    "parse_text.py",
    "parse_markdown.py",
    "parse_outline.py",
)


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What ``ensure_index`` found or did."""

    index_dir: Path
    generation: str
    chunk_count: int
    file_count: int
    acronym_count: int
    built: bool
    seconds: float

    def describe(self) -> str:
        action = "Built" if self.built else "Up to date:"
        return (
            f"{action} index {self.generation} in {self.index_dir}: {self.chunk_count} passages "
            f"from {self.file_count} files, {self.acronym_count} acronyms ({self.seconds:.2f} s)."
        )


def build_schema() -> Schema:
    """Heading fields (path + title) and body fields, each exact and EN+ES stemmed."""
    return Schema(
        id=ID(stored=True, unique=True),
        head=TEXT(analyzer=exact_analyzer(), phrase=False),
        head_stem=TEXT(analyzer=stemmed_analyzer(), phrase=False),
        body=TEXT(analyzer=exact_analyzer(), phrase=False),
        body_stem=TEXT(analyzer=stemmed_analyzer(), phrase=False),
    )


def chunk_to_json(chunk: Chunk) -> dict:
    return {
        "id": chunk.id,
        "source": chunk.source,
        "line_start": chunk.line_start,
        "line_end": chunk.line_end,
        "path": list(chunk.path),
        "title": chunk.title,
        "text": chunk.text,
        "lang": chunk.lang,
        "keywords": list(chunk.keywords),
    }


def chunk_from_json(data: dict) -> Chunk:
    return Chunk(
        id=data["id"],
        source=data["source"],
        line_start=int(data["line_start"]),
        line_end=int(data["line_end"]),
        path=tuple(data["path"]),
        title=data["title"],
        text=data["text"],
        lang=data["lang"],
        keywords=tuple(data.get("keywords", ())),
    )


def heading_text(chunk: Chunk) -> str:
    """What the heading fields index: the heading path, the title and the keywords."""
    parts = list(chunk.path)
    if chunk.title and chunk.title not in parts:
        parts.append(chunk.title)
    parts.extend(chunk.keywords)
    return "\n".join(parts)


def _note_files(corpus_dir: Path) -> list[Path]:
    return list(discover_note_files(corpus_dir))


def _code_fingerprint() -> str:
    digest = hashlib.sha256(str(ANALYSIS_VERSION).encode())
    here = Path(__file__).parent
    for name in _CODE_FILES:
        path = here / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def corpus_manifest(corpus_dir: Path) -> dict:
    """Content hash of every note file, with the analysis version and code fingerprint."""
    corpus_dir = Path(corpus_dir)
    files = {}
    for path in _note_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            data = read_note_bytes(path)
        except OSError:  # unreadable or not a note any more: the build skips it with a warning
            data = b""
        files[rel] = hashlib.sha256(data).hexdigest()
    return {"analysis_version": ANALYSIS_VERSION, "code": _code_fingerprint(), "files": files}


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or None when there is no complete index."""
    pointer = Path(index_dir) / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    generation = Path(index_dir) / name
    if not name or not (generation / "manifest.json").is_file():
        return None
    return generation


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One builder at a time per index folder (other processes wait)."""
    with open(index_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_index(
    corpus_dir: Path, index_dir: Path, *, rebuild: bool = False, progress: bool | None = False
) -> IndexInfo:
    """Build the index when missing, stale (notes or indexing code changed) or asked to rebuild.

    A failed build raises and leaves the previous generation live.
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    manifest = corpus_manifest(corpus_dir)
    with _build_lock(index_dir):
        live = current_generation(index_dir)
        if live is not None and not rebuild and _read_json(live / "manifest.json") == manifest:
            return _info(index_dir, live, manifest, built=False, started=started)
        from index.chunker import load_chunks

        chunks = load_chunks(corpus_dir)
        generation = build_generation(index_dir, chunks, manifest, progress=bool(progress))
        return _info(index_dir, generation, manifest, built=True, started=started)


def _info(
    index_dir: Path, generation: Path, manifest: dict, *, built: bool, started: float
) -> IndexInfo:
    stats = _read_json(generation / "stats.json")
    return IndexInfo(
        index_dir=index_dir,
        generation=generation.name,
        chunk_count=stats["chunks"],
        file_count=len(manifest["files"]),
        acronym_count=stats["acronyms"],
        built=built,
        seconds=time.perf_counter() - started,
    )


def build_generation(
    index_dir: Path, chunks: list[Chunk], manifest: dict, *, progress: bool = False
) -> Path:
    """Write a complete new generation for ``chunks`` and make it live; return its folder."""
    name = f"gen-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
    staging = index_dir / f".{name}.tmp"
    staging.mkdir(parents=True)
    try:
        _write_generation(staging, chunks, manifest, progress)
        final = index_dir / name
        os.replace(staging, final)
        pointer_tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:8]}.tmp"
        pointer_tmp.write_text(name + "\n", encoding="utf-8")
        os.replace(pointer_tmp, index_dir / CURRENT)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _remove_old_generations(index_dir, keep=name)
    return final


def _write_generation(folder: Path, chunks: list[Chunk], manifest: dict, progress: bool) -> None:
    unique: dict[str, Chunk] = {}
    for chunk in chunks:
        unique.setdefault(chunk.id, chunk)
    chunks = list(unique.values())
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = ix.writer(limitmb=256)
    try:
        for chunk in _with_progress(chunks, progress):
            head = heading_text(chunk)
            writer.add_document(
                id=chunk.id, head=head, head_stem=head, body=chunk.text, body_stem=chunk.text
            )
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    acronyms = mine_chunks(chunks)
    counts = count_words((c.lang, words(f"{heading_text(c)}\n{c.text}")) for c in chunks)
    _write_json(folder / "chunks.json", [chunk_to_json(c) for c in chunks])
    _write_json(folder / "acronyms.json", acronyms)
    _write_json(folder / "cognates.json", mine_cognates(counts))
    _write_json(folder / "stats.json", {"chunks": len(chunks), "acronyms": len(acronyms)})
    # The manifest goes last: a folder without it is never treated as complete.
    _write_json(folder / "manifest.json", manifest)


def _with_progress(chunks: list[Chunk], progress: bool) -> Iterator[Chunk]:
    if not progress:
        yield from chunks
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("Indexing notes", total=len(chunks))
        for chunk in chunks:
            yield chunk
            bar.advance(task)


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    """Delete all but the newest generations (open searchers hold their own in-memory copy)."""
    generations = sorted(
        (p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("gen-")),
        key=lambda p: p.stat().st_mtime,
    )
    old = [p for p in generations if p.name != keep][: max(0, len(generations) - _KEEP_GENERATIONS)]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    for path in index_dir.glob(".gen-*.tmp"):
        if time.time() - path.stat().st_mtime > 3600:
            shutil.rmtree(path, ignore_errors=True)


def load_index_chunks(index_dir: Path) -> list[Chunk]:
    """The chunk records of the live generation (no re-parsing); empty when there is no index."""
    generation = current_generation(Path(index_dir))
    if generation is None:
        return []
    return [chunk_from_json(item) for item in _read_json(generation / "chunks.json")]
