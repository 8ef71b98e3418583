"""The postings of a generation as Whoosh's writer receives them, held grouped by field and term
in place of its posting pool, so that the packed search data (``index.packed``) is made in the
same pass as the index and the commit writes each term's list in one go.

Whoosh has no hook for this: its ``SegmentWriter`` hands each posting to its pool (``pool.add``)
and each field length to its per-document writer (``perdocwriter.add_field``). The tap takes the
pool's place and wraps the length call on one writer. Reading the lists back cost a quarter of a
build (a matcher per term, walked in Python), and Whoosh's own pool kept a tuple per posting and
sorted them all at commit; ``GroupedCodec``'s field writer then fills Whoosh's posting blocks a
block at a time instead of a posting at a time, through Whoosh's own block and term-info code,
so the files are byte for byte those of the W3 codec. The lists are what a reader would give:
lengths go through Whoosh's one-byte quantisation (``length_to_byte``), weights are stored as
its 4-byte floats. A writer without those attributes (another Whoosh) leaves the tap inactive,
and the build reads the index back.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3TermInfo
from whoosh.compat import dumps
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.numlists import delta_encode
from whoosh.writing import PostingPool, SegmentWriter

from index.analysis import NotesFrequency, NotesTokenizer
from index.postings import FIELDS, PackedField, bm25_packed_lists
from index.sorted_terms import SortedTerms

# One term's postings: document numbers (in the order they came), weights, encoded values.
_TermPostings = tuple[array, array, list[bytes | None]]


class GroupedPostings:
    """Every posting of a segment, field → term bytes → its lists. Iterating gives Whoosh's
    ``(fieldname, term bytes, docnum, weight, value)`` tuples in its pool's sorted order, for
    any field writer; ``GroupedCodec``'s takes the lists whole."""

    def __init__(self) -> None:
        self.by_field: dict[str, dict[bytes, _TermPostings]] = {}
        self.spelling = False  # a posting for Whoosh's spelling words (docnum -1) came

    def __iter__(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        for fieldname in sorted(self.by_field):
            by_term = self.by_field[fieldname]
            for tbytes in sorted(by_term):
                docnums, weights, values = by_term[tbytes]
                for docnum, weight, value in zip(docnums, weights, values, strict=True):
                    yield fieldname, tbytes, docnum, weight, value


class _GroupedPool:
    """Stands for a ``SegmentWriter``'s ``PostingPool``: keeps the postings in arrays by term
    (documents arrive in order, so each list is already sorted) instead of sorting tuples."""

    def __init__(self, grouped: GroupedPostings) -> None:
        self._grouped = grouped
        self._values: dict[bytes, bytes] = {}  # one object per distinct encoded value
        self._frequencies: dict[int, bytes] = {}  # a ``NotesFrequency`` value, by frequency
        self.fieldnames: set[str] = set()

    def _terms(self, fieldname: str) -> dict[bytes, _TermPostings]:
        by_term = self._grouped.by_field.get(fieldname)
        if by_term is None:
            by_term = self._grouped.by_field[fieldname] = {}
            self.fieldnames.add(fieldname)
        return by_term

    def add(self, item: tuple) -> None:
        fieldname, tbytes, docnum, weight, value = item
        by_term = self._terms(fieldname)
        found = by_term.get(tbytes)
        if found is None:
            found = by_term[tbytes] = (array("i"), array("d"), [])
        if docnum < 0:
            self._grouped.spelling = True
        found[0].append(docnum)
        found[1].append(weight)
        found[2].append(self._values.setdefault(value, value) if value is not None else value)

    def add_field(self, fieldname: str, field: Any, value: object, docnum: int) -> int:
        """Add one document's postings of an indexed field, as ``SegmentWriter.add_document``
        adds them (no boosts), and return the field's length (0 when it is not scorable). A
        ``NotesTokenizer`` field's counted terms go straight into the arrays."""
        by_term = self._terms(fieldname)
        length = 0
        notes = (
            isinstance(value, str)
            and isinstance(field.analyzer, NotesTokenizer)
            and type(field.format) is NotesFrequency
        )
        if not notes:
            for tbytes, frequency, weight, encoded in field.index(value):
                self.add((fieldname, tbytes, docnum, weight, encoded))
                length += frequency
            return length if field.scorable else 0
        boost, encoded_of = field.format.field_boost, self._frequencies
        for text, frequency in field.analyzer.term_counts(value).items():
            tbytes = text.encode("utf-8")
            found = by_term.get(tbytes)
            if found is None:
                found = by_term[tbytes] = (array("i"), array("d"), [])
            encoded = encoded_of.get(frequency)
            if encoded is None:
                encoded = encoded_of[frequency] = pack_uint(frequency)
            found[0].append(docnum)
            found[1].append(frequency * boost)
            found[2].append(encoded)
            length += frequency
        return length if field.scorable else 0

    def iter_postings(self) -> GroupedPostings:
        return self._grouped

    def cleanup(self) -> None:
        """Nothing to remove: the pool never spills to disk."""


class GroupedWriter(SegmentWriter):
    """Whoosh's segment writer, whose ``add_document`` (once a ``PostingTap`` holds its pool)
    gives each field's postings to the tap whole, not one ``pool.add`` at a time. Documents
    with boosts or fields that keep vectors, spelling words or columns take Whoosh's own way."""

    def add_document(self, **fields: Any) -> None:
        pool, schema = self.pool, self.schema
        if not isinstance(pool, _GroupedPool) or any(name.startswith("_") for name in fields):
            super().add_document(**fields)
            return
        self._check_state()
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        if not all(_plain(schema[name]) for name in fieldnames):
            super().add_document(**fields)
            return
        perdocwriter, docnum = self.perdocwriter, self.docnum
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = pool.add_field(fieldname, field, value, docnum) if field.indexed else 0
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1


def _plain(field: Any) -> bool:
    """A field ``GroupedWriter`` writes itself: no vectors, spelling words or column."""
    return not field.vector and not field.separate_spelling() and not field.column_type


class _GroupedFieldWriter(W3FieldWriter):
    """W3's field writer, fed whole posting lists: each block of ``blocklimit`` postings goes to
    Whoosh's block writer at once (its own pickling, term info and term table), not through its
    per-posting ``add`` and checks."""

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        if not isinstance(items, GroupedPostings) or lengths is not None or items.spelling:
            super().add_postings(schema, lengths, items)
            return
        for fieldname in sorted(items.by_field):
            by_term = items.by_field[fieldname]
            self.start_field(fieldname, schema[fieldname])
            for tbytes in sorted(by_term):
                self._add_term(tbytes, *by_term[tbytes])
            self.finish_field()

    def _add_term(
        self, tbytes: bytes, docnums: array, weights: array, values: list[bytes | None]
    ) -> None:
        """One term's posting list and its term-table entry, as ``start_term``, an ``add`` per
        posting and ``finish_term`` write them (``W3PostingsWriter._write_block`` and
        ``W3TermInfo``): the same bytes, with one file write and no per-posting checks."""
        postings = self._postwriter
        limit, compression = postings._blocklimit, postings._compression
        fixed_size = self._format.fixed_value_size()
        info = W3TermInfo()
        start = self._postfile.tell()
        pieces = [WHOOSH3_HEADER_MAGIC]
        count = len(docnums)
        for at in range(0, count, limit):
            ids = array("I", docnums[at : at + limit])
            block_weights = array("f", weights[at : at + limit])
            # the highest weight as ``add_posting`` keeps it: from 0, of the weights as given
            top_weight = max(0, max(weights[at : at + limit]))
            info._weight += sum(block_weights)
            info._df += len(ids)
            info._maxweight = max(info._maxweight, top_weight)
            if info._minid is None:
                info._minid = ids[0]
            info._maxid = ids[-1]
            block_values = [value for value in values[at : at + limit] if value]
            databytes = dumps(
                (
                    tuple(delta_encode(ids)),
                    _mini_weights(block_weights),
                    _mini_values(block_values, fixed_size),
                ),
                2,
            )
            if compression:
                databytes = zlib.compress(databytes, compression)
            infobytes = dumps(
                (len(ids), ids[-1], top_weight, compression, _NO_LENGTH, _NO_LENGTH), 2
            )
            size = len(infobytes) + len(databytes)
            pieces.append(pack_int(-size if at + limit >= count else size))
            pieces.append(infobytes)
            pieces.append(databytes)
        written = b"".join(pieces)
        self._postfile.write(written)
        info.set_extent(start, len(written))
        self._tindex.add(pack_ushort(self._fieldid) + tbytes, info.to_bytes())


# ``length_to_byte`` of a block without field lengths: its minimum None, its maximum 0, both 0
_NO_LENGTH = length_to_byte(None)


def _mini_weights(weights: array) -> float | tuple[float, ...] | None:
    """``W3PostingsWriter._mini_weights``: None when all are 1, one number when all are equal."""
    if weights.count(1.0) == len(weights):
        return None
    if weights.count(weights[0]) == len(weights):
        return weights[0]
    return tuple(weights)


def _mini_values(values: list[bytes], fixed_size: int | None) -> object:
    """``W3PostingsWriter._mini_values``: fixed-size values joined, none when of size 0."""
    if fixed_size is None or fixed_size < 0:
        return tuple(values)
    if fixed_size == 0:
        return None
    return b"".join(values)


class GroupedCodec(W3Codec):
    """Whoosh's W3 codec, whose field writer takes a ``PostingTap``'s grouped postings whole;
    the files are the same as W3's with the same settings."""

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return _GroupedFieldWriter(self, storage, segment)

    def new_segment(self, storage: Any, indexname: str) -> Any:
        """A segment of Whoosh's own W3 codec with these settings: the segment is pickled into
        the index's table of contents, so readers need nothing of this module."""
        plain = W3Codec.__new__(W3Codec)
        plain.__dict__.update(self.__dict__)
        return plain.new_segment(storage, indexname)


class PostingTap:
    """Postings and field lengths of ``fields`` captured from one Whoosh writer, whose pool it
    replaces (every field's postings are kept, for the writer's commit)."""

    def __init__(self, writer: Any, fields: tuple[str, ...] = FIELDS) -> None:
        self._fields = fields
        self._writer = writer
        self._grouped = GroupedPostings()
        self._lengths: dict[str, dict[int, int]] = {name: {} for name in fields}
        pool = getattr(writer, "pool", None)
        per_doc = getattr(writer, "perdocwriter", None)
        self.active = (
            isinstance(pool, PostingPool)
            and not pool.runs
            and not pool.current
            and callable(getattr(per_doc, "add_field", None))
        )
        if self.active:
            writer.pool = _GroupedPool(self._grouped)
            per_doc.add_field = self._length(per_doc.add_field)  # type: ignore[union-attr]

    def _length(self, add_field: Callable[..., None]) -> Callable[..., None]:
        lengths, writer = self._lengths, self._writer

        def tapped(fieldname: str, fieldobj: object, value: object, length: int) -> None:
            add_field(fieldname, fieldobj, value, length)
            if length and fieldname in lengths:
                lengths[fieldname][writer.docnum] = byte_to_length(length_to_byte(length))

        return tapped

    def packed_lists(self, doc_count: int) -> tuple[SortedTerms, dict[str, PackedField]]:
        """The shared sorted term list and each field's packed BM25 lists, as
        ``PostingsTable.packed_lists`` gives them for the committed index (after the commit)."""
        lengths = {
            name: [by_doc.get(d, 0) for d in range(doc_count)]
            for name, by_doc in self._lengths.items()
        }
        lists = {
            name: {
                tbytes.decode("utf-8"): (docnums, array("f", weights))
                for tbytes, (docnums, weights, _) in self._grouped.by_field.get(name, {}).items()
            }
            for name in self._fields
        }
        self._grouped.by_field.clear()
        return bm25_packed_lists(doc_count, lengths, lists)
