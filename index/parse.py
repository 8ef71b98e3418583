"""Turn the text of one note file into titled sections, choosing the parser from the content.

Two styles are recognised whatever the file is called: Markdown-like (``#``/``##`` headings)
and plain-text outlines (separator lines, topic lines, indented bullets).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from index.parse_markdown import parse_markdown
from index.parse_outline import parse_outline
from index.parse_text import Section, is_separator, split_lines

Style = Literal["markdown", "outline"]

_MARKDOWN_HEADING = re.compile(r" {0,3}#{1,6}[ \t]+\S")


def detect_style(raw_lines: Sequence[str]) -> Style:
    """``"markdown"`` when ``#`` headings structure the file at least as much as separator
    lines do; ``"outline"`` otherwise (also the safe choice for text with no structure)."""
    headings = 0
    separators = 0
    for raw in raw_lines:
        if _MARKDOWN_HEADING.match(raw):
            headings += 1
        elif is_separator(raw):
            separators += 1
    return "markdown" if headings >= 1 and headings >= separators else "outline"


def parse_note(text: str) -> tuple[Style, list[Section]]:
    """The style of a note and its sections, in file order."""
    raw_lines = split_lines(text)
    style = detect_style(raw_lines)
    parser = parse_markdown if style == "markdown" else parse_outline
    return style, parser(raw_lines)
