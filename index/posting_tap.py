"""The postings of a generation as Whoosh's writer receives them, so that the packed search data
(``index.packed``) is made in the same pass as the index, not by reading every posting list back.

Whoosh has no hook for this: its ``SegmentWriter`` hands each posting to its pool (``pool.add``)
and each field length to its per-document writer (``perdocwriter.add_field``), and the tap wraps
those two calls on one writer. Reading the lists back cost a quarter of a build (a matcher per
term, walked in Python). The lists are what a reader would give: lengths go through Whoosh's own
one-byte quantisation (``length_to_byte``), and the weights are the pool's. A writer without
those attributes (another Whoosh) leaves the tap inactive, and the build reads the index back.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import Any

from whoosh.util.numeric import byte_to_length, length_to_byte

from index.postings import FIELDS, PackedField, bm25_packed_lists
from index.sorted_terms import SortedTerms


class PostingTap:
    """Postings and field lengths of ``fields`` captured from one Whoosh writer."""

    def __init__(self, writer: Any, fields: tuple[str, ...] = FIELDS) -> None:
        self._fields = frozenset(fields)
        self._writer = writer
        # field → term → (document numbers, term frequencies); documents arrive in order
        self._lists: dict[str, dict[str, tuple[array, array]]] = {name: {} for name in fields}
        self._lengths: dict[str, dict[int, int]] = {name: {} for name in fields}
        pool = getattr(writer, "pool", None)
        per_doc = getattr(writer, "perdocwriter", None)
        self.active = callable(getattr(pool, "add", None)) and callable(
            getattr(per_doc, "add_field", None)
        )
        if self.active:
            pool.add = self._posting(pool.add)  # type: ignore[union-attr]
            per_doc.add_field = self._length(per_doc.add_field)  # type: ignore[union-attr]

    def _posting(self, add: Callable[[tuple], None]) -> Callable[[tuple], None]:
        lists, fields = self._lists, self._fields

        def tapped(item: tuple) -> None:
            add(item)
            fieldname, tbytes, docnum, weight, _ = item
            if fieldname in fields:
                term = tbytes.decode("utf-8")
                found = lists[fieldname].get(term)
                if found is None:
                    found = lists[fieldname][term] = (array("I"), array("f"))
                found[0].append(docnum)
                found[1].append(weight)

        return tapped

    def _length(self, add_field: Callable[..., None]) -> Callable[..., None]:
        lengths, writer = self._lengths, self._writer

        def tapped(fieldname: str, fieldobj: object, value: object, length: int) -> None:
            add_field(fieldname, fieldobj, value, length)
            if length and fieldname in lengths:
                lengths[fieldname][writer.docnum] = byte_to_length(length_to_byte(length))

        return tapped

    def packed_lists(self, doc_count: int) -> tuple[SortedTerms, dict[str, PackedField]]:
        """The shared sorted term list and each field's packed BM25 lists, as
        ``PostingsTable.packed_lists`` gives them for the committed index."""
        lengths = {
            name: [by_doc.get(d, 0) for d in range(doc_count)]
            for name, by_doc in self._lengths.items()
        }
        found = bm25_packed_lists(doc_count, lengths, self._lists)
        self._lists = {name: {} for name in self._lists}
        return found
