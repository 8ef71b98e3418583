"""Line-level cleaning and the shared data of the note parsers: HTML leftovers, bold, odd bytes.

Everything here is linear in the input and total: any string in, a clean string out.
Cleaned text is plain text (never HTML-escaped: escaping happens where HTML is rendered).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

MAX_INDENT = 16  # deeper indentation is flattened to this many spaces
TAB_WIDTH = 4

# C0/C1 control characters (tab handled separately) and Unicode line/paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_BOLD = re.compile(r"\*{2,}")
# HTML leftovers: <p>, </p>, <br>, <br/>, <div ...>, ... Every repeat is bounded: no backtracking
# blow-up on hostile lines (a run of spaces after "<p", a megabyte without ">").
_TAG = re.compile(
    r"<\s{0,3}/?\s{0,3}(?:p|br|div|span|b|i|u|em|strong|li|ul|ol|hr)\b[^<>\n]{0,200}?/?\s{0,3}>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(nbsp|amp|lt|gt|quot|apos|#39|#160);", re.IGNORECASE)
_ENTITY_TEXT = {
    "nbsp": " ",
    "amp": "&",
    "lt": "‹",  # not "<": a decoded "&lt;p&gt;" must not turn into a tag
    "gt": "›",
    "quot": '"',
    "apos": "'",
    "#39": "'",
    "#160": " ",
}
_BULLET = re.compile(r"(?:[-*+•·▪◦‣]|\.(?=\s)|\d{1,3}[.)]|[a-zA-Z][)])(?:\s+|$)")
_SEPARATOR_CHARS = frozenset("-=*#_~.+•")
_SEPARATOR = re.compile(r"[-=*#_~.+•]{3,}\d{0,3}")
_DURATION = re.compile(r"\s*\(\s*\d{1,3}:\d{2}(?::\d{2})?\s*\)\s*$")
_SENTENCE_CUT = re.compile(r"[.!?…;:][\"')\]]{0,3}\s*$")


class Line(NamedTuple):
    """One cleaned line of a note file: its 1-based number, indentation and clean text.

    (A tuple: note files can have millions of lines, and this is the per-line object.)
    """

    number: int
    indent: int
    text: str  # clean, without the indentation; "" for a blank line
    is_bullet: bool  # starts with a list marker: "-", "*", "•", "1.", "a)"
    last: int = 0  # a block kept whole (code, display math) ends on this line; else 0

    @property
    def blank(self) -> bool:
        return not self.text

    def render(self) -> str:
        return " " * min(self.indent, MAX_INDENT) + self.text


@dataclass(frozen=True, slots=True)
class Section:
    """A titled stretch of a note file (a lecture, a topic) before it is cut into chunks."""

    path: tuple[str, ...]  # heading path, outermost first
    title: str  # innermost heading or topic line
    lines: tuple[Line, ...]  # content, blank lines included, never blank at either end
    group: int | None = None  # tiny sections of one group (an outline block) may be merged
    lead: bool = False  # the block's first section: its title names the block, so it wins merges
    heading_line: int = (
        0  # the line of its Markdown heading (0: none), where its first chunk starts
    )


def trim_blank(lines: Sequence[Line]) -> list[Line]:
    """``lines`` without the blank lines at either end."""
    start, end = 0, len(lines)
    while start < end and lines[start].blank:
        start += 1
    while end > start and lines[end - 1].blank:
        end -= 1
    return list(lines[start:end])


def split_lines(text: str) -> list[str]:
    """Split into lines the way editors number them (CRLF, CR and LF are all one break)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def clean_inline(raw: str) -> str:
    """Clean one line's content: no controls, no HTML leftovers, no bold markers, tidy spaces."""
    printable = raw.isprintable()  # no controls, no odd spaces: the common case, checked in C
    text = raw if printable else _CONTROL.sub(" ", raw)
    if "&" in text:
        text = _ENTITY.sub(lambda m: _ENTITY_TEXT[m.group(1).lower()], text)
    if "**" in text:
        text = _BOLD.sub("", text)
    if "<" in text:
        # Tags become a space: a space cannot glue leftovers into a new "**" or "<p>".
        text = _TAG.sub(" ", text)
    if printable and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def clean_line(number: int, raw: str) -> Line:
    """A raw line as a ``Line``: indentation measured (tabs count 4), content cleaned."""
    stripped = raw.lstrip(" \t\u00a0")
    indent = len(raw) - len(stripped)
    if indent and "\t" in raw[:indent]:
        indent += raw[:indent].count("\t") * (TAB_WIDTH - 1)
    text = clean_inline(stripped)
    return Line(number, indent, text, _BULLET.match(text) is not None)


def blank_line(number: int) -> Line:
    """An empty line (a paragraph break) at ``number``."""
    return Line(number, 0, "", False)


def is_separator(raw: str) -> bool:
    """A separator line such as ``-----``, ``#####33``, ``*****``, ``=====`` or ``........``."""
    stripped = raw.strip()
    if not stripped or stripped[0] not in _SEPARATOR_CHARS or len(stripped) > 400:
        return False
    return _SEPARATOR.fullmatch(stripped) is not None


def strip_bullet(text: str) -> str:
    """Text without a leading list marker (``-``, ``*``, ``1.``, ``a)``, ``•``)."""
    match = _BULLET.match(text)
    return text[match.end() :] if match else text


def clean_title(raw: str, max_chars: int = 100) -> str:
    """A heading or topic line as a title: no markers, no trailing ``:``/``.``, no ``(12:23)``."""
    text = strip_bullet(clean_inline(raw))
    text = _DURATION.sub("", text)
    text = text.strip(" :;,.-–—")
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars].rstrip(" :;,.-") + "…"
    return text


def short_title(text: str, max_words: int = 8) -> str:
    """A title for a block whose first line is a sentence: its lead phrase, or its first words."""
    title = clean_title(text, max_chars=200)
    if len(title) <= 60:
        return title
    for marker in (" - ", ": ", ". "):
        head = title.split(marker, 1)[0].strip()
        if 3 <= len(head) <= 60:
            return head
    words = title.split()
    return clean_title(" ".join(words[:max_words]), max_chars=60) + "…"


def ends_sentence(text: str) -> bool:
    """Whether a piece of text ends at a sentence boundary (punctuation at its end)."""
    return _SENTENCE_CUT.search(text[-20:]) is not None
