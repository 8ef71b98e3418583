"""Spelling correction from the index vocabulary: one-delete neighbourhoods (SymSpell style).

Finds vocabulary words within one edit (or one swap of neighbours, "presigend" → "presigned")
of an unknown word, preferring the closest and then the most frequent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

_MIN_LENGTH = 4  # shorter words are too ambiguous to correct


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus swaps of neighbours)."""
    if a == b:
        return 0
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(row[j - 1] + 1, rows[i - 1][j] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


class SpellingCorrector:
    """Suggests the vocabulary word closest to an unknown word."""

    def __init__(self, frequencies: Mapping[str, int]) -> None:
        self.frequencies = dict(frequencies)
        self._by_delete: dict[str, list[str]] = defaultdict(list)
        for word in self.frequencies:
            if len(word) < _MIN_LENGTH or not word.isalpha():
                continue
            self._by_delete[word].append(word)
            for variant in _deletes(word):
                self._by_delete[variant].append(word)

    def __contains__(self, word: str) -> bool:
        return word in self.frequencies

    def correct(self, word: str) -> str | None:
        """The best vocabulary word one edit away from ``word``, or None."""
        if len(word) < _MIN_LENGTH or not word.isalpha() or word in self.frequencies:
            return None
        candidates: set[str] = set(self._by_delete.get(word, ()))
        for variant in _deletes(word):
            candidates.update(self._by_delete.get(variant, ()))
            if variant in self.frequencies and len(variant) >= _MIN_LENGTH:
                candidates.add(variant)
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            distance = edit_distance(word, candidate)
            if distance > 1:
                continue
            key = (distance, -self.frequencies.get(candidate, 0), candidate)
            if best is None or key < best:
                best = key
        return best[2] if best else None
