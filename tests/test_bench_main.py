"""``python -m bench``: the section registry, its options, and the search section end to end."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import SECTIONS, build_parser, load_sections
from bench.search_bench import percentile, time_queries, time_repeats
from bench.table import Table

ROOT = Path(__file__).resolve().parents[1]


def test_every_registered_section_has_a_run_function():
    sections = load_sections()
    assert [name for name, _ in SECTIONS] == list(sections)
    assert "search" in sections
    for module in sections.values():
        assert callable(module.run)


def test_options_of_sections_are_offered():
    parser = build_parser(load_sections())
    args = parser.parse_args(["--only", "search", "--quick", "--factor", "3", "--rounds", "2"])
    assert args.only == ["search"] and args.quick and args.factor == 3 and args.rounds == 2
    with pytest.raises(SystemExit):
        parser.parse_args(["--only", "no-such-section"])


def test_nearest_rank_percentile():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([7], 99) == 7


def test_timed_rounds_never_repeat_a_query_text():
    seen: list[str] = []
    timings = time_queries(seen.append, ["a", "b"], rounds=3)
    assert len(timings) == 6
    timed = seen[2:]
    assert len(set(timed)) == len(timed) == 6
    assert {t.strip() for t in timed} == {"a", "b"}
    repeats: list[str] = []
    assert len(time_repeats(repeats.append, ["a", "b"], rounds=2)) == 4
    assert repeats == ["a", "b"] * 3


def test_search_section_runs_end_to_end_on_a_small_synthetic_corpus():
    from bench import search_bench

    args = argparse.Namespace(quick=True, factor=2, rounds=1, big_rounds=1)
    tables = search_bench.run(args)
    assert all(isinstance(t, Table) for t in tables)
    corpora, results, scaling, categories = tables
    assert [row[0] for row in corpora.rows] == [
        "shipped",
        "obsidian-adielbm",
        "zettel-tech-notes",
        "apuntes-mais",
        "omscs-simulation",
    ]
    for row in corpora.rows:
        assert 0.0 < float(row[6]) <= 1.0 and 0.0 < float(row[9]) <= 1.0  # both engines scored
        assert float(row[12]) > 0  # an opened notebook takes some memory
    engines = [(row[0], row[1]) for row in results.rows]
    assert engines == [
        ("Studybot", "1×"),
        ("FTS5 bm25", "1×"),
        ("Studybot, repeat", "1×"),
        ("Studybot", "2×"),
        ("FTS5 bm25", "2×"),
        ("Studybot, repeat", "2×"),
    ]
    for row in results.rows:
        chunks, queries = row[2], row[4]
        assert chunks > 100 and queries >= 60
        if row[0].endswith("repeat"):
            assert row[3] is None and row[7] is None  # same searcher: latency only
        else:
            assert 0.0 < float(row[7]) <= 1.0
    growth = results.rows[3][2] / results.rows[0][2]  # twice the notes, about twice the chunks
    assert 1.8 < growth < 2.2
    assert [row[0] for row in scaling.rows] == ["Studybot", "FTS5 bm25"]
    assert {row[0] for row in categories.rows} >= {"typo", "cross_lang", "comparison"}
    assert "Search" in results.render()


def test_module_runs_from_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--only" in done.stdout and "--quick" in done.stdout


def test_the_big_file_bench_writes_files_of_the_asked_size(tmp_path):
    from bench.bigfile_bench import source_text, write_big_file

    text = source_text()
    write_big_file(tmp_path / "big.md", 300_000, text)
    data = (tmp_path / "big.md").read_bytes()
    assert len(data) == 300_000 and data.startswith(b"# Big notes\n")
