"""An in-memory copy of a Whoosh index's postings with BM25 weights computed once, for fast scoring.

Each field's posting lists are packed in arrays (4-byte document numbers, 4-byte weights, every
list of a field in one array), not Python objects, so an opened notebook costs a few times its
text. The packing is done once, when a generation is built, and kept beside the index
(``index.packed``); opening then loads the arrays (``PostingsTable.from_packed``). Without that
file, a notebook of the usual size (up to ``EAGER_LIMIT`` passages) reads every list from the
Whoosh reader when it opens (``warm``) and a bigger one reads lists on first use.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from whoosh.reading import IndexReader

# Term-frequency saturation and length normalisation per field: a heading either names the word
# or not (a repeat adds little), and headings are short and alike, so they get little length norm.
EAGER_LIMIT = 3000  # documents: up to this size a searcher reads everything when it opens
FIELDS = ("head", "head_stem", "body", "body_stem")

K1_BY_FIELD = {"head": 0.3, "head_stem": 0.3, "body": 1.2, "body_stem": 1.2}
B_BY_FIELD = {"head": 0.3, "head_stem": 0.3, "body": 0.75, "body_stem": 0.75}


# One field, packed: term → ordinal, list starts (len(terms) + 1), document numbers, weights
PackedField = tuple[dict[str, int], Sequence[int], Sequence[int], Sequence[float]]


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
        n = max(1, self.doc_count)
        self._norms: dict[str, tuple[float, list[float]]] = {}
        self._frequencies: dict[str, dict[str, int]] = {}
        self._cache: dict[str, dict[str, PostingList]] = {}
        # After warm(): field → (term → ordinal, list starts, document numbers, weights), every
        # list of a field in one array (no object per list)
        self._packed: dict[str, PackedField] = {}
        for fieldname in fields:
            lengths = [reader.doc_field_length(d, fieldname) or 0 for d in range(self.doc_count)]
            average = (sum(lengths) / n) or 1.0
            b = B_BY_FIELD.get(fieldname, 0.75)
            k1 = K1_BY_FIELD.get(fieldname, 1.2)
            self._norms[fieldname] = (k1, [k1 * ((1 - b) + b * x / average) for x in lengths])
            self._frequencies[fieldname] = {
                (raw.decode("utf-8") if isinstance(raw, bytes) else raw): info.doc_frequency()
                for raw, info in reader.iter_field(fieldname)
            }
            self._cache[fieldname] = {}

    @classmethod
    def from_packed(cls, doc_count: int, fields: dict[str, PackedField]) -> PostingsTable:
        """A table over lists packed before (``pack_field``), with no reader behind it."""
        table = cls.__new__(cls)
        table._reader = None
        table._lock = threading.Lock()
        table.doc_count = doc_count
        table._norms, table._frequencies, table._cache = {}, {}, {}
        table._packed = dict(fields)
        return table

    def warm(self) -> None:
        """Read every posting list now, so no query pays for a first read, and close the reader
        (nothing is left to read; the index files can be freed)."""
        for fieldname in list(self._frequencies):
            ordinals, starts, docnums, weights = self.pack_field(fieldname)
            self._packed[fieldname] = (ordinals, starts, memoryview(docnums), memoryview(weights))
        self._frequencies.clear()  # the packed lists tell the frequencies now
        with self._lock:
            reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
        self._norms.clear()

    def pack_field(self, fieldname: str) -> tuple[dict[str, int], array, array, array]:
        """Every posting list of one field in three arrays (list starts, document numbers,
        weights), with each term's ordinal, in the order of the field's terms."""
        ordinals: dict[str, int] = {}
        starts, docnums, weights = array("I", [0]), array("I"), array("f")
        for ordinal, (term, df) in enumerate(self._frequencies[fieldname].items()):
            plist = self._cache[fieldname].pop(term, None) or self._read(fieldname, term, df)
            docnums.extend(plist.docnums)
            weights.extend(plist.weights)
            starts.append(len(docnums))
            ordinals[term] = ordinal
        self._cache[fieldname].clear()
        return ordinals, starts, docnums, weights

    def _read(self, fieldname: str, term: str, df: int) -> PostingList:
        n = max(1, self.doc_count)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        k1, norms = self._norms[fieldname]
        docnums = array("I")
        weights = array("f")
        with self._lock:  # a Whoosh reader is not meant for concurrent use
            assert self._reader is not None, "every posting list was read before closing"
            matcher = self._reader.postings(fieldname, term)
            while matcher.is_active():
                docnum = matcher.id()
                tf = matcher.weight()
                docnums.append(docnum)
                weights.append(idf * tf * (k1 + 1) / (tf + norms[docnum]))
                matcher.next()
        return PostingList(docnums, weights)

    def get(self, fieldname: str, term: str) -> PostingList | None:
        packed = self._packed.get(fieldname)
        if packed is not None:
            ordinals, starts, docnums, weights = packed
            ordinal = ordinals.get(term)
            if ordinal is None:
                return None
            start, end = starts[ordinal], starts[ordinal + 1]
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
            return term in packed[0]
        return term in self._frequencies[fieldname]

    def document_frequencies(self, fieldname: str) -> dict[str, int]:
        """term → number of documents that have it, for one field."""
        packed = self._packed.get(fieldname)
        if packed is not None:
            ordinals, starts, _, _ = packed
            return {term: starts[i + 1] - starts[i] for term, i in ordinals.items()}
        return self._frequencies[fieldname]
