"""Finding and reading note files: which files count, and odd bytes never stop the indexer."""

from __future__ import annotations

import codecs
import logging
import random
from pathlib import Path

from index.chunker import MAX_CHARS, chunk_text, load_chunks
from index.corpus import discover_note_files, note_source, read_note_text

NOTE = "# Storage\n## S3 Object Lock (9:56)\nObject Lock implements WORM.<p>\n"


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_discovers_md_and_txt_in_nested_folders_sorted_with_relative_sources(tmp_path: Path):
    write(tmp_path / "b.txt", "b")
    write(tmp_path / "a" / "z" / "deep.md", "d")
    write(tmp_path / "a" / "note.MD", "n")
    write(tmp_path / "C.txt", "c")

    files = discover_note_files(tmp_path)

    sources = [note_source(path, tmp_path) for path in files]
    assert sources == ["C.txt", "a/note.MD", "a/z/deep.md", "b.txt"]


def test_other_files_are_skipped_with_a_warning(tmp_path: Path, caplog):
    write(tmp_path / "notes.md", NOTE)
    write(tmp_path / "diagram.png", b"\x89PNG\r\n\x1a\n")
    write(tmp_path / "sub" / "slides.pdf", b"%PDF-1.4")
    write(tmp_path / ".hidden.md", "ignored: editors' files")
    write(tmp_path / ".git" / "HEAD.txt", "ignored: tool folders")

    with caplog.at_level(logging.WARNING, logger="index.corpus"):
        files = discover_note_files(tmp_path)

    assert [path.name for path in files] == ["notes.md"]
    warned = " ".join(record.getMessage() for record in caplog.records)
    assert "diagram.png" in warned and "sub/slides.pdf" in warned
    assert "hidden" not in warned and "HEAD" not in warned


def test_broken_symlink_is_skipped_with_a_warning(tmp_path: Path, caplog):
    (tmp_path / "dead.md").symlink_to(tmp_path / "missing.md")
    with caplog.at_level(logging.WARNING, logger="index.corpus"):
        assert discover_note_files(tmp_path) == []
    assert "dead.md" in caplog.text


def test_missing_corpus_folder_gives_no_chunks_and_a_warning(tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING):
        assert load_chunks(tmp_path / "nope") == []
    assert "nope" in caplog.text


def test_load_chunks_uses_relative_forward_slash_sources(tmp_path: Path):
    write(tmp_path / "aws" / "pro" / "notes.md", NOTE)
    write(tmp_path / "top.txt", "Apuntes\nEC2 - VM\n - Stop\n - Reboot\n")

    chunks = load_chunks(tmp_path)

    assert {chunk.source for chunk in chunks} == {"aws/pro/notes.md", "top.txt"}
    assert [chunk.source for chunk in chunks] == sorted(chunk.source for chunk in chunks)


def test_file_name_with_undecodable_bytes_gets_a_printable_source(tmp_path: Path):
    name = b"apuntes-\xf1.txt"  # latin-1 "ñ" in a file name
    with open(bytes(tmp_path) + b"/" + name, "wb") as handle:
        handle.write(b"EC2 - VM\n - Stop\n")

    (chunk,) = load_chunks(tmp_path)

    assert chunk.source == "apuntes-\ufffd.txt"
    chunk.source.encode("utf-8")  # storable as UTF-8 text


def test_undecodable_bytes_are_replaced_with_a_warning(tmp_path: Path, caplog):
    path = write(tmp_path / "latin1.txt", "Configuración de la región\n - año\n".encode("latin-1"))

    with caplog.at_level(logging.WARNING, logger="index.corpus"):
        text = read_note_text(path)

    assert "Configuraci\ufffdn" in text
    assert "latin1.txt" in caplog.text and "replaced" in caplog.text


def test_utf8_bom_is_dropped_and_the_heading_still_counts(tmp_path: Path):
    path = write(tmp_path / "bom.md", codecs.BOM_UTF8 + NOTE.encode("utf-8"))

    text = read_note_text(path)
    chunks = chunk_text("bom.md", text)

    assert not text.startswith("\ufeff")
    assert [chunk.path for chunk in chunks] == [("Storage", "S3 Object Lock")]


def test_utf16_file_with_bom_is_decoded(tmp_path: Path):
    path = write(tmp_path / "wide.txt", codecs.BOM_UTF16_LE + NOTE.encode("utf-16-le"))
    assert read_note_text(path) == NOTE


def test_crlf_and_lf_files_give_the_same_chunks(tmp_path: Path):
    body = "# Sec\n## Lecture (1:00)\nLine one.<p>\n\nLine two.\n"
    write(tmp_path / "lf" / "n.md", body)
    write(tmp_path / "crlf" / "n.md", body.replace("\n", "\r\n").encode("utf-8"))

    lf = load_chunks(tmp_path / "lf")
    crlf = load_chunks(tmp_path / "crlf")

    assert lf == crlf
    assert lf[0].text == "Line one.\n\nLine two."
    assert (lf[0].line_start, lf[0].line_end) == (2, 5)  # from its heading line


def test_nul_bytes_and_control_characters_never_reach_chunk_text(tmp_path: Path):
    write(tmp_path / "nul.txt", b"Topic\x00 line\n - bullet\x07 one\x1b[31m\n - two\x00\x00\n")

    chunks = load_chunks(tmp_path)

    assert chunks
    for chunk in chunks:
        assert not any(ch < " " and ch != "\n" for ch in chunk.text)


def test_empty_and_blank_files_give_zero_chunks(tmp_path: Path):
    write(tmp_path / "empty.md", "")
    write(tmp_path / "blank.txt", "\n\n   \n\t\n")
    write(tmp_path / "only-separators.txt", "-----\n#####\n*****\n")
    assert load_chunks(tmp_path) == []


def test_binary_garbage_named_md_is_skipped_with_a_warning(tmp_path: Path, caplog):
    garbage = random.Random(7).randbytes(200_000)
    write(tmp_path / "garbage.md", garbage)
    write(tmp_path / "real.md", NOTE)

    with caplog.at_level(logging.WARNING):
        chunks = load_chunks(tmp_path)

    assert "garbage.md" in caplog.text and "binary" in caplog.text
    assert {chunk.source for chunk in chunks} == {"real.md"}  # the other file still counts


def test_a_png_renamed_to_txt_is_skipped(tmp_path: Path, caplog):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(5000)
    write(tmp_path / "photo.txt", png)
    with caplog.at_level(logging.WARNING):
        assert load_chunks(tmp_path) == []
    assert "photo.txt" in caplog.text


def test_one_megabyte_single_line_yields_bounded_chunks(tmp_path: Path):
    sentence = "Amazon S3 stores objects in buckets and replicates them across zones. "
    line = sentence * (1_000_000 // len(sentence) + 1)
    write(tmp_path / "huge.txt", line)

    chunks = load_chunks(tmp_path)

    assert len(chunks) >= len(line) // MAX_CHARS
    assert all(len(chunk.text) <= MAX_CHARS for chunk in chunks)
    assert all(chunk.line_start == chunk.line_end == 1 for chunk in chunks)
    assert all(chunk.text.endswith(".") for chunk in chunks)  # cut at sentence ends
    assert len({chunk.id for chunk in chunks}) == len(chunks)


def test_one_megabyte_line_without_spaces_is_cut_hard(tmp_path: Path):
    write(tmp_path / "blob.md", "x" * 1_000_000)

    chunks = load_chunks(tmp_path)

    assert sum(len(chunk.text) for chunk in chunks) == 1_000_000
    assert all(len(chunk.text) <= MAX_CHARS for chunk in chunks)
