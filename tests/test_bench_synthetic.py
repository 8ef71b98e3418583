"""The synthetic corpus: varied (not identical) copies, with an exact map back to the notes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.synthetic import generate_corpus, split_sections, vary_lines
from index.model import Chunk

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NOTES = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return generate_corpus(CORPUS, tmp_path_factory.mktemp("synthetic"), factor=4, seed=7)


def test_factor_copies_of_every_note_are_written(synthetic):
    names = sorted(p.name for p in synthetic.files)
    assert len(names) == 4 * len(NOTES)
    for note in NOTES:
        stem = note.removesuffix(".txt")
        assert {note, f"{stem}-v01.txt", f"{stem}-v02.txt", f"{stem}-v03.txt"} <= set(names)
    original = sum((CORPUS / n).stat().st_size for n in NOTES)
    assert 3.5 * original < synthetic.size_bytes < 4.5 * original


def test_the_first_copy_is_the_notes_unchanged(synthetic):
    for note in NOTES:
        assert (synthetic.root / note).read_text(encoding="utf-8").splitlines() == (
            (CORPUS / note).read_text(encoding="utf-8").splitlines()
        )


def test_copies_differ_from_each_other_and_from_the_notes(synthetic):
    texts = [p.read_text(encoding="utf-8") for p in synthetic.files]
    assert len(set(texts)) == len(texts)
    for path in synthetic.files:
        if path.name in NOTES:
            continue
        source, _ = synthetic.origins[path.name]
        original = (CORPUS / source).read_text(encoding="utf-8").splitlines()
        varied = path.read_text(encoding="utf-8").splitlines()
        assert len(varied) == len(original)
        assert sorted(varied) != sorted(original)  # more than a shuffle: words and numbers change
        assert varied[:50] != original[:50] or varied[-50:] != original[-50:]  # sections moved


def test_every_generated_line_maps_to_its_source_line(synthetic):
    for path in synthetic.files:
        source, line_map = synthetic.origins[path.name]
        original = (CORPUS / source).read_text(encoding="utf-8").splitlines()
        varied = path.read_text(encoding="utf-8").splitlines()
        assert sorted(line_map) == list(range(1, len(original) + 1))
        pairs = list(zip(varied, line_map, strict=True))
        unchanged = sum(1 for line, n in pairs if line == original[n - 1])
        blank_kept = all(
            (line.strip() == "") == (original[n - 1].strip() == "") for line, n in pairs
        )
        assert blank_kept
        assert unchanged > len(varied) // 3  # most lines survive, so the passage is still there


def test_resolve_maps_a_passage_of_a_copy_back_to_note_lines(synthetic):
    name = next(p.name for p in synthetic.files if p.name.endswith("-v02.txt"))
    source, line_map = synthetic.origins[name]
    passage = Chunk("x", name, 10, 12, (), "t", "t", "en")
    assert synthetic.resolve(passage) == [(source, line_map[9:12])]
    shipped = Chunk("y", source, 5, 6, (), "t", "t", "en")
    assert synthetic.resolve(shipped) == [(source, [5, 6])]


def test_generation_is_deterministic(tmp_path):
    a = generate_corpus(CORPUS, tmp_path / "a", factor=2, seed=3)
    b = generate_corpus(CORPUS, tmp_path / "b", factor=2, seed=3)
    c = generate_corpus(CORPUS, tmp_path / "c", factor=2, seed=4)
    read = lambda corpus: [p.read_text(encoding="utf-8") for p in corpus.files]  # noqa: E731
    assert read(a) == read(b)
    assert read(a) != read(c)


def test_sections_start_at_headings_and_separators():
    lines = ["intro", "# A", "text", "-------", "topic", "## B", "more"]
    assert split_sections(lines) == [[0], [1, 2], [3, 4], [5, 6]]


def test_lectures_stay_under_their_course_section():
    lines = ["# ONE", "## a1", "x", "## a2", "y", "# TWO", "## b1", "z", "## b2", "w"]
    for seed in range(10):
        varied, line_map = vary_lines(lines, random.Random(seed))
        parent = {}
        current = None
        for n in line_map:
            if lines[n - 1].startswith("# "):
                current = lines[n - 1]
            elif lines[n - 1].startswith("## "):
                parent[lines[n - 1]] = current
        assert parent == {"## a1": "# ONE", "## a2": "# ONE", "## b1": "# TWO", "## b2": "# TWO"}


def test_headings_stay_headings_when_renamed():
    lines = ["# TOP", "##  Lecture one (12:23)", "body 15 copies", "##  Lecture two (1:05)", "x"]
    varied, line_map = vary_lines(lines, random.Random(1))
    for line, n in zip(varied, line_map, strict=True):
        assert line.startswith("#") == lines[n - 1].startswith("#")
