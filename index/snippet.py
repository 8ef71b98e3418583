"""Highlighted snippets as safe Telegram HTML: a window of a passage around its best-matching words.

Prose is tidied and its matching words are bold (``<b>…</b>``); a fenced code block keeps its
lines and indentation and is shown as ``<pre><code class="language-x">…</code></pre>`` (Telegram
allows no other entity inside it, so code is never bold). Every other ``&``, ``<`` and ``>`` is
escaped.
"""

from __future__ import annotations

import html
import re
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.analysis import iter_words, stems

SNIPPET_CHARS = 300
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_FENCE = "```"
_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,32}")  # what may go in class="language-…"


def tidy(text: str) -> str:
    """Collapse runs of spaces and blank lines (keeps single line breaks)."""
    return _BLANK_LINES.sub("\n", _SPACES.sub(" ", text)).strip()


def _packed(values: list[int]) -> array:
    """``values`` in 2-byte slots when they fit (a passage rarely has 65536 characters)."""
    return array("H" if not values or max(values) < 1 << 16 else "I", values)


class WordPositions:
    """Token or stem → the indexes of the words that have it, in order: the keys sorted in a
    tuple (bisected), every key's indexes in one array and where each key's run starts in
    another; no object per key (a dict of starts was over half of a cached passage). The key
    strings are the analysis caches' own."""

    __slots__ = ("_keys", "_starts", "_flat")

    def __init__(self, positions: dict[str, list[int]]) -> None:
        self._keys = tuple(sorted(positions))
        flat: list[int] = []
        starts = [0]
        for key in self._keys:
            flat.extend(positions[key])
            starts.append(len(flat))
        self._flat = _packed(flat)
        self._starts = _packed(starts)

    def get(self, key: str, default: Sequence[int] = ()) -> Sequence[int]:
        at = bisect_left(self._keys, key)
        if at == len(self._keys) or self._keys[at] != key:
            return default
        return self._flat[self._starts[at] : self._starts[at + 1]]

    def nbytes(self) -> int:
        """The estimated memory held: the tuple and the arrays (not the keys)."""
        size = sys.getsizeof(self) + sys.getsizeof(self._keys)
        return size + sys.getsizeof(self._starts) + sys.getsizeof(self._flat)


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A passage ready for snippets: tidied text, word spans, and word positions by token/stem."""

    text: str
    # Packed (a searcher keeps many of these): word i spans text[spans[2i]:spans[2i + 1]]
    spans: array
    positions: WordPositions  # token or stem → word indexes, in order
    code: tuple[tuple[int, int, str], ...] = ()  # code blocks in ``text``: start, end, language

    def span(self, word_index: int) -> tuple[int, int]:
        return self.spans[2 * word_index], self.spans[2 * word_index + 1]

    def nbytes(self) -> int:
        """The estimated memory this analysis holds (what a cache of them counts)."""
        size = sys.getsizeof(self) + sys.getsizeof(self.text) + sys.getsizeof(self.spans)
        size += self.positions.nbytes() + sys.getsizeof(self.code)
        return size + sum(sys.getsizeof(block) + sys.getsizeof(block[2]) for block in self.code)


def _segments(text: str) -> list[tuple[str, str | None]]:
    """The passage as (text, None) prose and (code, language) blocks, fence lines left out."""
    segments: list[tuple[str, str | None]] = []
    prose: list[str] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = line.strip()
        closing = next(
            (i for i in range(index + 1, len(lines)) if lines[i].strip() == _FENCE), None
        )
        if not opening.startswith(_FENCE) or closing is None:
            prose.append(line)
            index += 1
            continue
        if prose:
            segments.append(("\n".join(prose), None))
            prose = []
        info = opening[len(_FENCE) :].strip().split()
        language = info[0] if info and _LANGUAGE.fullmatch(info[0]) else ""
        code_lines = [row.rstrip() for row in lines[index + 1 : closing]]
        margin = min((len(r) - len(r.lstrip(" ")) for r in code_lines if r.strip()), default=0)
        code = "\n".join(row[margin:] for row in code_lines).strip("\n")
        if code.strip():
            segments.append((code, language))
        index = closing + 1
    if prose:
        segments.append(("\n".join(prose), None))
    return segments


def prepare(text: str) -> PreparedText:
    """Analyse a passage once; the result can be cached and reused for every query."""
    code: list[tuple[int, int, str]] = []
    if _FENCE in text:
        parts: list[str] = []
        size = 0
        for segment, language in _segments(text):
            piece = tidy(segment) if language is None else segment
            if not piece:
                continue
            if parts:
                parts.append("\n")
                size += 1
            if language is not None:
                code.append((size, size + len(piece), language))
            parts.append(piece)
            size += len(piece)
        text = "".join(parts)
    else:
        text = tidy(text)
    spans: list[int] = []
    positions: dict[str, list[int]] = {}
    for index, (_, tokens, start, end) in enumerate(iter_words(text)):
        spans.extend((start, end))
        keys = set(tokens)
        for token in tokens:
            keys.update(stems(token))
        for key in keys:
            positions.setdefault(key, []).append(index)
    return PreparedText(text, _packed(spans), WordPositions(positions), tuple(code))


@dataclass(frozen=True, slots=True)
class Snippet:
    html: str
    focus: int  # where in the text its first bold word is (else where it starts)


def make_snippet(
    text: str | PreparedText,
    concepts: Sequence[Iterable[str]],
    max_chars: int = SNIPPET_CHARS,
) -> str:
    """The part of ``text`` (about ``max_chars`` long) with most distinct query concepts, as HTML.

    ``concepts`` holds, per query concept, the tokens and stems that stand for it; words of the
    passage that have one of them are bold.
    """
    return snippet_of(text, concepts, max_chars).html


def snippet_of(
    text: str | PreparedText,
    concepts: Sequence[Iterable[str]],
    max_chars: int = SNIPPET_CHARS,
) -> Snippet:
    """``make_snippet``'s HTML, and where in the text it points."""
    prepared = text if isinstance(text, PreparedText) else prepare(text)
    text = prepared.text
    if not text:
        return Snippet("", 0)
    owner: dict[int, int] = {}
    for concept_index, keys in enumerate(concepts):
        for key in keys:
            for word_index in prepared.positions.get(key, ()):
                owner.setdefault(word_index, concept_index)
    spans: list[tuple[int, int, int]] = []  # (start, end, concept)
    last_end = -1
    for word_index in sorted(owner):
        start, end = prepared.span(word_index)
        if start < last_end:  # parts of one compound share its span
            continue
        spans.append((start, end, owner[word_index]))
        last_end = end
    begin, finish = _best_window(text, spans, max_chars)
    pieces: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for code_start, code_end, language in prepared.code:
        if code_end <= begin or code_start >= finish:
            continue
        start, end = max(begin, code_start), min(finish, code_end)
        pieces.append(_bold_html(text, spans, cursor, start))
        code = text[start:end].strip("\n")
        if code.strip():
            attribute = f' class="language-{language}"' if language else ""
            escaped = html.escape(code, quote=False)
            pieces.append(f"<pre><code{attribute}>{escaped}</code></pre>")
        cursor = end
    pieces.append(_bold_html(text, spans, cursor, finish))
    if finish < len(text):
        pieces.append("…")
    focus = next((start for start, _, _ in spans if begin <= start < finish), begin)
    return Snippet("".join(pieces).strip(), focus)


def _bold_html(text: str, spans: list[tuple[int, int, int]], begin: int, finish: int) -> str:
    """``text[begin:finish]`` as escaped HTML, its matching words in bold."""
    pieces: list[str] = []
    cursor = begin
    for start, end, _ in spans:
        if start < begin or end > finish:
            continue
        pieces.append(html.escape(text[cursor:start], quote=False))
        pieces.append("<b>" + html.escape(text[start:end], quote=False) + "</b>")
        cursor = end
    pieces.append(html.escape(text[cursor:finish], quote=False))
    return "".join(pieces)


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
