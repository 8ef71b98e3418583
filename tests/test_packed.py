"""The packed search data beside each generation: written at build, read when a searcher opens,
answering exactly as the Whoosh index does, and written again when missing, stale or damaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import index.packed as packed_module
from index.integrity import verify_generation
from index.packed import PACKED, problem, read_packed
from index.search import open_searcher
from index.store import current_generation, ensure_index, load_index_chunks

NOTES = {
    "aws/storage.md": """---
title: Storage
tags: [s3, durability]
---
# Storage

## S3 Object Lock
Object Lock uses WORM: Write-Once-Read-Many. A locked object version cannot be deleted or
overwritten until its retention period ends. Governance mode lets privileged users lift it.

## Lifecycle rules
Lifecycle rules move objects to cheaper storage classes (S3 Glacier) after some days, and
expire old versions. A rule applies to a prefix or to objects with a tag.
""",
    "bio/celula.md": """# Biología celular

## Fagocitosis
La fagocitosis es la ingestión de partículas grandes por la célula: la membrana rodea la
partícula y forma un fagosoma, que se fusiona con un lisosoma para digerirla.

## Mitocondria
La mitocondria produce ATP por respiración celular; tiene ADN propio y doble membrana.
""",
}
QUERIES = (
    "object lock",
    "retention period",
    "lifecycle glacier",
    "fagocitosis lisosoma",
    "mitocondria atp",
    "obejct lock",  # a typo: the speller's vocabulary comes from the packed counts
    "lifecy",  # half typed
    "célula membrana",
)


def _ranked(searcher, query: str) -> list[tuple[str, float, str]]:
    return [(h.chunk.id, h.score, h.snippet) for h in searcher.search(query, 10).hits]


@pytest.fixture
def built(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    for path, text in NOTES.items():
        (notes / path).parent.mkdir(parents=True, exist_ok=True)
        (notes / path).write_text(text, encoding="utf-8")
    ensure_index(notes, tmp_path / "index")
    return tmp_path


def _generation(root: Path) -> Path:
    generation = current_generation(root / "index")
    assert generation is not None
    return generation


def test_a_built_generation_has_its_packed_file_outside_the_checksums(built):
    generation = _generation(built)
    assert (generation / PACKED).is_file()
    assert problem(generation) is None
    recorded = json.loads((generation / "checksums.json").read_text("utf-8"))["files"]
    assert PACKED not in recorded and "chunks.json" in recorded
    assert verify_generation(generation) == []


def test_the_packed_file_maps_each_document_to_its_chunk_in_chunks_json(built):
    data = read_packed(_generation(built))
    assert data is not None
    chunks = load_index_chunks(built / "index")
    assert len(data.chunk_of_doc) == data.doc_count == len(chunks)
    assert sorted(data.chunk_of_doc) == list(range(len(chunks)))
    assert data.terms == sorted(data.terms)
    # a document's chunk is the one whose words its posting lists hold
    body = data.postings()
    for position, chunk in enumerate(chunks):
        docnum = list(data.chunk_of_doc).index(position)
        word = next(w for w in chunk.text.lower().split() if w.isalpha() and len(w) > 3)
        found = body.get("body", word)
        assert found is not None and docnum in list(found.docnums), (chunk.title, word)


@pytest.mark.parametrize("eager", [True, False])
def test_a_searcher_over_the_packed_file_answers_as_one_over_whoosh(built, eager, monkeypatch):
    from_packed = open_searcher(built / "index", eager=eager)
    assert from_packed._snapshot.postings is not None
    assert from_packed._snapshot.postings._reader is None  # Whoosh never opened
    monkeypatch.setattr("index.search.read_packed", lambda generation: None)
    from_whoosh = open_searcher(built / "index", eager=eager)
    assert from_packed.chunks() == from_whoosh.chunks()
    for query in QUERIES:
        found = _ranked(from_packed, query)
        assert found, query
        assert found == _ranked(from_whoosh, query), query
        assert from_packed.search(query).suggestion == from_whoosh.search(query).suggestion
    assert from_packed.search("obejct lock").suggestion == "object lock"


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("spoil", "found"),
    [
        (lambda path: path.unlink(), "missing"),
        (_flip_a_byte, "damaged (CRC)"),
        (lambda path: path.write_bytes(path.read_bytes()[:100]), "damaged (CRC)"),
    ],
)
def test_a_spoilt_packed_file_is_not_used_and_is_written_again(built, spoil, found):
    generation = _generation(built)
    before = _ranked(open_searcher(built / "index"), "object lock")
    spoil(generation / PACKED)
    assert problem(generation) == found
    assert read_packed(generation) is None
    assert _ranked(open_searcher(built / "index"), "object lock") == before  # read from Whoosh
    info = ensure_index(built / "notes", built / "index")
    assert not info.built and info.generation == generation.name  # the index itself stays
    assert problem(generation) is None
    assert _ranked(open_searcher(built / "index"), "object lock") == before


def test_a_packed_file_of_other_bm25_parameters_is_stale(built, monkeypatch):
    generation = _generation(built)
    monkeypatch.setitem(packed_module.K1_BY_FIELD, "body", 1.5)
    assert problem(generation) == "stale"
    assert read_packed(generation) is None
    ensure_index(built / "notes", built / "index")
    assert problem(generation) is None


def _rewritten_from_whoosh(generation: Path) -> bytes:
    from index.packed import write_packed
    from index.store import _chunk_ids

    write_packed(generation, _chunk_ids(generation / "chunks.json"))
    return (generation / PACKED).read_bytes()


def test_the_build_packs_the_lists_it_wrote_as_reading_whoosh_back_would(built):
    generation = _generation(built)
    from_the_build = (generation / PACKED).read_bytes()
    assert from_the_build == _rewritten_from_whoosh(generation)


def test_the_shipped_notes_pack_the_same_from_the_build_as_from_whoosh(tmp_path):
    # hundreds of passages: lists span Whoosh's posting blocks, lengths its one-byte steps
    ensure_index(Path(__file__).resolve().parents[1] / "corpus", tmp_path / "index")
    generation = _generation(tmp_path)
    from_the_build = (generation / PACKED).read_bytes()
    assert read_packed(generation).doc_count > 300  # type: ignore[union-attr]
    assert from_the_build == _rewritten_from_whoosh(generation)


def test_a_whoosh_writer_the_tap_cannot_wrap_still_gets_a_packed_file(tmp_path, monkeypatch):
    import index.store as store_module

    class Inactive:
        active = False

        def __init__(self, writer) -> None:
            pass

    monkeypatch.setattr(store_module, "PostingTap", Inactive)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(NOTES["bio/celula.md"], encoding="utf-8")
    ensure_index(notes, tmp_path / "index")
    generation = _generation(tmp_path)
    assert problem(generation) is None
    hits = open_searcher(tmp_path / "index").search("mitocondria atp", 3).hits
    assert hits and "ATP" in hits[0].chunk.text
