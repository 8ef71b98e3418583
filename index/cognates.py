"""English ⇄ Spanish cognates mined from the notes themselves, for cross-language queries.

Most technical words are cognates ("probabilidad"/"probability", "generador congruencial
lineal"/"linear congruential generator"). Each word is reduced to a spelling-neutral root
(suffix pairs such as -idad/-ity, -ción/-tion, -ador/-ator dropped; ph→f, th→t, ct→x, doubled
letters single), and words of the notes sharing a root but used mostly in passages of the other
language are offered as that word's translations. Hand-written because no offline package
pairs the two languages' vocabularies; nothing here is subject-specific.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from index.sorted_terms import SortedTerms

MIN_WORD = 5  # shorter words are too often false friends ("once", "red", "sin")
MIN_ROOT = 4
MAX_PER_WORD = 3

# Longest first: the first suffix that leaves a long enough root is dropped.
_SUFFIXES = tuple(
    sorted(
        {
            "aciones",
            "ations",
            "idades",
            "ities",
            "acion",
            "ation",
            "iones",
            "ions",
            "mente",
            "ically",
            "ical",
            "encia",
            "ence",
            "ency",
            "ancia",
            "ance",
            "ancy",
            "idad",
            "ity",
            "ismo",
            "ism",
            "ista",
            "ist",
            "ivos",
            "ivas",
            "ivo",
            "iva",
            "ive",
            "adores",
            "ador",
            "adora",
            "ators",
            "ator",
            "ores",
            "ors",
            "or",
            "ers",
            "er",
            "ura",
            "ure",
            "osos",
            "oso",
            "osa",
            "ous",
            "icos",
            "icas",
            "ico",
            "ica",
            "ics",
            "ic",
            "ales",
            "al",
            "ados",
            "adas",
            "ado",
            "ada",
            "ed",
            "ing",
            "ar",
            "ir",
            "ion",
            "es",
            "os",
            "as",
            "s",
            "o",
            "a",
            "e",
            "y",
            "ia",
            "io",
        },  # fmt: skip
        key=len,
        reverse=True,
    )
)
_SPELLINGS = (("ph", "f"), ("th", "t"), ("ch", "c"), ("qu", "c"), ("k", "c"), ("y", "i"),
              ("ct", "x"), ("ti", "ci"), ("z", "c"), ("j", "x"))  # fmt: skip


def cognate_root(word: str) -> str | None:
    """The spelling-neutral root of a folded word, or None for short or non-alphabetic words."""
    if len(word) < MIN_WORD or not word.isalpha() or not word.isascii():
        return None
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_ROOT:
            word = word[: -len(suffix)]
            break
    for written, spoken in _SPELLINGS:
        word = word.replace(written, spoken)
    single = [ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1]]
    root = "".join(single)
    return root if len(root) >= MIN_ROOT else None


def mine_cognates(words_by_lang: dict[str, Counter[str]]) -> dict[str, list[str]]:
    """root → the notes' words with that root, each tagged by the language it mostly appears
    in: ``{"probabil": ["en:probability", "es:probabilidad"]}``. Roots of one language count
    too: a query word missing from the notes may still find its cognate there."""
    english, spanish = words_by_lang.get("en", Counter()), words_by_lang.get("es", Counter())
    by_root: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for word in set(english) | set(spanish):
        root = cognate_root(word)
        if root is None:
            continue
        lang = "en" if english[word] >= spanish[word] else "es"
        by_root[root][lang].append((english[word] + spanish[word], word))
    table: dict[str, list[str]] = {}
    for root, langs in by_root.items():
        tagged: list[str] = []
        for lang, found in sorted(langs.items()):
            found.sort(key=lambda item: (-item[0], item[1]))
            tagged.extend(f"{lang}:{word}" for _, word in found[:MAX_PER_WORD])
        table[root] = tagged
    return table


class PackedCognates:
    """A mined table as an opened notebook keeps it: one sorted blob (``index.sorted_terms``)
    of records (a root, a separator, its entries joined by newlines), instead of a dict of
    thousands of small strings."""

    def __init__(self, table: Mapping[str, list[str]]) -> None:
        self._records = SortedTerms.of(
            root + _ROOT_END + "\n".join(tagged) for root, tagged in table.items()
        )

    @classmethod
    def from_blob(cls, blob: bytes) -> PackedCognates:
        """The table whose ``blob`` was written before."""
        table = cls({})
        table._records = SortedTerms(blob)
        return table

    @property
    def blob(self) -> bytes:
        return self._records.blob

    def get(self, root: str) -> str | None:
        """The root's entries, one per line, or None."""
        for _, record in self._records.prefixed(root + _ROOT_END):
            return record[len(root) + 1 :]
        return None

    def __len__(self) -> int:
        return len(self._records)


_ROOT_END = "\x01"  # sorts below every letter, so records sort as their roots do


def cognates_of(word: str, table: Mapping[str, list[str]] | PackedCognates) -> list[str]:
    """Words of the other language that share ``word``'s root (all of them when the word is not
    in the notes), never ``word`` itself; ``table`` as mined, or packed (``PackedCognates``)."""
    root = cognate_root(word)
    if root is None:
        return []
    entry = table.get(root) or []
    bucket = entry.split("\n") if isinstance(entry, str) else entry
    own_lang = next((t[:2] for t in bucket if t[3:] == word), None)
    found = []
    for tagged in bucket:
        lang, _, other = tagged.partition(":")
        if other != word and (own_lang is None or lang != own_lang):
            found.append(other)
    return found[: MAX_PER_WORD * 2]


def count_words(texts_by_lang: Iterable[tuple[str, list[str]]]) -> dict[str, Counter[str]]:
    """Word counts per language from ``(lang, words)`` pairs."""
    counts: dict[str, Counter[str]] = {"en": Counter(), "es": Counter()}
    for lang, words in texts_by_lang:
        counts.setdefault(lang, Counter()).update(words)
    return counts
