"""Telegram-HTML text helpers: visible length in UTF-16 units, plain-text conversion, splitting."""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096  # Telegram's limit for a message, in UTF-16 units after entity parsing
CAPTION_LIMIT = 1024

_TAG = re.compile(r"<[^>]*>")


def utf16_len(text: str) -> int:
    """Length of ``text`` as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def html_to_plain(text: str) -> str:
    """Strip tags and unescape entities: what the user actually sees of Telegram HTML."""
    return html.unescape(_TAG.sub("", text))


def visible_length(html_text: str) -> int:
    """How long a Telegram-HTML message is once its entities are parsed, in UTF-16 units."""
    return utf16_len(html_to_plain(html_text))


def cut_plain(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut plain text to at most ``limit`` UTF-16 units, preferring a word boundary."""
    if utf16_len(text) <= limit:
        return text
    budget = limit - utf16_len(ellipsis)
    out = []
    used = 0
    for ch in text:
        size = utf16_len(ch)
        if used + size > budget:
            break
        out.append(ch)
        used += size
    cut = "".join(out)
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip() + ellipsis


def split_plain(text: str, limit: int) -> list[str]:
    """Split plain text into pieces of at most ``limit`` UTF-16 units.

    Pieces end at paragraph boundaries (blank lines) when possible, then at line ends, then at
    spaces, and only as a last resort inside a word. Pieces are never empty.
    """
    text = text.strip("\n")
    if not text:
        return []
    pieces: list[str] = []
    current = ""
    for block in _blocks(text, limit):
        candidate = f"{current}\n\n{block}" if current else block
        if utf16_len(candidate) <= limit:
            current = candidate
        else:
            if current:
                pieces.append(current)
            current = block
    if current:
        pieces.append(current)
    return pieces


def _blocks(text: str, limit: int) -> list[str]:
    """Paragraphs of ``text``, each broken further until it fits ``limit``."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip("\n")
        if not paragraph.strip():
            continue
        if utf16_len(paragraph) <= limit:
            blocks.append(paragraph)
            continue
        blocks.extend(_break(paragraph, limit, "\n"))
    return blocks


def _break(text: str, limit: int, sep: str) -> list[str]:
    """Greedy packing of ``text`` split on ``sep`` (line ends, then spaces, then characters)."""
    parts = text.split(sep) if sep else list(text)
    out: list[str] = []
    current = ""
    for part in parts:
        if utf16_len(part) > limit:
            if current:
                out.append(current)
                current = ""
            next_sep = {"\n": " ", " ": ""}[sep]
            out.extend(_break(part, limit, next_sep))
            continue
        candidate = f"{current}{sep}{part}" if current else part
        if utf16_len(candidate) <= limit:
            current = candidate
        else:
            if current:
                out.append(current)
            current = part
    if current:
        out.append(current)
    return [piece for piece in out if piece.strip()]
