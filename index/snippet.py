"""Highlighted snippets as safe Telegram HTML: a window of a passage around its best-matching words.

The output contains only ``<b>…</b>`` tags; every other ``&``, ``<`` and ``>`` is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from index.analysis import iter_words

SNIPPET_CHARS = 300
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

# Given the tokens of one word, the query concept it matches (an int), or None.
WordMatcher = Callable[[list[str]], int | None]


def tidy(text: str) -> str:
    """Collapse runs of spaces and blank lines (keeps single line breaks)."""
    return _BLANK_LINES.sub("\n", _SPACES.sub(" ", text)).strip()


Words = list[tuple[list[str], int, int]]


def prepare(text: str) -> tuple[str, Words]:
    """The tidied text and its words (tokens, start, end): what a snippet needs, worth caching."""
    text = tidy(text)
    return text, [(tokens, start, end) for _, tokens, start, end in iter_words(text)]


def make_snippet(
    text: str,
    matcher: WordMatcher,
    max_chars: int = SNIPPET_CHARS,
    prepared: tuple[str, Words] | None = None,
) -> str:
    """The part of ``text`` (about ``max_chars`` long) with most distinct query concepts, as HTML.

    ``prepared`` is ``prepare(text)`` when the caller has it cached.
    """
    text, words = prepared if prepared is not None else prepare(text)
    if not text:
        return ""
    spans: list[tuple[int, int, int]] = []  # (start, end, concept)
    last_end = -1
    for tokens, start, end in words:
        concept = matcher(tokens)
        if concept is None or start < last_end:
            continue
        spans.append((start, end, concept))
        last_end = end
    begin, finish = _best_window(text, spans, max_chars)
    shown = [(s, e) for s, e, _ in spans if s >= begin and e <= finish]
    pieces: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for start, end in shown:
        pieces.append(html.escape(text[cursor:start], quote=False))
        pieces.append("<b>" + html.escape(text[start:end], quote=False) + "</b>")
        cursor = end
    pieces.append(html.escape(text[cursor:finish], quote=False))
    if finish < len(text):
        pieces.append("…")
    return "".join(pieces).strip()


def _best_window(text: str, spans: list[tuple[int, int, int]], max_chars: int) -> tuple[int, int]:
    if len(text) <= max_chars:
        return 0, len(text)
    best_start, best_key = 0, (-1, -1, 0)
    right = 0
    for left in range(len(spans)):
        while right < len(spans) and spans[right][1] - spans[left][0] <= max_chars:
            right += 1
        window = spans[left:right]
        key = (len({c for _, _, c in window}), len(window), -spans[left][0])
        if key > best_key:
            best_key, best_start = key, spans[left][0]
    if best_key[0] <= 0:
        begin = 0
    else:
        # Start a little before the first match, at a word or line boundary.
        begin = max(0, best_start - max_chars // 5)
        line_start = text.rfind("\n", begin, best_start)
        if line_start != -1:
            begin = line_start + 1
        elif begin > 0:
            space = text.find(" ", begin, best_start)
            begin = space + 1 if space != -1 else begin
    finish = min(len(text), begin + max_chars)
    if finish < len(text):
        space = text.rfind(" ", begin + max_chars // 2, finish)
        if space != -1:
            finish = space
    return begin, finish
