"""Turn the text of one note file into titled sections, choosing the parser from the content.

Two styles: Markdown (parsed by markdown-it-py) and plain-text outlines (separator lines, topic
lines, indented bullets). A ``.md`` file is Markdown unless it reads like an outline (separator
lines and no Markdown headings); other files are Markdown when ``#`` headings structure them at
least as much as separator lines do.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Literal

from index.parse_markdown import NoteMeta, parse_markdown, too_deep
from index.parse_outline import parse_outline
from index.parse_text import Section, is_separator, split_lines

log = logging.getLogger(__name__)

# C0 control characters but the tab (line breaks are gone once the text is split into lines):
# they become a space before any parser sees them, code blocks and fence info strings included.
_C0 = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

Style = Literal["markdown", "outline"]

_MARKDOWN_HEADING = re.compile(r" {0,3}#{1,6}[ \t]+\S")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_MARKDOWN_SIGNS = re.compile(r"\[\[|\]\(|^ {0,3}(?:```|~~~|\|.*\||> )|^---\s*$")


def detect_style(raw_lines: Sequence[str], suffix: str = "") -> Style:
    """``"markdown"`` or ``"outline"`` for a note's lines; ``suffix`` is its file's (``.md``)."""
    if suffix == ".md" and raw_lines and raw_lines[0].rstrip() == "---":
        return "markdown"  # YAML front matter
    headings = 0
    separators = 0
    signs = 0
    previous = ""
    for raw in raw_lines:
        if _MARKDOWN_HEADING.match(raw):
            headings += 1
        elif suffix == ".md" and _SETEXT_UNDERLINE.match(raw) and _is_setext_text(previous):
            headings += 1  # "Title" over "-----": a heading, not an outline's separator
        elif is_separator(raw):
            separators += 1
        elif suffix == ".md" and signs < 3 and _MARKDOWN_SIGNS.search(raw[:200]):
            signs += 1
        previous = raw
    if headings >= 1 and headings >= separators:
        return "markdown"
    if suffix == ".md" and (signs or separators < 2):
        return "markdown"
    return "outline"


def _is_setext_text(line: str) -> bool:
    """Whether ``line`` can be the text of a setext heading: text, not blank, a list item or
    another rule."""
    stripped = line.strip()
    return bool(stripped) and not is_separator(line) and stripped[0] not in "-*+>|#"


def parse_note(text: str, suffix: str = "") -> tuple[Style, list[Section]]:
    """The style of a note and its sections, in file order."""
    style, sections, _meta = parse_note_with_meta(text, suffix)
    return style, sections


def parse_note_with_meta(text: str, suffix: str = "") -> tuple[Style, list[Section], NoteMeta]:
    """The style, the sections and the metadata (title, aliases, tags) of a note."""
    raw_lines = [line if line.isprintable() else _C0.sub(" ", line) for line in split_lines(text)]
    style = detect_style(raw_lines, suffix.lower())
    meta = NoteMeta()
    if style == "markdown" and too_deep(raw_lines):
        log.warning("lists or quotes nest too deep for Markdown: the note is read as an outline")
        style = "outline"
    if style == "markdown":
        return style, parse_markdown(raw_lines, meta), meta
    return style, parse_outline(raw_lines), meta
