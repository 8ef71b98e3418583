"""Search section of ``make bench``: index build time, warm query latency and ranking quality of
Studybot and of an SQLite FTS5 baseline (heading chunks, file name in each title), one row per
corpus (the shipped notes and the shared corpora in ../shared/corpora), the resident memory of
one opened notebook, and how cost grows on a 50× synthetic corpus.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.fts5 import Fts5Index, heading_chunks
from bench.relevance import RelevanceReport, Resolver, evaluate
from bench.synthetic import SyntheticCorpus, generate_corpus
from bench.table import Table

SHIPPED_CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FULL = {"factor": 50, "rounds": 20, "big_rounds": 5}
QUICK = {"factor": 10, "rounds": 3, "big_rounds": 1}
K = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("search section")
    group.add_argument("--factor", type=int, help="synthetic corpus size, × the notes (50)")
    group.add_argument("--rounds", type=int, help="query rounds over the relevance set, 1× (20)")
    group.add_argument("--big-rounds", type=int, help="query rounds on the synthetic corpus (5)")


@dataclass(frozen=True, slots=True)
class EngineRun:
    engine: str
    corpus: str
    chunks: int
    build_seconds: float
    latencies_ns: list[int]
    report: RelevanceReport
    timing_only: bool = False  # same searcher as the row above: only its latency is new

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ns) / 1e6

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ns, 99) / 1e6


def percentile(values: Sequence[int], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return float(ordered[rank - 1])


def time_queries(search: Callable[[str], object], queries: Sequence[str], rounds: int) -> list[int]:
    """Nanoseconds per call of ``search`` over ``queries``, ``rounds`` times, after a warm-up.

    Round ``r`` pads every query with ``r`` trailing spaces: the same search work, but a text the
    searcher has not seen yet, so its result cache cannot answer instead of the index.
    """
    for query in queries:
        search(query)
    timings = []
    for round_ in range(1, rounds + 1):
        padding = " " * round_
        for query in queries:
            text = query + padding
            started = time.perf_counter_ns()
            search(text)
            timings.append(time.perf_counter_ns() - started)
    return timings


def time_repeats(search: Callable[[str], object], queries: Sequence[str], rounds: int) -> list[int]:
    """Nanoseconds per call when every query was asked before (what a result cache serves)."""
    for query in queries:
        search(query)
    timings = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter_ns()
            search(query)
            timings.append(time.perf_counter_ns() - started)
    return timings


def measure_corpus(
    corpus_dir: Path,
    index_dir: Path,
    label: str,
    cases: Sequence,
    rounds: int,
    resolve: Resolver | None = None,
) -> tuple[list[EngineRun], list[str]]:
    """Build both engines over ``corpus_dir`` and measure them on the relevance cases.

    Returns the runs and notes (e.g. when the two engines did not see the same chunks).
    """
    from index.search import open_searcher
    from index.store import ensure_index

    started = time.perf_counter()
    ensure_index(corpus_dir, index_dir, rebuild=True)
    studybot_build = time.perf_counter() - started
    searcher = open_searcher(index_dir)

    started = time.perf_counter()
    chunks = heading_chunks(corpus_dir)
    fts = Fts5Index(chunks)
    fts_build = time.perf_counter() - started

    notes: list[str] = []
    indexed = searcher.chunks()

    queries = [case.query for case in cases]
    extra = {"resolve": resolve} if resolve is not None else {}

    def studybot_ranked(query: str, k: int) -> list:
        return [hit.chunk for hit in searcher.search(query, limit=k).hits]

    def studybot_search(query: str) -> object:
        return searcher.search(query, limit=K)

    def fts_search(query: str) -> object:
        return fts.search(query, K)

    studybot_report = evaluate(studybot_ranked, cases, k=K, **extra)
    fts_report = evaluate(fts.search, cases, k=K, **extra)
    runs = [
        EngineRun(
            "Studybot",
            label,
            len(indexed),
            studybot_build,
            time_queries(studybot_search, queries, rounds),
            studybot_report,
        ),
        EngineRun(
            "FTS5 bm25",
            label,
            len(chunks),
            fts_build,
            time_queries(fts_search, queries, rounds),
            fts_report,
        ),
        EngineRun(
            "Studybot, repeat",
            label,
            len(indexed),
            studybot_build,
            time_repeats(studybot_search, queries, rounds),
            studybot_report,
            timing_only=True,
        ),
    ]
    fts.close()
    return runs, notes


def run(args: argparse.Namespace) -> list[Table]:
    from tests.relevance_cases import CASES
    from tests.relevance_shared import SHARED_CASES

    preset = QUICK if getattr(args, "quick", False) else FULL
    factor = getattr(args, "factor", None) or preset["factor"]
    rounds = getattr(args, "rounds", None) or preset["rounds"]
    big_rounds = getattr(args, "big_rounds", None) or preset["big_rounds"]

    with tempfile.TemporaryDirectory(prefix="studybot-bench-") as tmp:
        work = Path(tmp)
        small, notes = measure_corpus(SHIPPED_CORPUS, work / "index-1x", "1×", CASES, rounds)
        corpora = [("shipped", SHIPPED_CORPUS, work / "index-1x", small)]
        for name, (folder, cases) in SHARED_CASES.items():
            if not folder.is_dir():
                notes.append(f"{name}: {folder} is missing, not measured.")
                continue
            runs, corpus_notes = measure_corpus(folder, work / name, name, cases, rounds)
            corpora.append((name, folder, work / name, runs))
            notes.extend(corpus_notes)
        per_corpus = corpus_table(corpora)
        synthetic: SyntheticCorpus = generate_corpus(
            SHIPPED_CORPUS, work / f"corpus-{factor}x", factor=factor
        )
        big, big_notes = measure_corpus(
            synthetic.root,
            work / f"index-{factor}x",
            f"{factor}×",
            CASES,
            big_rounds,
            resolve=synthetic.resolve,
        )
        small_bytes = sum(p.stat().st_size for p in SHIPPED_CORPUS.rglob("*") if p.is_file())
        big_bytes = synthetic.size_bytes

    results = results_table(small + big, len(CASES), rounds, big_rounds)
    results.notes.extend(notes + big_notes)
    return [
        per_corpus,
        results,
        scaling_table(small[:2], big[:2], big_bytes / small_bytes),
        category_table(small[:2]),
    ]


def note_bytes(corpus_dir: Path) -> int:
    """Bytes of the note files Studybot reads in ``corpus_dir``."""
    from index.corpus import discover_note_files

    return sum(path.stat().st_size for path in discover_note_files(corpus_dir))


_RSS_SCRIPT = """
import gc, json, sys, tempfile
from pathlib import Path
import psutil
from index.search import open_searcher
from index.store import ensure_index

process = psutil.Process()
start = process.memory_info().rss
# The fixed base: what any first notebook brings (code imported on first use, shared caches),
# paid here by a one-note notebook, so the figure below is what this notebook's size costs.
with tempfile.TemporaryDirectory() as tmp:
    notes = Path(tmp, "notes")
    notes.mkdir()
    (notes / "a.md").write_text("# Base\\n\\nOne short note about queues and stacks.\\n")
    first = open_searcher(ensure_index(notes, Path(tmp, "index")).index_dir)
    first.search(sys.argv[2])
gc.collect()
before = process.memory_info().rss
searcher = open_searcher(sys.argv[1])
searcher.search(sys.argv[2])
gc.collect()
after = process.memory_info().rss
print(json.dumps([(after - before) / 2**20, (before - start) / 2**20]))
"""


def opened_notebook_rss(index_dir: Path, query: str) -> tuple[float, float]:
    """Resident memory (MB) one opened notebook adds to a process (Linux /proc, via psutil):
    open the index and answer one query, after a one-note notebook has been opened there first;
    also that fixed base (MB), what the first notebook of a process costs whatever its size."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, str(index_dir), query],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=300,
    )
    added, base = json.loads(done.stdout.strip().splitlines()[-1])
    return float(added), float(base)


def corpus_table(corpora: Sequence[tuple[str, Path, Path, Sequence[EngineRun]]]) -> Table:
    table = Table(
        "Search per corpus: Studybot vs FTS5 (heading chunks + file name), same run",
        [
            "corpus",
            "KB",
            "chunks",
            "build s",
            "p50 ms",
            "p99 ms",
            f"MRR@{K}",
            "hit@1",
            "hit@3",
            f"FTS5 MRR@{K}",
            "FTS5 hit@1",
            "FTS5 hit@3",
            "RSS MB",
            "RSS × text",
        ],
    )
    bases: list[float] = []
    for name, folder, index_dir, runs in corpora:
        studybot, fts = runs[0], runs[1]
        first_query = studybot.report.results[0].case.query if studybot.report.results else "x"
        added, base = opened_notebook_rss(index_dir, first_query)
        bases.append(base)
        text_bytes = note_bytes(folder)
        table.add_row(
            name,
            f"{text_bytes / 1024:.0f}",
            studybot.chunks,
            f"{studybot.build_seconds:.2f}",
            f"{studybot.p50_ms:.3f}",
            f"{studybot.p99_ms:.3f}",
            f"{studybot.report.mrr:.3f}",
            f"{studybot.report.hit_at_1:.3f}",
            f"{studybot.report.hit_at_3:.3f}",
            f"{fts.report.mrr:.3f}",
            f"{fts.report.hit_at_1:.3f}",
            f"{fts.report.hit_at_3:.3f}",
            f"{added:.1f}",
            f"{added * 2**20 / max(1, text_bytes):.1f}",
        )
    base = statistics.median(bases or [0.0])
    table.notes += [
        "Cases: tests/relevance_cases.py (shipped) and tests/relevance_shared.py, labelled",
        "before tuning. RSS MB: what one opened notebook (open_searcher + one query) adds to",
        "a process that already opened a one-note notebook (the fixed base: code imported on",
        f"first use and shared caches, {base:.1f} MB here); RSS × text: that over the",
        "notes' size. Build: ensure_index(rebuild=True) from the note files.",
    ]
    return table


def results_table(runs: Sequence[EngineRun], cases: int, rounds: int, big_rounds: int) -> Table:
    table = Table(
        "Search: build, warm latency and ranking quality",
        [
            "engine",
            "corpus",
            "chunks",
            "build s",
            "queries",
            "p50 ms",
            "p99 ms",
            f"MRR@{K}",
            "hit@1",
            "hit@3",
        ],
    )
    for run_ in runs:
        quality = (run_.report.mrr, run_.report.hit_at_1, run_.report.hit_at_3)
        table.add_row(
            run_.engine,
            run_.corpus,
            run_.chunks,
            None if run_.timing_only else f"{run_.build_seconds:.2f}",
            len(run_.latencies_ns),
            f"{run_.p50_ms:.3f}",
            f"{run_.p99_ms:.3f}",
            *(None if run_.timing_only else f"{value:.3f}" for value in quality),
        )
    table.notes += [
        f"{cases} relevance cases (tests/relevance_cases.py), limit {K}. Latency: one warm",
        f"searcher, {rounds} rounds at 1×, {big_rounds} on the synthetic corpus, each query new to",
        "the result cache ('Studybot, repeat': the same queries again, served by the cache).",
        "Build from the note files: Studybot ensure_index(rebuild=True); FTS5 heading chunks",
        "(bench/fts5.py) + an in-memory table.",
    ]
    return table


def scaling_table(small: Sequence[EngineRun], big: Sequence[EngineRun], growth: float) -> Table:
    table = Table(
        "Search: how cost grows with the corpus",
        ["engine", "corpus growth", "chunks ×", "build ×", "p50 ×", "p99 ×", f"MRR@{K} Δ"],
    )
    for one, many in zip(small, big, strict=True):
        table.add_row(
            one.engine,
            f"{growth:.1f}×",
            f"{many.chunks / one.chunks:.1f}×",
            f"{many.build_seconds / one.build_seconds:.1f}×",
            f"{many.p50_ms / one.p50_ms:.1f}×",
            f"{many.p99_ms / one.p99_ms:.1f}×",
            f"{many.report.mrr - one.report.mrr:+.3f}",
        )
    table.notes += [
        "Ratios are synthetic / shipped notes, measured in this run. Every passage has N",
        "near-copies in the N× corpus, so a wrong passage ranked above the right one fills",
        "several of the top 5: MRR@5 and hit@3 fall for that reason alone; compare hit@1.",
    ]
    return table


def category_table(runs: Sequence[EngineRun]) -> Table:
    categories = sorted({c for run_ in runs for c in run_.report.by_category})
    columns = ["category", "cases"]
    for run_ in runs:
        columns += [f"{run_.engine} MRR", f"{run_.engine} hit@3"]
    table = Table(f"Search: quality by query kind ({runs[0].corpus})", columns)
    for category in categories:
        count = sum(1 for r in runs[0].report.results if r.case.category == category)
        row: list[str | int] = [category, count]
        for run_ in runs:
            mrr, hit3 = run_.report.by_category.get(category, (0.0, 0.0))
            row += [f"{mrr:.3f}", f"{hit3:.3f}"]
        table.add_row(*row)
    return table
