"""Callback-data codec: versioned, validated strings of at most 64 bytes for inline buttons.

Format: ``<kind><version>:<field>[:<field>…]``, e.g. ``s1:Ab3_x9Qk2Lw:2`` (search key, page).
Anything that does not parse exactly (forged, stale version, another bot's data) decodes to None,
and the adapter answers "this button expired". Other features add their own kinds with
:func:`pack` / :func:`unpack`; each feature declares the kinds it routes (bot.core.feature).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_FIELD = re.compile(r"[A-Za-z0-9_.\-]{1,62}")
_KIND = re.compile(r"[a-z]{1,3}[0-9]{1,2}")

SEARCH_PAGE, FULL_NOTE, LANGUAGE, EXAMPLE = "s1", "n1", "l1", "e1"
MAX_EXAMPLE = 9
LANGUAGE_CODES = ("en", "es")
MAX_PAGE = 49


def pack(kind: str, *fields: str | int) -> str:
    """Join ``kind`` and ``fields`` into callback data; raises ValueError if it would be invalid."""
    if not _KIND.fullmatch(kind):
        raise ValueError(f"bad callback kind {kind!r}")
    parts = [kind]
    for value in fields:
        text = str(value)
        if not _FIELD.fullmatch(text):
            raise ValueError(f"bad callback field {text!r}")
        parts.append(text)
    data = ":".join(parts)
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


def unpack(data: object, kind: str, arity: int) -> tuple[str, ...] | None:
    """The ``arity`` fields of ``data`` if it is well-formed data of ``kind``, else None."""
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    parts = data.split(":")
    if parts[0] != kind or len(parts) != arity + 1:
        return None
    fields = tuple(parts[1:])
    if not all(_FIELD.fullmatch(field) for field in fields):
        return None
    return fields


def _small_int(text: str, maximum: int) -> int | None:
    if not text.isascii() or not text.isdigit() or len(text) > 3:
        return None
    value = int(text)
    return value if value <= maximum else None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """Show hit number ``page`` (0-based) of the stored search ``key``."""

    key: str
    page: int

    def encode(self) -> str:
        return pack(SEARCH_PAGE, self.key, self.page)


@dataclass(frozen=True, slots=True)
class FullNote:
    """Show the whole chunk ``chunk_id``."""

    chunk_id: str

    def encode(self) -> str:
        return pack(FULL_NOTE, self.chunk_id)


@dataclass(frozen=True, slots=True)
class SetLanguage:
    """Switch the UI language to ``lang``."""

    lang: str

    def encode(self) -> str:
        return pack(LANGUAGE, self.lang)


@dataclass(frozen=True, slots=True)
class ExampleSearch:
    """Search the chat's notebook's example query number ``index`` (no saved state needed)."""

    index: int

    def encode(self) -> str:
        return pack(EXAMPLE, self.index)


Action = SearchPage | FullNote | SetLanguage | ExampleSearch


def decode(data: object) -> Action | None:
    """Parse callback data of the search/help features; None for anything else or malformed."""
    if (fields := unpack(data, SEARCH_PAGE, 2)) is not None:
        page = _small_int(fields[1], MAX_PAGE)
        return None if page is None else SearchPage(fields[0], page)
    if (fields := unpack(data, EXAMPLE, 1)) is not None:
        index = _small_int(fields[0], MAX_EXAMPLE)
        return None if index is None else ExampleSearch(index)
    if (fields := unpack(data, FULL_NOTE, 1)) is not None:
        return FullNote(fields[0])
    if (fields := unpack(data, LANGUAGE, 1)) is not None:
        return SetLanguage(fields[0]) if fields[0] in LANGUAGE_CODES else None
    return None


def fits_chunk_id(chunk_id: str) -> bool:
    """Whether a chunk id can travel in a "full note" button."""
    try:
        FullNote(chunk_id).encode()
    except ValueError:
        return False
    return True
