"""Text analysis for indexing and querying: accent folding, tokens fit for technical notes, EN+ES
stems.

The same functions turn note text into index tokens (through the Whoosh analyzers below) and user
queries into terms, so both sides always agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import chain

from whoosh.analysis import Token, Tokenizer
from whoosh.formats import Frequency
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.system import pack_uint

# Bump when tokenisation, stemming or the schema changes: the stored index is then rebuilt.
ANALYSIS_VERSION = 6

_STEM_EN = stemmer_for_language("en")
_STEM_ES = stemmer_for_language("es")

# Stop words of English that are terms in technical notes ("scale up", "opt out").
_KEEP = {"up", "down", "out", "off"}
# Question words and fillers that only show up in queries.
_QUERY_FILLERS = {
    "vs",
    "versus",
    "cuanto",
    "cuantos",
    "cuanta",
    "cuantas",
    "cual",
    "cuales",
    "como",
    "que",
    "quien",
    "donde",
    "cuando",
    "explain",
    "explica",
    "tell",
    "dime",
    "describe",
    "mean",
    "means",
    "significa",
    "difference",
    "diferencia",
    "between",
    "entre",
    "use",
    "using",
    "usar",
    "sirve",
}


def strip_accents(text: str) -> str:
    """Accents stripped, case kept: "Producción" → "Produccion" ("ñ" → "n")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case and strip accents: "Réplicas" → "replicas" ("ñ" → "n")."""
    return strip_accents(text).lower()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Accent-folded text (case kept) and, for each of its characters, the index in ``text``."""
    if text.isascii():
        return text, range(len(text))  # type: ignore[return-value]
    # Usually every character folds to one ("é" → "e"): one translate, offsets unchanged
    table: dict[int, str] = {}
    for ch in set(text):
        if not ch.isascii():
            folded = _fold_char(ch)
            if len(folded) != 1:
                return _fold_each(text)
            table[ord(ch)] = folded
    return text.translate(table), range(len(text))  # type: ignore[return-value]


def _fold_each(text: str) -> tuple[str, list[int]]:
    """``_fold_with_offsets`` for text with a character that folds to none or to several."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = ch if ch.isascii() else _fold_char(ch)
        pieces.append(folded)
        origin.extend([index] * len(folded))
    return "".join(pieces), origin


STOP_WORDS: frozenset[str] = (
    frozenset(
        fold(w) for w in (set(stopwords_for_language("en")) | set(stopwords_for_language("es")))
    )
    - _KEEP
)
QUERY_STOP_WORDS: frozenset[str] = STOP_WORDS | frozenset(_QUERY_FILLERS)

# A word, possibly joined to others by ":", "-", "/", "." or "_" ("sts:AssumeRole", "us-east-1").
_COMPOUND = re.compile(r"[^\W_]+(?:[:\-/._'][^\W_]+)*")
_PART_SPLIT = re.compile(r"[:\-/._']")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_NUMBER_UNIT = re.compile(r"^(\d+)([a-z]+)$")
_MAX_TOKEN = 40


def _camel_parts(part: str) -> list[str]:
    """ "AssumeRole" → ["assume", "role"]; "EC2" and "lowercase" stay whole."""
    if part.islower() or part.isupper() or part.isdigit():
        return []
    pieces = _CAMEL.findall(part)
    if len(pieces) < 2 or any(p.isdigit() for p in pieces):
        return []
    return [p.lower() for p in pieces]


def iter_words(text: str) -> Iterator[tuple[int, tuple[str, ...], int, int]]:
    """Yield (position, tokens at that position, start char, end char) for every word of ``text``.

    A compound "sts:AssumeRole" gives its parts "sts", "assumerole" (plus the camel-case pieces
    "assume", "role" and the joined form "stsassumerole" stacked on the first part); "10Gbps"
    gives "10gbps" stacked with "10" and "gbps". Everything is accent-folded and lower-cased.
    """
    folded, origin = _fold_with_offsets(text)
    pos = 0
    for match in _COMPOUND.finditer(folded):
        start = origin[match.start()]
        end = origin[match.end() - 1] + 1
        for tokens in _compound_tokens(match.group(0)):
            yield pos, tokens, start, end
            pos += 1


@lru_cache(maxsize=200_000)
def _compound_tokens(raw: str) -> tuple[tuple[str, ...], ...]:
    """The stacked tokens of each part of one compound word (cached: words repeat a lot)."""
    parts = [p for p in _PART_SPLIT.split(raw) if p]
    joined = "".join(parts).lower()
    result: list[tuple[str, ...]] = []
    for index, part in enumerate(parts):
        lower = part.lower()
        if len(lower) > _MAX_TOKEN:
            continue
        tokens = [lower]
        tokens.extend(_camel_parts(part))
        unit = _NUMBER_UNIT.match(lower)
        if unit:
            tokens.extend(unit.groups())
        if index == 0 and len(parts) > 1 and len(joined) <= _MAX_TOKEN:
            tokens.append(joined)
        result.append(tuple(dict.fromkeys(tokens)))
    return tuple(result)


@lru_cache(maxsize=8)
def _analysed(text: str) -> tuple[tuple[int, tuple[str, ...], int, int], ...]:
    # The same text goes through an exact and a stemmed field in a row: analyse it once.
    return tuple(iter_words(text))


@lru_cache(maxsize=200_000)
def _stemmed_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    if tokens[0] in STOP_WORDS:
        return ()
    emitted: list[str] = []
    for token in tokens:
        emitted.extend(stems(token))
    return tuple(dict.fromkeys(emitted))


def words(text: str) -> list[str]:
    """The main token of every word, in order: "¿Cuántas réplicas?" → ["cuantas", "replicas"];
    from the analysis the index fields made of ``text``, when they have."""
    return [tokens[0] for _, tokens, _, _ in _analysed(text)]


def words_in_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[list[str]]:
    """``words(text[start:end])`` for each ``(start, end)`` of ``spans`` (in order, apart, none
    cutting a word, as paragraphs are), from one analysis of ``text``: the one its index fields
    have just made, when they have."""
    found: list[list[str]] = []
    analysed = _analysed(text)
    at = 0
    for start, end in spans:
        while at < len(analysed) and analysed[at][2] < start:
            at += 1
        first = at
        while at < len(analysed) and analysed[at][2] < end:
            at += 1
        found.append([tokens[0] for _, tokens, _, _ in analysed[first:at]])
    return found


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The English and Spanish stems of a folded word: "hibernar" → ("hibernar", "hibern")."""
    if word.isdigit() or len(word) <= 2:
        return (word,)
    return tuple(dict.fromkeys((_STEM_EN(word), _STEM_ES(word))))


class NotesTokenizer(Tokenizer):
    """Whoosh tokenizer for the notes.

    Exact fields get each word as written (folded); ``stemmed`` fields get the EN+ES stems of the
    word and of its stacked pieces (camel-case parts, joined compound) and lose stop words.
    """

    def __init__(self, stemmed: bool = False) -> None:
        self.stemmed = stemmed

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NotesTokenizer) and other.stemmed == self.stemmed

    def __hash__(self) -> int:
        return hash(("NotesTokenizer", self.stemmed))

    def _texts(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        return _stemmed_tokens(tokens) if self.stemmed else tokens[:1]

    def texts(self, value: str) -> Iterator[str]:
        """The terms of ``value``, as the tokens would carry them (no Token objects)."""
        for _, tokens, _, _ in _analysed(value):
            yield from self._texts(tokens)

    def term_counts(self, value: str) -> Counter[str]:
        """How often each of ``texts(value)`` comes, counted in one pass."""
        analysed = _analysed(value)
        if self.stemmed:
            return Counter(chain.from_iterable(_stemmed_tokens(word[1]) for word in analysed))
        return Counter([word[1][0] for word in analysed])

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        for pos, tokens, start, end in _analysed(value):
            for text in self._texts(tokens):
                token = Token(positions, chars, removestops=removestops, mode=mode)
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = start_pos + pos
                if chars:
                    token.startchar = start_char + start
                    token.endchar = start_char + end
                yield token


class NotesFrequency(Frequency):
    """Whoosh's ``Frequency`` format that counts a ``NotesTokenizer``'s terms directly, with no
    Token object per word; the postings are the same."""

    def word_values(
        self, value: object, analyzer: object, **kwargs: object
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(analyzer, NotesTokenizer) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for text, frequency in analyzer.term_counts(value).items():
            yield text, frequency, frequency * boost, pack_uint(frequency)


def exact_analyzer() -> NotesTokenizer:
    return NotesTokenizer(stemmed=False)


def stemmed_analyzer() -> NotesTokenizer:
    return NotesTokenizer(stemmed=True)
