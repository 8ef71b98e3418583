"""Spelling help from the index vocabulary: corrections and completions of half-typed words.

Finds vocabulary words within one edit (or one swap of neighbours, "presigend" → "presigned")
of an unknown word, preferring the most frequent. The candidates are generated from the typed
word (every delete, swap, replacement and insertion over the vocabulary's letters) and looked
up, so no neighbourhood index is kept: a notebook's speller costs only its word counts (the
postings' own sorted term list, see ``PostingsTable.term_counts``, and a small hash filter).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence

from index.sorted_terms import SortedTerms, join

_MIN_LENGTH = 4  # shorter words are too ambiguous to correct
_MIN_PREFIX = 3  # a half-typed word needs this many letters to be completed
_MAX_PREFIX_SCAN = 200
_MAX_LETTERS = 64  # letters tried in replacements and insertions: the vocabulary's most common
_RARE = 2  # a known word in at most this many passages may still be a typo...
_COMMON = 10  # ...when a neighbour is at least this many times (and passages) more common


def one_edit(word: str, alphabet: str) -> Iterator[str]:
    """Every string one delete, swap of neighbours, replacement or insertion from ``word``."""
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
            for letter in alphabet:
                if letter != tail[0]:
                    yield head + letter + tail[1:]
        for letter in alphabet:
            yield head + letter + tail


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


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_POSITION = {
    ch: (row, col) for row, keys in enumerate(_KEYBOARD_ROWS) for col, ch in enumerate(keys)
}


def _adjacent_keys(a: str, b: str) -> bool:
    if a not in _KEY_POSITION or b not in _KEY_POSITION:
        return False
    (row_a, col_a), (row_b, col_b) = _KEY_POSITION[a], _KEY_POSITION[b]
    return abs(row_a - row_b) <= 1 and abs(col_a - col_b) <= 1


def plausible_typo(typed: str, word: str) -> bool:
    """Whether one edit turning ``word`` into ``typed`` looks like a slip of the fingers.

    Swaps, extra and missing letters are; a replaced letter only when the keys are neighbours
    ("cloudfromt" for "cloudfront", not "lento" for "dento"). The first letter must stay, unless
    it is swapped with the second.
    """
    if typed[:2] == word[1::-1] and typed[2:] == word[2:]:
        return True
    if not typed or not word or typed[0] != word[0]:
        return False
    if len(typed) != len(word):
        return True
    differences = [(a, b) for a, b in zip(typed, word, strict=True) if a != b]
    if len(differences) == 1:
        return _adjacent_keys(*differences[0])
    return True  # a swap of neighbouring letters


class SpellingCorrector:
    """Suggests the vocabulary word closest to an unknown word."""

    def __init__(self, frequencies: Mapping[str, int]) -> None:
        words = SortedTerms.of(word for word, count in frequencies.items() if count > 0)
        self._init(words, array("I", (frequencies[word] for word in words)))

    @classmethod
    def from_counts(cls, words: Sequence[str], counts: Sequence[int]) -> SpellingCorrector:
        """Over sorted ``words`` and their counts (a count of 0: not a word), both kept as given
        (``words`` packed first unless a ``SortedTerms`` already)."""
        corrector = cls.__new__(cls)
        terms = words if isinstance(words, SortedTerms) else SortedTerms(join(list(words)))
        corrector._init(terms, counts)
        return corrector

    def _init(self, words: SortedTerms, counts: Sequence[int]) -> None:
        self._sorted = words
        self._counts = counts
        letters: Counter[str] = Counter()
        # A correction looks up a thousand candidates, too many for a bisect each within the
        # latency budget: a bit per hash slot (some 16 slots a word) turns almost all of them
        # away first, and only the rest are looked up.
        size = 1 << max(6, (16 * sum(1 for count in counts if count)).bit_length())
        self._mask = size - 1
        filter_bits = bytearray(size >> 3)
        for word, count in zip(words, counts, strict=True):
            if count:
                slot = hash(word) & self._mask
                filter_bits[slot >> 3] |= 1 << (slot & 7)
                if word.isalpha():
                    letters.update(word)
        self._filter = bytes(filter_bits)
        # Bounded: a script with thousands of letters must not make a lookup cost thousands.
        common = sorted(letters.items(), key=lambda item: (-item[1], item[0]))[:_MAX_LETTERS]
        self._alphabet = "".join(sorted(ch for ch, _ in common))

    def frequency(self, word: str) -> int:
        """How many passages have ``word`` (0: not a vocabulary word)."""
        slot = hash(word) & self._mask
        if not self._filter[slot >> 3] >> (slot & 7) & 1:
            return 0
        at = self._sorted.find(word)
        return 0 if at is None else self._counts[at]

    def completions(self, prefix: str, limit: int = 5) -> list[str]:
        """The most common vocabulary words that start with ``prefix`` (for half-typed words)."""
        if len(prefix) < _MIN_PREFIX:
            return []
        found: list[str] = []
        counts: dict[str, int] = {}
        for index, word in self._sorted.prefixed(prefix):
            count = self._counts[index]
            if count and word != prefix:
                found.append(word)
                counts[word] = count
            if len(found) >= _MAX_PREFIX_SCAN:
                break
        found.sort(key=lambda word: (-counts[word], word))
        return found[:limit]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.frequency(word) > 0

    def correct(self, word: str) -> str | None:
        """The best vocabulary word one edit away from an unknown ``word``, or None."""
        if len(word) < _MIN_LENGTH or not word.isalpha() or word in self:
            return None
        return self._best_neighbour(word, min_frequency=1)

    def more_common_spelling(self, word: str) -> str | None:
        """For a rare known word (the notes have typos too: "permision"), a far more common
        word one edit away ("permission"), or None."""
        frequency = self.frequency(word)
        if len(word) < _MIN_LENGTH + 3 or not word.isalpha() or not 0 < frequency <= _RARE:
            return None
        return self._best_neighbour(word, min_frequency=max(_COMMON, frequency * _COMMON))

    def _best_neighbour(self, word: str, min_frequency: int) -> str | None:
        best: tuple[int, str] | None = None
        bits, mask = self._filter, self._mask
        for candidate in set(one_edit(word, self._alphabet)):
            slot = hash(candidate) & mask
            if not bits[slot >> 3] >> (slot & 7) & 1:  # the filter inline: most are not words
                continue
            frequency = self.frequency(candidate)
            if frequency < min_frequency or len(candidate) < _MIN_LENGTH:
                continue
            if not candidate.isalpha() or not plausible_typo(word, candidate):
                continue
            key = (-frequency, candidate)
            if best is None or key < best:
                best = key
        return best[1] if best else None
