"""What a searcher needs when it opens a generation, computed once when the generation is built
(in whichever process builds it) and kept beside the Whoosh files as ``packed.bin``: each field's
posting lists with their BM25 weights packed in arrays (what ``PostingsTable.warm`` makes), the
vocabulary's document counts, the chunk of each Whoosh document, and the chunks themselves.

Opening then copies arrays and decodes the chunks in small slices, instead of walking Whoosh's
per-document and per-term structures in Python and parsing ``chunks.json`` in one call: on a
5 MB notebook that held the GIL for a second or more and stalled other chats' replies. Whoosh
and ``chunks.json`` stay the source of truth: a file that is missing, stale (another format,
other BM25 parameters, other Whoosh files) or damaged (it carries its own CRC) is not used and
is written again from them (``index.store`` does, when it checks a generation).

Layout: ``MAGIC``, then records (an 8-byte little-endian length, then the bytes): the key, four
per field of ``FIELDS`` (terms, list starts, document numbers, weights), two for the vocabulary
(terms, counts), the chunk slices up to an empty record, the chunk of each document; last, the
CRC-32 of everything before it. Terms are UTF-8 joined by NUL; arrays are in this machine's
byte order (the key says which).
"""

from __future__ import annotations

import logging
import marshal
import os
import struct
import sys
import uuid
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import BinaryIO

from whoosh.filedb.filestore import FileStorage

from index.model import Chunk
from index.postings import B_BY_FIELD, FIELDS, K1_BY_FIELD, PackedField, PostingsTable

log = logging.getLogger(__name__)

PACKED = "packed.bin"
MAGIC = b"SBPACK\x00\x01"
FORMAT = 1
SLICE = 256  # chunks per slice: one slice is decoded in a millisecond or two, holding the GIL
_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")
_CHUNK_FIELDS = tuple(f.name for f in fields(Chunk))
_VOCABULARY_FIELDS = ("body", "head")  # the speller's words: exact forms of body and headings


@dataclass(frozen=True, slots=True)
class Packed:
    """A generation's packed search data, read back."""

    doc_count: int
    fields: dict[str, PackedField]
    vocabulary: dict[str, int]  # word → passages with it, in the body or heading fields
    chunk_of_doc: Sequence[int]  # Whoosh document number → index in ``chunks`` (-1: none)
    slices: list[memoryview]  # marshalled chunk slices

    def postings(self) -> PostingsTable:
        return PostingsTable.from_packed(self.doc_count, self.fields)

    def chunks(self) -> Iterator[Chunk]:
        """The chunks in the order they were written, decoded slice by slice."""
        for data in self.slices:
            for values in marshal.loads(data):
                yield Chunk(*values)


def _whoosh_files(generation: Path) -> list[tuple[str, int]]:
    return sorted(
        (path.name, path.stat().st_size)
        for path in generation.iterdir()
        if path.suffix in (".seg", ".toc")
    )


def _key(generation: Path) -> bytes:
    """What the packed data was made from and how: a change to any of it makes the file stale."""
    made_of = (
        FORMAT,
        FIELDS,
        sorted(K1_BY_FIELD.items()),
        sorted(B_BY_FIELD.items()),
        _CHUNK_FIELDS,
        sys.byteorder,
        array("I").itemsize,
        array("f").itemsize,
        _whoosh_files(generation),
    )
    return repr(made_of).encode("utf-8")


class _Out:
    """Records written to a file, with the CRC of all of them."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.crc = 0

    def raw(self, data: bytes) -> None:
        self._handle.write(data)
        self.crc = zlib.crc32(data, self.crc)

    def record(self, data: bytes | array | memoryview) -> None:
        payload = data.tobytes() if isinstance(data, array | memoryview) else data
        self.raw(_LENGTH.pack(len(payload)))
        self.raw(payload)


def _terms_blob(terms: Iterable[str]) -> bytes:
    listed = list(terms)
    if any("\0" in term for term in listed):
        raise ValueError("a term holds a NUL character")
    return "\0".join(listed).encode("utf-8")


def write_packed(generation: Path, chunks: Iterable[Chunk]) -> None:
    """Write ``generation``'s packed search data from its Whoosh index and ``chunks`` (those of
    ``chunks.json``, in order), all at once: the file appears complete or not at all. Memory:
    one field's posting lists at a time, and one slice of chunks."""
    generation = Path(generation)
    scratch = generation / f".{PACKED}.{uuid.uuid4().hex[:8]}.tmp"
    storage = FileStorage(str(generation), readonly=True)
    ix = storage.open_index()
    reader = ix.reader()
    try:
        with open(scratch, "wb") as handle:
            out = _Out(handle)
            out.raw(MAGIC)
            out.record(_key(generation))
            table = PostingsTable(reader, FIELDS)
            counts: dict[str, dict[str, int]] = {}
            for fieldname in FIELDS:
                ordinals, starts, docnums, weights = table.pack_field(fieldname)
                out.record(_terms_blob(ordinals))
                out.record(starts)
                out.record(docnums)
                out.record(weights)
                if fieldname in _VOCABULARY_FIELDS:
                    counts[fieldname] = {
                        term: starts[i + 1] - starts[i] for term, i in ordinals.items()
                    }
                del ordinals, starts, docnums, weights
            vocabulary: dict[str, int] = {}
            for fieldname in _VOCABULARY_FIELDS:  # in this order, as the searcher counts them
                for term, df in counts.pop(fieldname, {}).items():
                    vocabulary[term] = vocabulary.get(term, 0) + df
            out.record(_terms_blob(vocabulary))
            out.record(array("I", vocabulary.values()))
            del vocabulary
            position: dict[str, int] = {}
            batch: list[tuple[object, ...]] = []
            for chunk in chunks:
                position[chunk.id] = len(position)
                batch.append(tuple(getattr(chunk, name) for name in _CHUNK_FIELDS))
                if len(batch) == SLICE:
                    out.record(marshal.dumps(batch))
                    batch.clear()
            if batch:
                out.record(marshal.dumps(batch))
            out.record(b"")
            chunk_of_doc = array("i", [-1]) * table.doc_count
            for docnum, stored in reader.iter_docs():
                chunk_of_doc[docnum] = position.get(stored["id"], -1)
            out.record(chunk_of_doc)
            handle.write(_CRC.pack(out.crc))
        os.replace(scratch, generation / PACKED)
    finally:
        reader.close()
        ix.close()
        scratch.unlink(missing_ok=True)


class _Records:
    """The records of a packed file, read one after another (views, no copies)."""

    def __init__(self, data: memoryview) -> None:
        self._data = data
        self._at = len(MAGIC)

    def next(self) -> memoryview:
        (length,) = _LENGTH.unpack_from(self._data, self._at)
        start = self._at + _LENGTH.size
        if start + length > len(self._data):
            raise ValueError("a record runs past the end")
        self._at = start + length
        return self._data[start : self._at]

    @property
    def done(self) -> bool:
        return self._at == len(self._data)


def _terms(blob: memoryview) -> list[str]:
    return bytes(blob).decode("utf-8").split("\0") if len(blob) else []


def _array(typecode: str, view: memoryview) -> array:
    values = array(typecode)
    values.frombytes(view)
    return values


def problem(generation: Path) -> str | None:
    """Why ``generation``'s packed file cannot be used (missing, stale, damaged), or None."""
    try:
        data = (Path(generation) / PACKED).read_bytes()
    except OSError:
        return "missing"
    return _check(Path(generation), memoryview(data))


def _check(generation: Path, data: memoryview) -> str | None:
    if len(data) < len(MAGIC) + _CRC.size or data[: len(MAGIC)] != MAGIC:
        return "not a packed file"
    (crc,) = _CRC.unpack_from(data, len(data) - _CRC.size)
    if zlib.crc32(data[: -_CRC.size]) != crc:
        return "damaged (CRC)"
    try:
        key = _Records(data[: -_CRC.size]).next()
    except (ValueError, struct.error):
        return "damaged (records)"
    if bytes(key) != _key(generation):
        return "stale"
    return None


def read_packed(generation: Path) -> Packed | None:
    """``generation``'s packed search data, or None when its file cannot be used (logged)."""
    generation = Path(generation)
    try:
        data = memoryview((generation / PACKED).read_bytes())
    except OSError:
        return None
    found = _check(generation, data)
    if found is not None:
        log.info("packed search data of %s not used: %s", generation, found)
        return None
    try:
        return _parse(_Records(data[: -_CRC.size]))
    except (ValueError, struct.error, EOFError, TypeError) as error:
        log.warning("packed search data of %s not used: %s", generation, error)
        return None


def _parse(records: _Records) -> Packed:
    records.next()  # the key, checked already
    packed_fields: dict[str, PackedField] = {}
    for fieldname in FIELDS:
        terms = _terms(records.next())
        starts = _array("I", records.next())
        docnums = _array("I", records.next())
        weights = _array("f", records.next())
        if len(starts) != len(terms) + 1 or len(docnums) != len(weights):
            raise ValueError(f"field {fieldname}: lists and terms do not agree")
        ordinals = dict(zip(terms, range(len(terms)), strict=True))
        packed_fields[fieldname] = (ordinals, starts, memoryview(docnums), memoryview(weights))
    words = _terms(records.next())
    counts = _array("I", records.next())
    vocabulary = dict(zip(words, counts, strict=True))
    slices: list[memoryview] = []
    while len(piece := records.next()):
        slices.append(piece)
    chunk_of_doc = _array("i", records.next())
    if not records.done:
        raise ValueError("records after the last one")
    return Packed(len(chunk_of_doc), packed_fields, vocabulary, chunk_of_doc, slices)
