"""An in-memory copy of a Whoosh index's postings with BM25 weights computed once, for fast scoring.

The index is small (a few hundred passages), so every posting of every field is read from the
Whoosh reader when a generation is opened; a query then only adds up precomputed weights.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from whoosh.reading import IndexReader

# Term-frequency saturation and length normalisation per field: a heading either names the word
# or not (a repeat adds little), and headings are short and alike, so they get little length norm.
EAGER_LIMIT = 3000  # documents: up to this size a searcher reads everything when it opens

K1_BY_FIELD = {"head": 0.3, "head_stem": 0.3, "body": 1.2, "body_stem": 1.2}
B_BY_FIELD = {"head": 0.3, "head_stem": 0.3, "body": 0.75, "body_stem": 0.75}


@dataclass(frozen=True, slots=True)
class PostingList:
    docnums: tuple[int, ...]
    weights: tuple[float, ...]  # BM25 weight of the term in each document (idf × saturated tf)


class PostingsTable:
    """field → term → PostingList read from a Whoosh reader, with document frequencies.

    A posting list is read from Whoosh the first time a query needs it and kept; ``warm()``
    reads them all (the searcher does that when it opens an index of the notes' size).
    """

    def __init__(self, reader: IndexReader, fields: tuple[str, ...]) -> None:
        self._reader = reader
        self._lock = threading.Lock()
        self.doc_count = reader.doc_count_all()
        n = max(1, self.doc_count)
        self._norms: dict[str, tuple[float, list[float]]] = {}
        self._frequencies: dict[str, dict[str, int]] = {}
        self._cache: dict[str, dict[str, PostingList]] = {}
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

    def warm(self) -> None:
        """Read every posting list now, so no query pays for a first read."""
        for fieldname, terms in self._frequencies.items():
            for term in list(terms):
                self.get(fieldname, term)

    def _read(self, fieldname: str, term: str, df: int) -> PostingList:
        n = max(1, self.doc_count)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        k1, norms = self._norms[fieldname]
        docnums: list[int] = []
        weights: list[float] = []
        with self._lock:  # a Whoosh reader is not meant for concurrent use
            matcher = self._reader.postings(fieldname, term)
            while matcher.is_active():
                docnum = matcher.id()
                tf = matcher.weight()
                docnums.append(docnum)
                weights.append(idf * tf * (k1 + 1) / (tf + norms[docnum]))
                matcher.next()
        return PostingList(tuple(docnums), tuple(weights))

    def get(self, fieldname: str, term: str) -> PostingList | None:
        cache = self._cache[fieldname]
        plist = cache.get(term)
        if plist is None:
            df = self._frequencies[fieldname].get(term)
            if df is None:
                return None
            plist = cache[term] = self._read(fieldname, term, df)
        return plist

    def has(self, fieldname: str, term: str) -> bool:
        return term in self._frequencies[fieldname]

    def document_frequencies(self, fieldname: str) -> dict[str, int]:
        """term → number of documents that have it, for one field."""
        return self._frequencies[fieldname]
