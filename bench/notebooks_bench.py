"""Each chat's own notebook: the time from a 200 KB note to searchable (laid out and indexed, then
its first search) and to its questions, and search latency over many notebooks behind the
registry's LRU (warm: open; cold: evicted, so the search opens it first)."""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench.search_bench import percentile
from bench.table import Table
from bot.core.notebook_cache import LazySearcher, build_index, lay_out, notebook_id, notes_key
from bot.core.notebooks import ChatNotes, NotebookRegistry
from bot.core.question_bank import QuizBank

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NOTE_BYTES = 200 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--notebooks", type=int, default=40, help="notebooks for the search load (default: 40)"
    )
    parser.add_argument(
        "--open-notebooks", type=int, default=16, help="the registry's LRU bound (default: 16)"
    )


def _slices(size: int, count: int, seed: int = 7) -> list[bytes]:
    """``count`` notes of about ``size`` bytes, cut from the shipped notes at line starts."""
    lines = [
        line
        for path in sorted(CORPUS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
    ]
    rng = random.Random(seed)
    notes = []
    for _ in range(count):
        start = rng.randrange(0, max(1, len(lines) - 1))
        picked: list[str] = []
        total = 0
        index = start
        while total < size:
            line = lines[index % len(lines)]
            picked.append(line)
            total += len(line.encode("utf-8"))
            index += 1
        notes.append("".join(picked).encode("utf-8"))
    return notes


def _notebook(root: Path, chat_id: int, note: bytes) -> ChatNotes:
    key = notes_key([("notes.txt", str(hash(note)))], keep_demo=False)
    folder = root / str(chat_id) / key
    lay_out(folder, {"notes.txt": note})
    return ChatNotes(notebook_id(chat_id, key), folder)


def run(args: argparse.Namespace) -> list[Table]:
    count = 8 if args.quick else args.notebooks
    bound = min(args.open_notebooks, max(1, count // 2))
    notes = _slices(NOTE_BYTES, count)
    with tempfile.TemporaryDirectory(prefix="studybot-bench-notebooks-") as tmp:
        root = Path(tmp)
        upload = Table(
            "Own notes: a 200 KB note, from sent to searchable",
            ["step", "seconds"],
        )
        started = time.perf_counter()
        first = _notebook(root, 1, notes[0])
        searcher = build_index(first.root)
        searcher.search("security groups")
        searchable = time.perf_counter() - started
        bank = QuizBank.from_chunks(searcher.chunks())
        upload.add_row("laid out, indexed, first search", round(searchable, 3))
        upload.add_row(f"plus {len(bank)} questions", round(time.perf_counter() - started, 3))

        registry = NotebookRegistry.of(searcher, max_open=bound)  # the demo: any searcher
        for chat_id, note in enumerate(notes, start=1):
            chat_notes = first if chat_id == 1 else _notebook(root, chat_id, note)
            build_index(chat_notes.root)  # indexed at upload; opening is what the load measures
            registry.assign(chat_id, chat_notes)
        queries = ["security groups", "s3 lifecycle", "vpc peering", "iam role", "kms key"]
        rng = random.Random(11)
        warm: list[int] = []
        cold: list[int] = []
        for _ in range(20 if args.quick else 400):
            chat_id = rng.randint(1, count)
            notebook = registry.for_chat(chat_id)
            lazy = notebook.searcher
            was_open = isinstance(lazy, LazySearcher) and lazy.is_open
            started_ns = time.perf_counter_ns()
            notebook.searcher.search(rng.choice(queries))
            (warm if was_open else cold).append(time.perf_counter_ns() - started_ns)
        latency = Table(
            f"Search over {count} notebooks of 200 KB, {bound} kept open (LRU)",
            ["searches", "count", "p50 ms", "p99 ms"],
        )
        for name, values in (("warm", warm), ("cold (opens first)", cold)):
            latency.add_row(
                name,
                len(values),
                round(percentile(values, 50) / 1e6, 2) if values else None,
                round(percentile(values, 99) / 1e6, 2) if values else None,
            )
    return [upload, latency]
