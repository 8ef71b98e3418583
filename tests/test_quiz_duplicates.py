"""One fact, one item: two files (or sections) stating the same figure give a single question,
while the same key under unrelated headings stays two questions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from index.chunker import load_chunks
from index.quiz import build_question_bank
from index.quiz.bank import _candidates
from index.quiz.duplicates import same_fact

FIRST = """# Cell biology

## Mitochondria

- Human mitochondrial DNA is a circular molecule that encodes 37 genes.
- Each mitochondrion is bounded by two membranes.
"""
SECOND = """# Organelles review

## Mitochondria in humans

- Mitochondrial DNA is inherited from the mother and carries 37 genes.
"""


def _notes(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.md").write_text(FIRST, encoding="utf-8")
    (folder / "b.md").write_text(SECOND, encoding="utf-8")
    return folder


def test_a_figure_stated_in_two_files_is_asked_once(tmp_path):
    chunks = load_chunks(_notes(tmp_path / "notes"))
    keyed = [item for item in build_question_bank(chunks) if item.correct_option == "37"]
    assert len(keyed) == 1
    candidates, _, _ = _candidates(chunks)
    assert len({c.item.source for c in candidates if c.item.correct_option == "37"}) == 2


def test_the_same_key_under_unrelated_headings_is_two_facts(tmp_path):
    candidates, _, _ = _candidates(load_chunks(_notes(tmp_path / "notes")))
    first, second = [c for c in candidates if c.item.correct_option == "37"][:2]
    assert same_fact(first, second)
    line = dataclasses.replace(second.line, text="A normal body temperature is 37 degrees.")
    other = dataclasses.replace(
        second, item=dataclasses.replace(second.item, path=("Body temperature",)), line=line
    )
    assert not same_fact(first, other)
