"""What a searcher needs when it opens a generation, computed once when the generation is built
(in whichever process builds it) and kept beside the Whoosh files as ``packed.bin``: the four
fields' shared sorted term list and each field's posting lists with their BM25 weights packed in
arrays (what ``PostingsTable.warm`` makes), the chunk of each Whoosh document, and the cognate
table of ``cognates.json`` in the form an opened notebook keeps it (a JSON decode of thousands of
small objects, freed at once, left the heap holding several times the table).

Opening then copies arrays, instead of walking Whoosh's per-document and per-term structures in
Python: on a 5 MB notebook that held the GIL for a second or more and stalled other chats'
replies. The chunks themselves are read from ``chunks.json`` (``index.chunk_records``). Whoosh,
``chunks.json`` and ``cognates.json`` stay the source of truth: a file that is missing, stale
(another format, other BM25 parameters, other Whoosh files) or damaged (it carries its own CRC)
is not used and is written again from them (``index.store`` does, when it checks a generation).

Layout: ``MAGIC``, then records (an 8-byte little-endian length, then the bytes): the key, the
terms, the type codes of the document numbers and of each field's list starts ("H" when they
fit in 2 bytes), three per field of ``FIELDS`` (list starts, document numbers, weights), the
chunk of each document, the cognate table (``PackedCognates``); last, the CRC-32 of everything
before it. Terms are UTF-8 joined by NUL; arrays are in this machine's
byte order (the key says which).
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import struct
import sys
import uuid
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from whoosh.filedb.filestore import FileStorage

from index.cognates import PackedCognates
from index.postings import B_BY_FIELD, FIELDS, K1_BY_FIELD, PackedField, PostingsTable
from index.sorted_terms import SortedTerms

log = logging.getLogger(__name__)

PACKED = "packed.bin"
COGNATES = "cognates.json"
MAGIC = b"SBPACK\x00\x03"
FORMAT = 3
_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")


@dataclass(frozen=True, slots=True)
class Packed:
    """A generation's packed search data, read back."""

    doc_count: int
    terms: SortedTerms  # every field's terms, sorted: a term's position is its ordinal
    fields: dict[str, PackedField]
    chunk_of_doc: Sequence[int]  # Whoosh document number → position in chunks.json (-1: none)
    cognates: PackedCognates  # the table of cognates.json, packed

    def postings(self) -> PostingsTable:
        return PostingsTable.from_packed(self.doc_count, self.terms, self.fields)


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
        sys.byteorder,
        array("H").itemsize,
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


def write_packed(generation: Path, chunk_ids: Iterable[str]) -> None:
    """Write ``generation``'s packed search data from its Whoosh index and ``chunk_ids`` (those
    of ``chunks.json``, in order), reading every posting list back."""
    generation = Path(generation)
    storage = FileStorage(str(generation), readonly=True)
    ix = storage.open_index()
    reader = ix.reader()
    try:
        position = {chunk_id: at for at, chunk_id in enumerate(chunk_ids)}
        chunk_of_doc = array("i", [-1]) * reader.doc_count_all()
        for docnum, stored in reader.iter_docs():
            chunk_of_doc[docnum] = position.get(stored["id"], -1)
        del position
        doc_count = reader.doc_count_all()
        terms, packed_fields = PostingsTable(reader, FIELDS).packed_lists()
    finally:
        if not reader.is_closed:  # reading every list (packed_lists) closes it
            reader.close()
        ix.close()
    cognates = read_cognates(generation)
    write_packed_lists(generation, Packed(doc_count, terms, packed_fields, chunk_of_doc, cognates))


def write_packed_lists(generation: Path, packed: Packed) -> None:
    """Write ``packed`` as ``generation``'s packed file (after its Whoosh index is committed:
    the key names its files), all at once: the file appears complete or not at all."""
    generation = Path(generation)
    scratch = generation / f".{PACKED}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(scratch, "wb") as handle:
            out = _Out(handle)
            out.raw(MAGIC)
            out.record(_key(generation))
            out.record(packed.terms.blob)
            typecodes = {_typecode(lists[1]) for lists in packed.fields.values()}
            docnum_code = typecodes.pop() if len(typecodes) == 1 else "I"
            starts_codes = "".join(_typecode(packed.fields[name][0]) for name in FIELDS)
            out.record((docnum_code + starts_codes).encode("ascii"))
            for fieldname in FIELDS:
                starts, docnums, weights = packed.fields[fieldname]
                out.record(starts if isinstance(starts, array) else array("I", starts))
                out.record(memoryview(docnums))  # type: ignore[arg-type]
                out.record(array("f", weights))
            out.record(array("i", packed.chunk_of_doc))
            out.record(packed.cognates.blob)
            handle.write(_CRC.pack(out.crc))
        os.replace(scratch, generation / PACKED)
    finally:
        scratch.unlink(missing_ok=True)


def read_cognates(generation: Path) -> PackedCognates:
    """The generation's cognate table, read from its source (``cognates.json``, if any)."""
    source = generation / COGNATES
    return PackedCognates(json.loads(source.read_text("utf-8")) if source.exists() else {})


def _typecode(values: Sequence[int]) -> str:
    return values.format if isinstance(values, memoryview) else getattr(values, "typecode", "I")


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


def _array(typecode: str, view: memoryview) -> array:
    values = array(typecode)
    values.frombytes(view)
    return values


@contextmanager
def _mapped(path: Path) -> Iterator[memoryview]:
    """The file's bytes, mapped rather than read: the arrays are copied straight out of the
    page cache. (A heap buffer the size of the file, freed right after, made glibc raise its
    mmap and trim thresholds, and the heap then kept as much again of freed memory resident.)"""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            yield memoryview(b"")
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            view = memoryview(mapped)
            try:
                yield view
            finally:
                view.release()


def problem(generation: Path) -> str | None:
    """Why ``generation``'s packed file cannot be used (missing, stale, damaged), or None."""
    try:
        with _mapped(Path(generation) / PACKED) as data:
            return _check(Path(generation), data)
    except OSError:
        return "missing"


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
        with _mapped(generation / PACKED) as data:
            return _read(generation, data)
    except OSError:
        return None


def _read(generation: Path, data: memoryview) -> Packed | None:
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
    terms = SortedTerms(bytes(records.next()))
    codes = bytes(records.next()).decode("ascii")
    if len(codes) != 1 + len(FIELDS) or set(codes) - {"H", "I"}:
        raise ValueError(f"arrays of types {codes!r}")
    docnum_code, starts_codes = codes[0], codes[1:]
    packed_fields: dict[str, PackedField] = {}
    for fieldname, starts_code in zip(FIELDS, starts_codes, strict=True):
        starts = _array(starts_code, records.next())
        docnums = _array(docnum_code, records.next())
        weights = _array("f", records.next())
        if len(starts) != len(terms) + 1 or len(docnums) != len(weights):
            raise ValueError(f"field {fieldname}: lists and terms do not agree")
        if starts and starts[-1] != len(docnums):
            raise ValueError(f"field {fieldname}: list starts run past the lists")
        packed_fields[fieldname] = (starts, docnums, weights)
    chunk_of_doc = _array("i", records.next())
    cognates = PackedCognates.from_blob(bytes(records.next()))
    if not records.done:
        raise ValueError("records after the last one")
    return Packed(len(chunk_of_doc), terms, packed_fields, chunk_of_doc, cognates)
