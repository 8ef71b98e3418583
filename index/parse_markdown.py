"""Parse Markdown-like notes: ``#`` headings nest into a path, each heading's body is a section.

Headings without a body (e.g. ``## [DEMO] ... (12:23)`` lectures never written up) yield nothing;
durations such as ``(12:23)`` are dropped from titles; fenced code never counts as headings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.parse_text import (
    Line,
    Section,
    blank_line,
    clean_line,
    clean_title,
    is_separator,
    short_title,
    trim_blank,
)

_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*)")
_FENCE = re.compile(r" {0,3}(?:```|~~~)")


def heading_level_and_title(raw: str) -> tuple[int, str] | None:
    """``(level, title)`` for a Markdown heading line, else ``None``; the title may be empty
    (``## (12:23)`` has nothing left once the duration is dropped)."""
    match = _HEADING.match(raw)
    if match is None:
        return None
    return len(match.group(1)), clean_title(_strip_closing_hashes(match.group(2)))


def parse_markdown(raw_lines: Sequence[str]) -> list[Section]:
    """Sections of a Markdown-like note, one per heading that has a body (plus any preamble)."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    body: list[Line] = []

    def flush() -> None:
        content = tuple(trim_blank(body))
        body.clear()
        if not content:
            return
        path = tuple(title for _, title in stack)
        title = path[-1] if path else short_title(content[0].text) or "Notes"
        sections.append(Section(path=path, title=title, lines=content))

    in_fence = False
    for number, raw in enumerate(raw_lines, start=1):
        if _FENCE.match(raw):
            in_fence = not in_fence
            body.append(blank_line(number))
            continue
        if not in_fence:
            heading = heading_level_and_title(raw)
            if heading is not None and not heading[1]:
                body.append(blank_line(number))  # an untitled heading: just a break
                continue
            if heading is not None:
                flush()
                level, title = heading
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, title))
                continue
            if is_separator(raw):  # "---" or "***" rules: a paragraph break
                body.append(blank_line(number))
                continue
        body.append(clean_line(number, raw))
    flush()
    return sections


def _strip_closing_hashes(text: str) -> str:
    """``Title ##`` → ``Title`` (linear: no regex backtracking on long runs of spaces)."""
    text = text.rstrip()
    without = text.rstrip("#")
    if without != text and (not without or without[-1] in " \t"):
        return without.rstrip()
    return text
