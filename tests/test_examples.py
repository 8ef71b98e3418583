"""Example queries come from the notes' own titles: never a fixed (AWS) list."""

from __future__ import annotations

from dataclasses import replace

from index.examples import example_queries
from tests.botfakes import make_chunk


def _chunk(cid: str, title: str, source: str, lang: str = "en"):
    chunk = make_chunk(cid, title, f"{title} is explained here.")
    return replace(chunk, source=source, lang=lang)


def test_examples_are_short_titles_of_the_notes_spread_across_files():
    chunks = [
        _chunk("a1", "Cell Membrane Transport", "bio.md"),
        _chunk("a2", "Introduction", "bio.md"),
        _chunk("b1", "Krebs Cycle", "metabolism.md"),
        _chunk("b2", "A very long title that nobody would ever type as a query", "metabolism.md"),
        _chunk("c1", "$x^2$ [[link]]", "maths.md"),
    ]
    picked = example_queries(chunks, "en")
    assert picked == ["Cell Membrane Transport", "Krebs Cycle"]


def test_examples_prefer_the_readers_language():
    chunks = [_chunk("e", "Mitochondrial DNA", "a.md"), _chunk("s", "Ciclo de Krebs", "b.md", "es")]
    assert example_queries(chunks, "es") == ["Ciclo de Krebs"]
    assert example_queries(chunks, "en") == ["Mitochondrial DNA"]
