"""Indexing one big note file: build time and peak resident memory for a 20 MB Markdown file,
against a 1 MB one built in the same run (the baseline), each in a fresh process so its peak RSS
is its own. The files are made by repeating the shared corpora's text (or the shipped notes)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.table import Table

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT.parent / "shared" / "corpora", ROOT / "corpus")
MB = 1_000_000
FULL = {"sizes": (1, 20), "rounds": 3, "big_rounds": 1}
QUICK = {"sizes": (1, 4), "rounds": 1, "big_rounds": 1}

_BUILD = """
import json, resource, sys, time
from pathlib import Path
from index.corpus import NoteLimits
from index.store import ensure_index
started = time.perf_counter()
info = ensure_index(Path(sys.argv[1]), Path(sys.argv[2]), rebuild=True,
                    limits=NoteLimits(file_bytes=int(sys.argv[3])))
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = usage.ru_maxrss / 1024  # KiB on Linux
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "chunks": info.chunk_count}))
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bigfile-mb", type=int, default=None, help="size of the big file (default 20)"
    )


def source_text() -> str:
    """The Markdown and text of the first notes folder found, in path order."""
    for folder in SOURCES:
        files = sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".txt") and p.is_file())
        if files:
            return "\n\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    raise RuntimeError("no notes to make a big file from")


def write_big_file(path: Path, size: int, text: str) -> None:
    """``size`` bytes of notes: ``text`` repeated (cut at the end), under one H1."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    with open(path, "wb") as out:
        written = out.write(b"# Big notes\n\n")
        while written < size:
            written += out.write(data[: size - written])


def build_once(notes: Path, index_dir: Path, limit: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, str(notes), str(index_dir), str(limit)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=1800,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args: argparse.Namespace) -> list[Table]:
    preset = QUICK if getattr(args, "quick", False) else FULL
    small_mb, big_mb = preset["sizes"]
    big_mb = getattr(args, "bigfile_mb", None) or big_mb
    text = source_text()
    table = Table(
        f"Indexing one big Markdown file ({big_mb} MB vs {small_mb} MB, fresh process each)",
        [
            "file",
            "passages",
            "build s",
            "CPU s",
            "CPU s per MB",
            "peak RSS MB",
            "CPU ×",
            "RSS ×",
            "runs",
        ],
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="studybot-bigfile-") as tmp:
        for size_mb, rounds in ((small_mb, preset["rounds"]), (big_mb, preset["big_rounds"])):
            notes = Path(tmp) / f"notes-{size_mb}"
            write_big_file(notes / "big.md", size_mb * MB, text)
            runs = [
                build_once(notes, Path(tmp) / f"index-{size_mb}-{n}", 2 * size_mb * MB)
                for n in range(rounds)
            ]
            rows.append(
                (
                    size_mb,
                    runs[0]["chunks"],
                    statistics.median(r["seconds"] for r in runs),
                    statistics.median(r["cpu"] for r in runs),
                    statistics.median(r["peak_mb"] for r in runs),
                    rounds,
                )
            )
    base_cpu, base_peak = rows[0][3], rows[0][4]
    for size_mb, chunks, seconds, cpu, peak, rounds in rows:
        table.add_row(
            f"{size_mb} MB",
            int(chunks),
            seconds,
            cpu,
            cpu / size_mb,
            peak,
            f"{cpu / base_cpu:.1f}×",
            f"{peak / base_peak:.1f}×",
            rounds,
        )
    table.notes.append(
        "Median of the runs; build: ensure_index(rebuild=True) in a fresh process, file limit "
        "above the file's size (wall and CPU seconds: the machine may be shared); peak RSS: "
        "that process's ru_maxrss (Python, imports and all); × is against the small file."
    )
    return [table]
