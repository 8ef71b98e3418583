"""An in-memory copy of a Whoosh index's postings with BM25 weights computed once, for fast scoring.

A notebook of the usual size (up to ``EAGER_LIMIT`` passages) has every posting of every field
read from the Whoosh reader when a generation is opened, and the reader is closed; a query then
only adds up precomputed weights. A bigger one keeps the reader and reads posting lists on first
use. Lists are packed arrays (2- or 4-byte document numbers and list starts, 4-byte weights),
not Python objects, and once read the four fields share one sorted term list
(``index.sorted_terms``: one UTF-8 blob, a lookup is a bisect), so the postings of an opened
notebook cost about its text again (see the bench's RSS column). A generation with a usable
``packed.bin`` (``index.packed``) skips the reading: the table is made from its arrays
(``from_packed``).
"""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from whoosh.reading import IndexReader

from index.sorted_terms import SortedTerms

# Term-frequency saturation and length normalisation per field: a heading either names the word
# or not (a repeat adds little), and headings are short and alike, so they get little length norm.
EAGER_LIMIT = 3000  # documents: up to this size a searcher reads everything when it opens
FIELDS = ("head", "head_stem", "body", "body_stem")

K1_BY_FIELD = {"head": 0.3, "head_stem": 0.3, "body": 1.2, "body_stem": 1.2}
B_BY_FIELD = {"head": 0.3, "head_stem": 0.3, "body": 0.75, "body_stem": 0.75}


# One field once read: list starts by ordinal in the shared term list (len(terms) + 1), document
# numbers ("H" or "I"), weights
PackedField = tuple[Sequence[int], Sequence[int], Sequence[float]]


@dataclass(frozen=True, slots=True)
class PostingList:
    docnums: Sequence[int]  # an array("I") or a view of one
    weights: Sequence[float]  # BM25 weight of the term in each document (idf × saturated tf)


class PostingsTable:
    """field → term → PostingList read from a Whoosh reader, with document frequencies.

    A posting list is read from Whoosh the first time a query needs it and kept; ``warm()``
    reads them all (the searcher does that when it opens an index of the notes' size).
    """

    def __init__(self, reader: IndexReader, fields: tuple[str, ...]) -> None:
        self._reader: IndexReader | None = reader
        self._lock = threading.Lock()
        self.doc_count = reader.doc_count_all()
        self._norms: dict[str, tuple[float, list[float]]] = {}
        self._frequencies: dict[str, dict[str, int]] = {}
        self._cache: dict[str, dict[str, PostingList]] = {}
        # After warm(): every term of every field, sorted (a term's position is its ordinal in
        # each field), and field → (list starts by ordinal, document numbers, weights): no dict
        # and no object per term or list
        self._terms = SortedTerms(b"")
        self._packed: dict[str, tuple[array, memoryview, memoryview]] = {}  # starts "H" or "I"
        for fieldname in fields:
            lengths = [reader.doc_field_length(d, fieldname) or 0 for d in range(self.doc_count)]
            self._norms[fieldname] = field_norms(fieldname, lengths, self.doc_count)
            self._frequencies[fieldname] = {
                (raw.decode("utf-8") if isinstance(raw, bytes) else raw): info.doc_frequency()
                for raw, info in reader.iter_field(fieldname)
            }
            self._cache[fieldname] = {}

    @classmethod
    def from_packed(
        cls, doc_count: int, terms: SortedTerms, fields: dict[str, PackedField]
    ) -> PostingsTable:
        """A table over lists read before (``packed_lists``), with no reader behind it."""
        table = cls.__new__(cls)
        table._reader = None
        table._lock = threading.Lock()
        table.doc_count = doc_count
        table._norms, table._frequencies, table._cache = {}, {}, {}
        table._terms = terms
        table._packed = {}
        for name, (starts, docnums, weights) in fields.items():
            starts = starts if isinstance(starts, array) else array("I", starts)
            table._packed[name] = (starts, memoryview(docnums), memoryview(weights))  # type: ignore[arg-type]
        return table

    def packed_lists(self) -> tuple[SortedTerms, dict[str, PackedField]]:
        """The shared sorted term list and each field's packed lists (read now if need be)."""
        if not self._packed:
            self.warm()
        return self._terms, dict(self._packed)

    def warm(self) -> None:
        """Read every posting list now, so no query pays for a first read, and close the reader
        (nothing is left to read; the index files can be freed)."""
        vocabulary: set[str] = set()
        for terms in self._frequencies.values():
            vocabulary.update(terms)
        self._terms = SortedTerms.of(vocabulary)
        del vocabulary
        docnum_code = _docnum_code(self.doc_count)
        for fieldname, frequencies in self._frequencies.items():
            starts, docnums, weights = array("I", [0]), array(docnum_code), array("f")
            for term in self._terms:
                df = frequencies.get(term)
                if df is not None:
                    plist = self._cache[fieldname].pop(term, None) or self._read(
                        fieldname, term, df
                    )
                    docnums.extend(array(docnum_code, plist.docnums))
                    weights.extend(plist.weights)
                starts.append(len(docnums))
            self._packed[fieldname] = (
                _compact(starts, docnums),
                memoryview(docnums),
                memoryview(weights),
            )
            self._cache[fieldname].clear()
        self._frequencies.clear()  # the packed lists tell the frequencies now
        with self._lock:
            reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
        self._norms.clear()

    def _read(self, fieldname: str, term: str, df: int) -> PostingList:
        k1, norms = self._norms[fieldname]
        docnums = array("I")
        frequencies = array("f")
        with self._lock:  # a Whoosh reader is not meant for concurrent use
            assert self._reader is not None, "every posting list was read before closing"
            matcher = self._reader.postings(fieldname, term)
            while matcher.is_active():
                docnums.append(matcher.id())
                frequencies.append(matcher.weight())
                matcher.next()
        return PostingList(
            docnums, bm25_weights(df, self.doc_count, k1, norms, docnums, frequencies)
        )

    def _ordinal(self, term: str) -> int | None:
        """The term's position in the shared sorted term list, or None."""
        return self._terms.find(term)

    def get(self, fieldname: str, term: str) -> PostingList | None:
        packed = self._packed.get(fieldname)
        if packed is not None:
            starts, docnums, weights = packed
            ordinal = self._ordinal(term)
            if ordinal is None:
                return None
            start, end = starts[ordinal], starts[ordinal + 1]
            if start == end:  # another field's term
                return None
            return PostingList(docnums[start:end], weights[start:end])
        cache = self._cache[fieldname]
        plist = cache.get(term)
        if plist is None:
            df = self._frequencies[fieldname].get(term)
            if df is None:
                return None
            plist = cache[term] = self._read(fieldname, term, df)
        return plist

    def has(self, fieldname: str, term: str) -> bool:
        packed = self._packed.get(fieldname)
        if packed is not None:
            ordinal = self._ordinal(term)
            return ordinal is not None and packed[0][ordinal] < packed[0][ordinal + 1]
        return term in self._frequencies[fieldname]

    def document_frequencies(self, fieldname: str) -> dict[str, int]:
        """term → number of documents that have it, for one field."""
        packed = self._packed.get(fieldname)
        if packed is not None:
            starts = packed[0]
            return {
                term: starts[i + 1] - starts[i]
                for i, term in enumerate(self._terms)
                if starts[i + 1] > starts[i]
            }
        return self._frequencies[fieldname]

    def term_counts(self, fields: Sequence[str]) -> tuple[SortedTerms, array]:
        """Every term, sorted, and how many documents have it in ``fields`` together (0 for a
        term only other fields have); once read, the list is the table's own, not a copy."""
        if self._packed:
            terms = self._terms
            code = "H" if len(fields) * self.doc_count < 1 << 16 else "I"
            counts = array(code, bytes(array(code).itemsize * len(terms)))
            for fieldname in fields:
                starts = self._packed[fieldname][0]
                for i in range(len(terms)):
                    counts[i] += starts[i + 1] - starts[i]
            return terms, counts
        summed: dict[str, int] = {}
        for fieldname in fields:
            for term, df in self._frequencies[fieldname].items():
                summed[term] = summed.get(term, 0) + df
        terms = SortedTerms.of(summed)
        return terms, array("I", (summed[term] for term in terms))


def field_norms(
    fieldname: str, lengths: Sequence[int], doc_count: int
) -> tuple[float, list[float]]:
    """The field's k1 and each document's BM25 length norm, k1 × (1 − b + b × length / mean)."""
    average = (sum(lengths) / max(1, doc_count)) or 1.0
    b = B_BY_FIELD.get(fieldname, 0.75)
    k1 = K1_BY_FIELD.get(fieldname, 1.2)
    return k1, [k1 * ((1 - b) + b * x / average) for x in lengths]


def bm25_weights(
    df: int,
    doc_count: int,
    k1: float,
    norms: Sequence[float],
    docnums: Sequence[int],
    frequencies: Sequence[float],
) -> array:
    """One term's BM25 weight (idf × saturated tf) in each of its documents."""
    n = max(1, doc_count)
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    pairs = zip(docnums, frequencies, strict=True)
    return array("f", [idf * tf * (k1 + 1) / (tf + norms[d]) for d, tf in pairs])


def bm25_packed_lists(
    doc_count: int,
    lengths: Mapping[str, Sequence[int]],
    lists: Mapping[str, Mapping[str, tuple[Sequence[int], Sequence[float]]]],
) -> tuple[SortedTerms, dict[str, PackedField]]:
    """The shared sorted term list and each field's packed lists (as ``PostingsTable.warm``
    makes them) from field → term → (document numbers, term frequencies) and field lengths."""
    vocabulary: set[str] = set()
    for by_term in lists.values():
        vocabulary.update(by_term)
    terms = SortedTerms.of(vocabulary)
    del vocabulary
    docnum_code = _docnum_code(doc_count)
    packed: dict[str, PackedField] = {}
    for fieldname, by_term in lists.items():
        k1, norms = field_norms(fieldname, lengths[fieldname], doc_count)
        starts, docnums, weights = array("I", [0]), array(docnum_code), array("f")
        for term in terms:
            found = by_term.get(term)
            if found is not None:
                ids, frequencies = found
                docnums.extend(array(docnum_code, ids))
                weights.extend(bm25_weights(len(ids), doc_count, k1, norms, ids, frequencies))
            starts.append(len(docnums))
        packed[fieldname] = (_compact(starts, docnums), memoryview(docnums), memoryview(weights))
    return terms, packed


def _compact(starts: array, docnums: array) -> array:
    """2-byte list starts when they fit, as document numbers are."""
    return array("H", starts) if len(docnums) < 1 << 16 else starts


def _docnum_code(doc_count: int) -> str:
    """2-byte document numbers when they fit (a notebook rarely has 65536 passages)."""
    return "H" if doc_count <= 1 << 16 else "I"
