"""A sorted list of strings kept as one UTF-8 blob and an array of offsets, looked up by bisect.

An opened notebook's term list (every field's terms, which the postings and the speller share)
and its cognate roots are thousands of short strings: as Python ``str`` objects each costs some
50 bytes more than its text, which made the list the biggest part of an opened notebook. Here a
term costs its UTF-8 bytes and a 4-byte offset. UTF-8 bytes sort in code-point order, the order
of ``sorted()`` on ``str``, so the blob is bisected on bytes without decoding.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import overload

SEPARATOR = b"\0"
_SAMPLE = 32  # every this many terms, one kept as a ``bytes`` object, bisected in C first


class _Keys:
    """The terms as ``bytes``, for ``bisect`` (which only needs ``__getitem__`` and ``__len__``)."""

    __slots__ = ("_blob", "_ends")

    def __init__(self, blob: bytes, ends: array) -> None:
        self._blob, self._ends = blob, ends

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> bytes:
        ends = self._ends
        start = ends[index - 1] + 1 if index else 0
        return self._blob[start : ends[index]]


class SortedTerms(Sequence[str]):
    """Sorted distinct strings (no NUL in them), by position, with ``find`` and ``prefixed``."""

    __slots__ = ("_blob", "_ends", "_keys", "_sample")

    def __init__(self, blob: bytes) -> None:
        """Over ``blob``: the terms' UTF-8, sorted, joined by NUL (as ``join`` makes it)."""
        self._blob = bytes(blob)
        pieces = self._blob.split(SEPARATOR) if self._blob else []
        # End of each term in the blob; term i starts one past the end of term i - 1.
        ends = array("I", (end - 1 for end in accumulate(len(piece) + 1 for piece in pieces)))
        self._ends = ends
        self._keys = _Keys(self._blob, ends)
        # A bisect over ``_Keys`` calls Python code at each step: the sample narrows it to
        # ``_SAMPLE`` terms first (a query looks up dozens of terms, a correction more).
        self._sample = [self._keys[i] for i in range(0, len(ends), _SAMPLE)]

    @classmethod
    def of(cls, terms: Iterable[str]) -> SortedTerms:
        return cls(join(sorted(set(terms))))

    @property
    def blob(self) -> bytes:
        return self._blob

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._keys[index].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        # One term at a time: a list of them all, freed right after, is what this class avoids
        # (the heap would keep holding its size).
        keys = self._keys
        for index in range(len(self._ends)):
            yield keys[index].decode("utf-8")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SortedTerms):
            return self._blob == other._blob
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def find(self, term: str) -> int | None:
        """The position of ``term``, or None."""
        key = term.encode("utf-8", "surrogatepass")
        at = self._bisect(key)
        if at < len(self._ends) and self._keys[at] == key:
            return at
        return None

    def _bisect(self, key: bytes) -> int:
        """Where ``key`` is or would be (``bisect_left`` over the terms' bytes)."""
        block = bisect.bisect_right(self._sample, key) - 1
        if block < 0:
            return 0
        low = block * _SAMPLE
        high = min(low + _SAMPLE, len(self._ends))
        return bisect.bisect_left(self._keys, key, low, high)

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.find(term) is not None

    def prefixed(self, prefix: str) -> Iterator[tuple[int, str]]:
        """(position, term) of the terms that start with ``prefix``, in order."""
        key = prefix.encode("utf-8", "surrogatepass")
        at = self._bisect(key)
        while at < len(self._ends):
            found = self._keys[at]
            if not found.startswith(key):
                return
            yield at, found.decode("utf-8")
            at += 1


def join(terms: Sequence[str]) -> bytes:
    """``terms`` (sorted, distinct) as the blob ``SortedTerms`` reads."""
    if any("\0" in term for term in terms):
        raise ValueError("a term holds a NUL character")
    return "\0".join(terms).encode("utf-8")
