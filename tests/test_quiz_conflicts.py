"""Two notes that give one thing different figures: neither figure is asked."""

from __future__ import annotations

from index.chunker import chunk_text
from index.quiz import build_question_bank

FIRST = """# Storage notes

## Database storage
- Aurora storage grows automatically up to 64 TB
- Read replicas are kept in three availability zones for durability
- Backups are kept by the database engine in object storage
"""
SECOND = """# Exam review

## Managed databases
- Aurora storage grows automatically up to 128 TB
- The cache keeps hot keys in memory for low latency
"""
AGREEING = SECOND.replace("128 TB", "64 TB")


def _figures_asked(*files: tuple[str, str]) -> list[str]:
    chunks = [chunk for name, text in files for chunk in chunk_text(name, text)]
    bank = build_question_bank(chunks)
    return [item.options[item.answer] for item in bank if item.kind == "numeric"]


def test_a_figure_another_note_contradicts_is_not_asked():
    assert "64 TB" in _figures_asked(("a.md", FIRST))
    assert "64 TB" in _figures_asked(("a.md", FIRST), ("b.md", AGREEING))
    asked = _figures_asked(("a.md", FIRST), ("b.md", SECOND))
    assert "64 TB" not in asked and "128 TB" not in asked


def test_the_same_sentence_about_another_name_is_no_conflict():
    other = SECOND.replace("Aurora storage", "Redshift storage")
    assert "64 TB" in _figures_asked(("a.md", FIRST), ("b.md", other))
