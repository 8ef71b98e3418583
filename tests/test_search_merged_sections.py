"""A hit in a small section merged into its neighbour's chunk is shown under that section's own
heading, not the neighbour's."""

from __future__ import annotations

from pathlib import Path

from index.search import open_searcher
from index.store import ensure_index

NOTES = """# Biología celular

## Fagocitosis
La fagocitosis es la ingestión de partículas grandes por la célula: la membrana rodea la
partícula y forma un fagosoma, que se fusiona con un lisosoma para digerirla.

## Mitocondria
La mitocondria produce ATP por respiración celular; tiene ADN propio y doble membrana.
"""


def _searcher(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "celula.md").write_text(NOTES, encoding="utf-8")
    ensure_index(notes, tmp_path / "index")
    return open_searcher(tmp_path / "index")


def test_a_merged_section_s_hit_carries_its_own_heading(tmp_path):
    searcher = _searcher(tmp_path)
    hit = searcher.search("mitocondria atp", 3).hits[0]
    assert len(hit.chunk.sections) == 2  # the two small sections are one chunk
    assert hit.chunk.breadcrumb.endswith("Fagocitosis")
    assert hit.breadcrumb == "Biología celular › Mitocondria"


def test_a_hit_in_the_chunk_s_first_section_keeps_the_chunk_s_heading(tmp_path):
    hit = _searcher(tmp_path).search("fagosoma lisosoma", 3).hits[0]
    assert hit.path == ()
    assert hit.breadcrumb == hit.chunk.breadcrumb == "Biología celular › Fagocitosis"
