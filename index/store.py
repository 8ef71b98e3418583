"""The on-disk search index: built when missing or stale, swapped in atomically as a new generation.

Layout of ``index_dir``: ``CURRENT`` names the live generation folder; each ``gen-*`` folder holds
the Whoosh files plus ``chunks.json``, ``acronyms.json``, ``stats.json`` and ``manifest.json``
(content hash of every note file, the analysis version and a fingerprint of the indexing code),
then, written last, ``checksums.json`` (size and SHA-256 of every other file; see
``index.integrity``). A build streams the notes into a fresh folder (``index.streaming``), checks
it, and only then replaces ``CURRENT`` with ``os.replace``; the previous generation stays on disk.

Opening checks the live generation's files. One that fails (a truncated or deleted segment, a cut
``chunks.json``) is set aside, ``CURRENT`` goes back to the newest generation that passes, and the
index is rebuilt from the notes: at once, or in a background thread while the good one serves.
Each repair is reported to ``on_repair`` (the bot's ``/status`` tells the owner).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema

from index.acronyms import mine_acronyms
from index.analysis import (
    ANALYSIS_VERSION,
    NotesFrequency,
    exact_analyzer,
    stemmed_analyzer,
    words,
    words_in_spans,
)
from index.cognates import count_words, mine_cognates
from index.corpus import NoteLimits, discover_note_files, note_digest
from index.integrity import has_checksums, verify_generation, write_checksums
from index.lang import Lang, paragraph_spans
from index.model import Chunk
from index.packed import PACKED, Packed, read_cognates, write_packed, write_packed_lists
from index.packed import problem as packed_problem
from index.posting_tap import GroupedCodec, GroupedWriter, PostingTap
from index.streaming import stream_chunks

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
_KEEP_GENERATIONS = 2
_BROKEN = ".broken-"  # prefix of a generation set aside after failing its check
# Whoosh's in-memory pool before it spills sorted runs to disk, when the tap cannot stand in for
# it. The tap keeps every posting in memory, in arrays by term: adding the shipped notes' 243 KB
# of passages holds 11 MB (the tap and Whoosh's pool of tuples held 21 MB).
_WRITER_LIMIT_MB = 48
# Posting blocks stored uncompressed: a tenth off a 200 KB notebook's build, for 18% more disk.
# The W3 codec, fed the tap's grouped postings a block at a time (the same files).
_CODEC = GroupedCodec(compression=0)
# No per-term minimum and maximum field lengths (Whoosh's block-quality shortcuts for its own
# scorer, which is never used: index.postings scores), so committing does not look up a
# document's length for every posting; the lengths themselves are still stored.
_CODEC.length_stats = False
# Every module whose code shapes what is stored: a change to any of them rebuilds the index.
_CODE_FILES = (
    "analysis.py",
    "acronyms.py",
    "cognates.py",
    "store.py",
    "chunker.py",
    "corpus.py",
    "streaming.py",
    "posting_tap.py",
    "integrity.py",
    "lang.py",
    "parse.py",
    "parse_text.py",
    "parse_markdown.py",
    "parse_outline.py",
)


@dataclass(frozen=True, slots=True)
class RepairEvent:
    """A generation that failed its check, and what became of the index."""

    index_dir: Path
    broken: str  # the generation set aside
    problems: tuple[str, ...]  # what its check found, one line each
    serving: str | None  # the last good generation, served meanwhile (None: none was left)
    at: datetime
    rebuilt: str | None = None  # the generation built from the notes to replace it
    error: str | None = None  # why that rebuild failed

    @property
    def done(self) -> bool:
        return self.rebuilt is not None or self.error is not None

    def describe(self) -> str:
        found = "; ".join(self.problems[:3]) + (" …" if len(self.problems) > 3 else "")
        if self.rebuilt is not None:
            outcome = f"rebuilt from the notes as {self.rebuilt}"
        elif self.error is not None:
            outcome = f"the rebuild failed ({self.error})"
        else:
            outcome = "being rebuilt from the notes"
        if self.serving is not None and self.rebuilt is None:
            outcome += f"; {self.serving} serves meanwhile"
        return f"index {self.broken} failed its check ({found}): {outcome}."


RepairCallback = Callable[[RepairEvent], None]


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
    repair: RepairEvent | None = None  # the live generation failed its check

    def describe(self) -> str:
        action = "Built" if self.built else "Up to date:"
        line = (
            f"{action} index {self.generation} in {self.index_dir}: {self.chunk_count} passages "
            f"from {self.file_count} files, {self.acronym_count} acronyms ({self.seconds:.2f} s)."
        )
        if self.repair is not None:
            line = f"Repaired: {self.repair.describe()}\n{line}"
        return line


def build_schema() -> Schema:
    """Heading fields (path + title) and body fields, each exact and EN+ES stemmed."""
    schema = Schema(
        id=ID(stored=True, unique=True),
        head=TEXT(analyzer=exact_analyzer(), phrase=False),
        head_stem=TEXT(analyzer=stemmed_analyzer(), phrase=False),
        body=TEXT(analyzer=exact_analyzer(), phrase=False),
        body_stem=TEXT(analyzer=stemmed_analyzer(), phrase=False),
    )
    for name in ("head", "head_stem", "body", "body_stem"):
        schema[name].format = NotesFrequency(field_boost=schema[name].format.field_boost)
    return schema


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
        "part": chunk.part,
        **(
            {"sections": [[first, list(path)] for first, path in chunk.sections]}
            if chunk.sections
            else {}
        ),
        **({"runs": [list(run) for run in chunk.line_runs]} if chunk.line_runs else {}),
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
        part=int(data.get("part", 0)),
        line_runs=tuple((int(at), int(line)) for at, line in data.get("runs", ())),
        sections=tuple((int(first), tuple(path)) for first, path in data.get("sections", ())),
    )


def heading_text(chunk: Chunk) -> str:
    """What the heading fields index: the heading path, the title and the keywords.

    A section's first chunk names its own heading twice, so that a query for the heading finds
    the section's start before its later pieces (whose heading counts half, see ``W_CONTINUATION``
    in ``index.search``)."""
    parts = list(chunk.path)
    if chunk.title and chunk.title not in parts:
        parts.append(chunk.title)
    if chunk.part == 0 and chunk.title:
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


def corpus_manifest(corpus_dir: Path, limits: NoteLimits | None = None) -> dict:
    """Content hash of every note file, with the analysis version, code fingerprint and the
    limits on what is read (a change to any of them rebuilds the index)."""
    corpus_dir = Path(corpus_dir)
    limits = limits or NoteLimits()
    files = {}
    for path in _note_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            files[rel] = note_digest(path)
        except OSError:  # unreadable or not a note any more: the build skips it with a warning
            files[rel] = hashlib.sha256(b"").hexdigest()
    return {
        "analysis_version": ANALYSIS_VERSION,
        "code": _code_fingerprint(),
        "limits": [limits.file_bytes, limits.notebook_bytes],
        "files": files,
    }


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or None when there is no complete index (cheap: the
    pointer and the checksums file, not the check itself; see ``verify_generation``)."""
    pointer = Path(index_dir) / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    generation = Path(index_dir) / name
    if not name or not (generation / "manifest.json").is_file() or not has_checksums(generation):
        return None
    return generation


def _point_current(index_dir: Path, name: str) -> None:
    """Make generation ``name`` live, atomically."""
    pointer_tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:8]}.tmp"
    pointer_tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer_tmp, index_dir / CURRENT)


def _generations_newest_first(index_dir: Path) -> list[Path]:
    found = [p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("gen-")]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def _last_good_generation(index_dir: Path) -> Path | None:
    """The newest complete generation whose files pass their check."""
    for folder in _generations_newest_first(index_dir):
        if (folder / "manifest.json").is_file() and not verify_generation(folder):
            return folder
    return None


def _set_aside(generation: Path) -> None:
    """Move a failed generation out of the way (deleted by the next build)."""
    try:
        os.replace(generation, generation.with_name(f"{_BROKEN}{generation.name}"))
    except OSError:
        shutil.rmtree(generation, ignore_errors=True)


def _notify(on_repair: RepairCallback | None, event: RepairEvent) -> None:
    if on_repair is None:
        return
    try:
        on_repair(event)
    except Exception:  # a reporting bug must not stop a repair
        log.exception("could not report an index repair")


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
    corpus_dir: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    progress: bool | None = False,
    limits: NoteLimits | None = None,
    heal_in_background: bool = False,
    on_repair: RepairCallback | None = None,
) -> IndexInfo:
    """Build the index when missing, stale (notes, limits or indexing code changed), broken (its
    files fail their check) or asked to rebuild.

    A broken live generation is set aside and the newest good one made live again; with
    ``heal_in_background`` (and a good one left) this returns at once and a thread rebuilds,
    otherwise the rebuild happens now. ``on_repair`` hears of the repair when it starts and
    when it ends. A failed build raises and leaves the previous generation live.
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    manifest = corpus_manifest(corpus_dir, limits)
    with _build_lock(index_dir):
        live = current_generation(index_dir)
        repair = None
        problems = verify_generation(live) if live is not None else []
        if live is not None and problems:
            log.warning("index %s failed its check: %s", live, "; ".join(problems))
            _set_aside(live)
            good = _last_good_generation(index_dir)
            if good is not None:
                _point_current(index_dir, good.name)
            repair = RepairEvent(
                index_dir, live.name, tuple(problems), good.name if good else None, _now()
            )
            _notify(on_repair, repair)
            if good is not None and heal_in_background:
                threading.Thread(
                    target=_heal,
                    args=(corpus_dir, index_dir, limits, repair, on_repair),
                    name=f"index-repair-{live.name}",
                    daemon=True,
                ).start()
                return _info(index_dir, good, manifest, built=False, started=started, repair=repair)
            live, rebuild = good, True
        if live is not None and not rebuild and _read_json(live / "manifest.json") == manifest:
            _ensure_packed(live)
            return _info(index_dir, live, manifest, built=False, started=started)
        try:
            chunks = stream_chunks(corpus_dir, limits)
            generation = build_generation(index_dir, chunks, manifest, progress=bool(progress))
        except Exception as error:
            if repair is not None:
                _notify(on_repair, replace(repair, error=f"{type(error).__name__}: {error}"))
            raise
        if repair is not None:
            repair = replace(repair, rebuilt=generation.name)
            _notify(on_repair, repair)
        return _info(index_dir, generation, manifest, built=True, started=started, repair=repair)


def _heal(
    corpus_dir: Path,
    index_dir: Path,
    limits: NoteLimits | None,
    repair: RepairEvent,
    on_repair: RepairCallback | None,
) -> None:
    """The background rebuild after a failed check (the last good generation serves)."""
    try:
        info = ensure_index(corpus_dir, index_dir, rebuild=True, limits=limits)
    except Exception as error:
        log.exception("could not rebuild index %s after a failed check", index_dir)
        _notify(on_repair, replace(repair, error=f"{type(error).__name__}: {error}"))
        return
    log.info("index %s rebuilt as %s after a failed check", index_dir, info.generation)
    _notify(on_repair, replace(repair, rebuilt=info.generation))


def _now() -> datetime:
    return datetime.now(UTC)


def _info(
    index_dir: Path,
    generation: Path,
    manifest: dict,
    *,
    built: bool,
    started: float,
    repair: RepairEvent | None = None,
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
        repair=repair,
    )


def build_generation(
    index_dir: Path, chunks: Iterable[Chunk], manifest: dict, *, progress: bool = False
) -> Path:
    """Write a complete new generation for ``chunks`` (consumed as a stream), check its files,
    and only then make it live; return its folder."""
    name = f"gen-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
    staging = index_dir / f".{name}.tmp"
    staging.mkdir(parents=True)
    try:
        _write_generation(staging, chunks, manifest, progress)
        problems = verify_generation(staging)
        if problems:
            raise OSError(f"the new index failed its check: {'; '.join(problems)}")
        final = index_dir / name
        os.replace(staging, final)
        _point_current(index_dir, name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _remove_old_generations(index_dir, keep=name)
    return final


def _write_generation(
    folder: Path, chunks: Iterable[Chunk], manifest: dict, progress: bool
) -> None:
    """One pass over the chunks: each goes to the Whoosh writer (its postings to the tap's
    arrays, or to Whoosh's pool, which spills to disk past ``_WRITER_LIMIT_MB``), to
    ``chunks.json`` (written as it comes) and to the acronym and word counts (from the index
    fields' analysis of the text); nothing holds all the chunks at once."""
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = GroupedWriter(ix, limitmb=_WRITER_LIMIT_MB, codec=_CODEC)
    tap = PostingTap(writer)
    seen: set[str] = set()
    counted: list[tuple[str, list[str]]] = []
    written = 0
    try:
        with open(folder / "chunks.json", "w", encoding="utf-8") as out:
            out.write("[")

            def indexed_texts() -> Iterator[str]:
                """Index and store each new chunk, then hand its text to the acronym miner."""
                nonlocal written
                for chunk in _with_progress(chunks, progress):
                    if chunk.id in seen:
                        continue
                    seen.add(chunk.id)
                    head = heading_text(chunk)
                    writer.add_document(
                        id=chunk.id,
                        head=head,
                        head_stem=head,
                        body=chunk.text,
                        body_stem=chunk.text,
                    )
                    out.write(("," if written else "") + "\n")
                    out.write(json.dumps(chunk_to_json(chunk), ensure_ascii=False))
                    written += 1
                    lang: Lang = "es" if chunk.lang == "es" else "en"
                    counted.append((lang, words(head)))
                    paragraphs = paragraph_spans(chunk.text, lang)
                    spans = [(start, end) for _, start, end in paragraphs]
                    counted.extend(
                        zip(
                            (found for found, _, _ in paragraphs),
                            words_in_spans(chunk.text, spans),
                            strict=True,
                        )
                    )
                    if len(counted) >= 256:
                        _add_counts(counts, counted)
                    yield "\n".join((*chunk.path, chunk.title, chunk.text))

            counts = count_words(())
            acronyms = mine_acronyms(indexed_texts())
            _add_counts(counts, counted)
            out.write("\n]")
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    _write_json(folder / "acronyms.json", acronyms)
    _write_json(folder / "cognates.json", mine_cognates(counts))
    _write_json(folder / "stats.json", {"chunks": written, "acronyms": len(acronyms)})
    _write_json(folder / "manifest.json", manifest)
    if tap.active:  # a document's number is its chunk's position in chunks.json
        terms, lists = tap.packed_lists(written)
        cognates = read_cognates(folder)
        write_packed_lists(folder, Packed(written, terms, lists, range(written), cognates))
    else:
        write_packed(folder, _chunk_ids(folder / "chunks.json"))
    # The checksums go last: a folder without them is never treated as complete. The packed
    # file is left out: it checks itself, and is written again when stale (``_ensure_packed``).
    write_checksums(folder, skip=(PACKED,))


def _add_counts(counts: dict, counted: list[tuple[str, list[str]]]) -> None:
    for lang, found in count_words(counted).items():
        counts.setdefault(lang, type(found)()).update(found)
    counted.clear()


def _with_progress(chunks: Iterable[Chunk], progress: bool) -> Iterator[Chunk]:
    if not progress:
        yield from chunks
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:  # the total is unknown: chunks arrive as a stream
        task = bar.add_task("Indexing notes", total=None)
        for chunk in chunks:
            yield chunk
            bar.advance(task)


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    """Delete all but the newest generations (open searchers hold their own in-memory copy),
    and generations set aside after failing their check."""
    generations = _generations_newest_first(index_dir)
    old = [p for p in generations if p.name != keep][_KEEP_GENERATIONS - 1 :]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    for path in index_dir.glob(f"{_BROKEN}gen-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in index_dir.glob(".gen-*.tmp"):
        if time.time() - path.stat().st_mtime > 3600:
            shutil.rmtree(path, ignore_errors=True)


def _ensure_packed(generation: Path) -> None:
    """Write ``generation``'s packed search data again when it is missing, stale or damaged
    (under the build lock); a failure is logged, and searchers read Whoosh instead."""
    found = packed_problem(generation)
    if found is None:
        return
    log.info("packed search data of %s %s: writing it", generation.name, found)
    try:
        write_packed(generation, _chunk_ids(generation / "chunks.json"))
    except (OSError, ValueError) as error:
        log.warning("could not write the packed search data of %s: %s", generation, error)


def _chunk_ids(path: Path) -> Iterator[str]:
    """The ids of a ``chunks.json``'s chunks, in order, read one line (one record, as
    ``_write_generation`` writes them) at a time."""
    with open(path, encoding="utf-8", newline="\n") as lines:
        for line in lines:
            record = line.strip().rstrip(",")
            if record not in ("[", "]", ""):
                yield json.loads(record)["id"]


def load_index_chunks(index_dir: Path) -> list[Chunk]:
    """The chunk records of the live generation (no re-parsing); empty when there is no index."""
    generation = current_generation(Path(index_dir))
    if generation is None:
        return []
    return [chunk_from_json(item) for item in _read_json(generation / "chunks.json")]
