"""Text helpers for the quiz generator: normalisation, line cleaning, trimming."""

from __future__ import annotations

import re
from functools import lru_cache

from index.analysis import strip_accents

_BULLET = re.compile(r"^\s*(?:[-*•·.>]+|\d{1,2}[.)](?=\s)|[a-z][.)](?=\s))\s*")
_BOLD = re.compile(r"\*\*|__|<\/?[a-zA-Z][^>]*>")
_SPACES = re.compile(r"\s+")
_STRAY_STAR = re.compile(r"(?<![\w*])\*(?=[^\W\d_])")

# Lines that are about the course, the shell or the network, not about the subject.
_META = re.compile(
    r"\(\d{1,2}:\d{2}\)|\[(?:advanced)?demo\]|section quiz|https?://|www\.|\bssh\s+-|"
    r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b|\b[\w-]+\.(?:pem|txt|html?|json|ya?ml|py|sh|zip|conf|pdf|pptx?|docx?|xlsx?|csv|ipynb)\b|"
    r"\bchmod\b|\bsudo\b|\$\s|\bs3://|@[\w-]+\.|\bputty\b|\b[A-Z0-9]+_[A-Z0-9_]+\b|\w=\w|"
    r"\?\?",  # a question to oneself: "??? difference between Endpoints and …"
    re.IGNORECASE,
)
_INLINE_FORMULA = re.compile(r"\$(?=[^\s$])[^$\n]+?(?<=[^\s$])\$(?!\d)")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Casefolded, accent-free, punctuation-as-space, single-spaced form used for comparisons."""
    text = strip_accents(text).casefold()
    text = re.sub(r"[^\w%]+|_", " ", text)
    return _SPACES.sub(" ", text).strip()


def stem(word: str) -> str:
    """A crude singular, enough to treat 'instances'/'instance', 'políticas'/'política' alike."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def stem_words(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in normalise(text).split())


def contains_phrase(haystack: str, needle: str) -> bool:
    """True when ``needle`` is in ``haystack`` as whole words, ignoring case, accents, plurals."""
    words = stem_words(needle)
    if not words:
        return False
    hay = stem_words(haystack)
    size = len(words)
    return any(hay[i : i + size] == words for i in range(len(hay) - size + 1))


_WIKILINK = re.compile(r"(?<!!)\[\[(?:[^\]|]*\|)?([^\]|]+)\]\]")
_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"
)


def _link_text(match: re.Match[str]) -> str:
    return match.group(1).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


_ASIDE_MARKER = r"(?:ojo|nb|n\.b\.|nota|note|importante|important|atenci[oó]n|cuidado|warning)"
# "ver seminar 7", "see lecture 3", "véase tema 2": where the course says more, not a fact.
_XREF = (
    r"(?:ver|v[eé]ase|see|cf\.?|look\s+at|check|rewatch|revisar|repasar|mirar)\s+"
    r"(?:(?:el|la|los|las|the|also|tambi[eé]n)\s+)?"
    r"(?:seminar|seminario|clase|class|lecture|lecci[oó]n|tema|unit|unidad|cap[ií]tulo|cap\.|"
    r"chapter|ch\.|slides?|diapositivas?|page|p[aá]gina|pp?\.|week|semana|tutorial|"
    r"sesi[oó]n|session|pr[aá]ctica|practical|handout|ejercicio|exercise|video|v[ií]deo)s?"
    r"\s*\.?\s*\d+[a-z]?(?:\s+(?:again|otra\s+vez|de\s+nuevo))?"
)
_ASIDES = (
    (re.compile(rf"^\(\s*{_ASIDE_MARKER}\s*[:!-]\s*(.+)\)\.?$", re.IGNORECASE), r"\1"),
    (re.compile(rf"^{_ASIDE_MARKER}\s*[:!]\s*(?=\S)", re.IGNORECASE), ""),
    (re.compile(rf"\s*\(\s*{_ASIDE_MARKER}\s*[:!-][^()]*\)", re.IGNORECASE), ""),
    (re.compile(rf"\s*\(\s*{_XREF}\s*\)", re.IGNORECASE), ""),
    (re.compile(rf"\s*[,;]\s*{_XREF}(?=\s*\))", re.IGNORECASE), ""),
    (re.compile(rf"(?<=\()\s*{_XREF}\s*[,;]\s*", re.IGNORECASE), ""),
    (re.compile(rf"\s*(?:[-–—,;]\s*)?(?<!\w){_XREF}\.?", re.IGNORECASE), ""),
)


_ANY_ASIDE = re.compile(rf"{_ASIDE_MARKER}\s*[:!-]|{_XREF}", re.IGNORECASE)


def strip_asides(text: str) -> str:
    """``text`` without a student's asides: an "(OJO: …)" wrapper is unwrapped, a mid-line one
    dropped, and pointers to the course ("ver seminar 7", "(see lecture 3)") removed."""
    if not _ANY_ASIDE.search(text):
        return text  # most lines: one search instead of every pattern
    for pattern, replacement in _ASIDES:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


def clean_line(raw: str) -> str:
    """The line without bullets, markdown emphasis, wikilinks (their text kept), HTML leftovers
    or runs of spaces."""
    text = _WIKILINK.sub(_link_text, raw)
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = _BOLD.sub("", text)
    text = _STRAY_STAR.sub("", text)  # "Rafael: *La escuela de Atenas": a student's marker
    text = text.replace("\u00a0", " ")
    previous = None
    while previous != text:
        previous = text
        text = _BULLET.sub("", text, count=1)
    return strip_asides(_SPACES.sub(" ", text).strip())


_CELL_START = re.compile(r"^[^:·]{1,30}:\s")


def table_row_line(text: str) -> bool:
    """A line the Markdown parser wrote from a table row: cells joined by ' · ', some headed
    'Header: '. Read as one sentence it is garbled ('Old test · Liquidated damages clause: …')."""
    if " · " not in text:
        return False
    return any(_CELL_START.match(segment.strip()) for segment in text.split(" · "))


def is_meta_line(text: str) -> bool:
    """Course meta, URLs, IPs, shell commands and file names: never quiz material."""
    stripped = text.lstrip()
    if stripped.startswith("#") or not stripped:
        return True
    if re.fullmatch(r"[\W_]+\d*", stripped):
        return True
    # An inline formula is no shell prompt: the "$ " that closes "$m$ filas" is not "$ ls".
    return bool(_META.search(_INLINE_FORMULA.sub("x", text)))


def word_list(text: str) -> list[str]:
    return text.split()


def trim_words(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, ending in '…' when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—/(") + "…"


def window_around(text: str, start: int, end: int, limit: int) -> str:
    """A slice of ``text`` of at most ``limit`` chars keeping [start, end), cut between words."""
    if len(text) <= limit:
        return text
    keep = end - start
    spare = max(limit - keep - 2, 0)
    left = max(start - spare // 2, 0)
    right = min(end + (spare - (start - left)), len(text))
    left = max(0, min(left, right - (limit - 2)))
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    piece = text[left:right].strip()
    return ("…" if left > 0 else "") + piece + ("…" if right < len(text) else "")
