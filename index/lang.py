"""Tell English from Spanish in a passage of notes with stop-word and accent heuristics.

No model: the notes mix both languages and AWS jargon (which is English either way), so the
decision rests on function words, which the jargon does not contain.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

Lang = Literal["en", "es"]

# Function words that are frequent in one language and rare (or absent) in the other.
# Words common to both ("a", "no", "me") are left out; the jargon is English in either language.
_SPANISH_WORDS_TEXT = """
de del la las el los un una unos unas y o que se es son en por para con sin sobre entre como
cuando donde pero más mas muy también tambien solo sólo esta este estos estas está están
estan hay tiene tienen puede pueden ser su sus al lo le les nos nuestro nuestra otro otra
otros otras cada todo todos todas ya hasta desde porque si sí mismo misma cual cuales qué
cómo hace hacer va van mejor menos ejemplo usar usa uso datos aplicación aplicaciones
"""
_SPANISH_WORDS = frozenset(_SPANISH_WORDS_TEXT.split())
_ENGLISH_WORDS_TEXT = """
the of and to in is are was were be been being it its this that these those with for on at
by from or as an can could will would should which who what when where how not but have has
had do does did you your we our they their them he she his her i my there than then into
over under also only such each any all more most used use using need needs if so
"""
_ENGLISH_WORDS = frozenset(_ENGLISH_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+")
_ACCENTS = frozenset("ñáéíóú")
_MAX_CHARS = 20_000  # enough evidence; keeps the cost bounded on huge passages


def lang_scores(text: str) -> tuple[float, float]:
    """(English, Spanish) evidence in a passage: function words, plus accents and "¿"/"¡"."""
    sample = text[:_MAX_CHARS].lower()
    counts = Counter(_WORD.findall(sample))
    english = float(sum(n for word, n in counts.items() if word in _ENGLISH_WORDS))
    spanish = float(sum(n for word, n in counts.items() if word in _SPANISH_WORDS))
    # "configuración", "año": accented words are Spanish evidence too; "¿"/"¡" strong evidence.
    spanish += 0.5 * sum(n for word, n in counts.items() if not _ACCENTS.isdisjoint(word))
    spanish += 2.0 * (sample.count("¿") + sample.count("¡"))
    return float(english), float(spanish)


def detect_lang_or(text: str, default: Lang) -> Lang:
    """The passage's language, or ``default`` when the evidence is even (a short line of jargon).

    Lets a single note line fall back to the language of the chunk it belongs to.
    """
    english, spanish = lang_scores(text)
    if spanish > english:
        return "es"
    if english > spanish:
        return "en"
    return default


_ENGLISH_ENDINGS = re.compile(r"(?:ility|ilities|tion|tions|ness|ment|ments|ing|ity)$")
_SPANISH_ENDINGS = re.compile(r"(?:idad|idades|ción|ciones|sión|siones|mente|miento|mientos)$")


def word_ending_lang(text: str) -> Lang | None:
    """The language a line of bare jargon leans to by its words' endings, when it has no
    function words at all: "Reliability: … durability / … availability" reads as English,
    "Escalabilidad y replicación" as Spanish; None when the endings do not tell."""
    words = _WORD.findall(text.lower())
    english = sum(bool(_ENGLISH_ENDINGS.search(word)) for word in words)
    spanish = sum(bool(_SPANISH_ENDINGS.search(word)) for word in words)
    if english >= 2 and spanish == 0:
        return "en"
    if spanish >= 2 and english == 0:
        return "es"
    return None


def detect_lang(text: str) -> Lang:
    """``"es"`` when the passage reads as Spanish, else ``"en"`` (also for empty or odd input)."""
    return detect_lang_or(text, "en")


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def paragraph_spans(text: str, default: Lang) -> list[tuple[Lang, int, int]]:
    """Each paragraph of a passage, as its ``(start, end)`` in ``text``, with its own language:
    notes switch language from one paragraph to the next (an English quote in Spanish notes).
    Paragraphs are the pieces between blank lines that are not blank themselves; one without
    evidence either way takes ``default`` (the passage's language)."""
    found: list[tuple[Lang, int, int]] = []
    breaks = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text)]
    start = 0
    for end, after in [*breaks, (len(text), len(text))]:
        paragraph = text[start:end]
        if paragraph.strip():
            found.append((detect_lang_or(paragraph, default), start, end))
        start = after
    return found


def function_word(word: str) -> bool:
    """'the', 'de', 'para': a word of the language itself, not of the subject."""
    folded = word.casefold()
    return folded in _ENGLISH_WORDS or folded in _SPANISH_WORDS
