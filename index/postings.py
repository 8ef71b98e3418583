"""An in-memory copy of a Whoosh index's postings with BM25 weights computed once, for fast scoring.

The index is small (a few hundred passages), so every posting of every field is read from the
Whoosh reader when a generation is opened; a query then only adds up precomputed weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from whoosh.reading import IndexReader

# Term-frequency saturation and length normalisation per field: a heading either names the word
# or not (a repeat adds little), and headings are short and alike, so they get little length norm.
K1_BY_FIELD = {"head": 0.3, "head_stem": 0.3, "body": 1.2, "body_stem": 1.2}
B_BY_FIELD = {"head": 0.3, "head_stem": 0.3, "body": 0.75, "body_stem": 0.75}


@dataclass(frozen=True, slots=True)
class PostingList:
    docnums: tuple[int, ...]
    weights: tuple[float, ...]  # BM25 weight of the term in each document (idf × saturated tf)


class PostingsTable:
    """field → term → PostingList, plus document frequencies for the spelling corrector."""

    def __init__(self, reader: IndexReader, fields: tuple[str, ...]) -> None:
        self.doc_count = reader.doc_count_all()
        self.fields: dict[str, dict[str, PostingList]] = {}
        for fieldname in fields:
            self.fields[fieldname] = self._load_field(reader, fieldname)

    def _load_field(self, reader: IndexReader, fieldname: str) -> dict[str, PostingList]:
        n = max(1, self.doc_count)
        lengths = [reader.doc_field_length(d, fieldname) or 0 for d in range(self.doc_count)]
        average = (sum(lengths) / n) or 1.0
        b = B_BY_FIELD.get(fieldname, 0.75)
        k1 = K1_BY_FIELD.get(fieldname, 1.2)
        norms = [k1 * ((1 - b) + b * length / average) for length in lengths]
        table: dict[str, PostingList] = {}
        for raw, info in reader.iter_field(fieldname):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            df = info.doc_frequency()
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            matcher = reader.postings(fieldname, term)
            docnums: list[int] = []
            weights: list[float] = []
            while matcher.is_active():
                docnum = matcher.id()
                tf = matcher.weight()
                docnums.append(docnum)
                weights.append(idf * tf * (k1 + 1) / (tf + norms[docnum]))
                matcher.next()
            table[term] = PostingList(tuple(docnums), tuple(weights))
        return table

    def get(self, fieldname: str, term: str) -> PostingList | None:
        return self.fields[fieldname].get(term)

    def has(self, fieldname: str, term: str) -> bool:
        return term in self.fields[fieldname]

    def document_frequency(self, fieldname: str, term: str) -> int:
        postings = self.fields[fieldname].get(term)
        return len(postings.docnums) if postings else 0

    def terms(self, fieldname: str) -> set[str]:
        return set(self.fields[fieldname])
