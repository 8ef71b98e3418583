"""Long sections cut into several chunks, packed postings, chunk records decoded on demand, and
per-paragraph language."""

from __future__ import annotations

import json
from pathlib import Path

from index.chunk_records import BLOCK, ChunkRecords
from index.chunker import chunk_text
from index.lang import paragraph_spans
from index.model import Chunk
from index.packed import PACKED
from index.search import open_searcher
from index.spelling import SpellingCorrector, one_edit
from index.store import chunk_to_json, current_generation, ensure_index, load_index_chunks

_FILLER = "Queues hold items in arrival order and release them one by one to workers. "


def _long_section_notes(folder: Path) -> None:
    # The later piece says "consistent hashing" more often, and is shorter, than the first.
    body = "\n\n".join(
        [
            "Consistent hashing maps keys and servers onto one ring. " + _FILLER * 14,
            "With consistent hashing a key moves to the next server clockwise when its server "
            "leaves; consistent hashing moves few keys. " + _FILLER * 5,
        ]
    )
    folder.mkdir(parents=True)
    (folder / "systems.md").write_text(
        f"# Systems\n\n## Consistent Hashing\n\n{body}\n\n## Other\n\n{_FILLER * 3}\n",
        encoding="utf-8",
    )


def test_a_long_section_starts_at_its_heading_and_numbers_its_pieces():
    notes = "# Top\n\n## Consistent Hashing\n\n" + "\n\n".join([_FILLER * 4] * 8) + "\n"
    chunks = [c for c in chunk_text("n.md", notes) if c.title == "Consistent Hashing"]
    assert len(chunks) >= 3
    assert chunks[0].line_start == 3  # the heading line
    assert [c.part for c in chunks] == list(range(len(chunks)))


def test_a_heading_query_finds_the_first_piece_and_a_body_query_a_later_one(tmp_path):
    _long_section_notes(tmp_path / "notes")
    ensure_index(tmp_path / "notes", tmp_path / "index")
    searcher = open_searcher(tmp_path / "index")
    pieces = [c for c in searcher.chunks() if c.title == "Consistent Hashing"]
    assert len(pieces) >= 2 and {c.part for c in pieces} >= {0, 1}

    top = searcher.search("consistent hashing").hits[0].chunk
    assert top.title == "Consistent Hashing" and top.part == 0

    later = searcher.search("consistent hashing server leaves clockwise").hits[0].chunk
    assert later.part > 0 and "clockwise" in later.text


def test_an_opened_notebook_reads_every_list_then_closes_its_reader(tmp_path):
    _long_section_notes(tmp_path / "notes")
    ensure_index(tmp_path / "notes", tmp_path / "index")
    searcher = open_searcher(tmp_path / "index")
    postings = searcher._snapshot.postings
    assert postings is not None and postings._reader is None  # closed once read
    plist = postings.get("body", "clockwise")
    assert plist is not None and len(plist.docnums) == len(plist.weights) == 1
    assert postings.get("body", "nowhere-in-the-notes") is None
    assert postings.document_frequencies("body")["clockwise"] == 1
    assert searcher.search("clockwise").hits  # still answers with the reader gone


def test_the_four_fields_share_one_term_list_and_keep_their_own_lists(tmp_path):
    _long_section_notes(tmp_path / "notes")
    ensure_index(tmp_path / "notes", tmp_path / "index")
    postings = open_searcher(tmp_path / "index")._snapshot.postings
    assert postings is not None
    assert postings.has("body", "hashing") and postings.has("head", "hashing")
    body, head = postings.document_frequencies("body"), postings.document_frequencies("head")
    stem_only = sorted(set(postings.document_frequencies("body_stem")) - set(body))
    assert stem_only  # a stem the notes never spell out: in the shared list, not in "body"
    assert postings.has("body_stem", stem_only[0]) and postings.get("body", stem_only[0]) is None
    assert not postings.has("body", stem_only[0])
    terms, counts = postings.term_counts(("body", "head"))
    assert terms == sorted(terms)
    for term, count in zip(terms, counts, strict=True):
        assert count == body.get(term, 0) + head.get(term, 0)


def test_chunk_records_decode_the_chunks_the_index_was_built_from(tmp_path):
    _long_section_notes(tmp_path / "notes")
    ensure_index(tmp_path / "notes", tmp_path / "index")
    expected = load_index_chunks(tmp_path / "index")
    generation = current_generation(tmp_path / "index")
    assert generation is not None
    records = ChunkRecords((generation / "chunks.json").read_bytes())
    assert records.all() == expected and len(expected) > 2
    assert records.by_id(expected[1].id) == expected[1]
    assert records.by_id("no-such-chunk") is None
    assert records.continuations() == [i for i, c in enumerate(expected) if c.part]
    held = records.chunk(0)
    assert records.chunk(0) is held  # one decoded copy while someone holds it
    # a chunks.json laid out otherwise (pretty-printed) reads the same
    pretty = json.dumps([chunk_to_json(c) for c in expected], indent=2).encode()
    assert ChunkRecords(pretty).all() == expected
    assert ChunkRecords(b"[]").all() == [] and ChunkRecords(b"[\n]").all() == []


def test_chunk_records_read_from_a_file_span_many_compressed_blocks(tmp_path):
    chunks = [
        Chunk(f"id{i}", f"n{i % 7}.md", i, i + 1, ("Notes", f"Topic {i}"), f"Topic {i}",
              f"Passage {i} about queues, ñandú and λ; " * (1 + i % 40), "en")
        for i in range(300)
    ]  # fmt: skip
    lines = ",\n".join(json.dumps(chunk_to_json(c), ensure_ascii=False) for c in chunks)
    path = tmp_path / "chunks.json"
    path.write_text(f"[\n{lines}\n]\n", "utf-8")
    assert path.stat().st_size > 10 * BLOCK  # several blocks
    records = ChunkRecords.read(path)
    assert len(records) == len(chunks)
    for position in (299, 0, 150, 151, 1, 298):  # out of order: blocks inflated anew
        assert records.chunk(position) == chunks[position]
    assert records.all() == chunks
    assert records.by_id("id42") == chunks[42]
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"[]")
    assert ChunkRecords.read(empty).all() == []


def test_a_speller_over_shared_terms_ignores_terms_counted_zero():
    corrector = SpellingCorrector.from_counts(["queu", "queue", "queues"], [0, 4, 2])
    assert "queue" in corrector and "queu" not in corrector
    assert corrector.completions("que") == ["queue", "queues"]
    assert corrector.frequency("queu") == 0 and corrector.frequency("queues") == 2


def test_without_its_packed_file_a_lazy_searcher_keeps_its_reader_and_answers_the_same(tmp_path):
    _long_section_notes(tmp_path / "notes")
    ensure_index(tmp_path / "notes", tmp_path / "index")
    packed = open_searcher(tmp_path / "index", eager=False)
    generation = current_generation(tmp_path / "index")
    assert generation is not None
    (generation / PACKED).unlink()
    eager = open_searcher(tmp_path / "index")
    lazy = open_searcher(tmp_path / "index", eager=False)
    assert lazy._snapshot.postings is not None and lazy._snapshot.postings._reader is not None
    for query in ("consistent hashing", "server ring", "queues workers"):
        found = [(h.chunk.id, h.score) for h in packed.search(query).hits]
        assert found
        assert [(h.chunk.id, h.score) for h in lazy.search(query).hits] == found
        assert [(h.chunk.id, h.score) for h in eager.search(query).hits] == found


def test_one_edit_variants_cover_every_kind_of_slip():
    variants = set(one_edit("tolens", "abcdefghijklmnopqrstuvwxyz"))
    assert {"tollens", "tolns", "toelns", "tokens"} <= variants
    corrector = SpellingCorrector({"tollens": 3, "tokens": 1})
    assert corrector.correct("tolens") == "tollens"  # the more frequent neighbour


def test_each_paragraph_has_its_own_language():
    text = (
        "La memoria virtual es una técnica del sistema operativo.\n\n"
        "The page table maps virtual pages to physical frames.\n\nTLB"
    )
    assert [lang for lang, _, _ in paragraph_spans(text, "es")] == ["es", "en", "es"]
