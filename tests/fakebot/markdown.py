"""MarkdownV2 and legacy Markdown parsing for the fake Bot API, after TDLib: reserved characters
must be escaped in V2, unclosed entities are rejected with Telegram's messages."""

from __future__ import annotations

from typing import Any

from .validation import HtmlParseError, utf16_len

_RESERVED = set("_*[]()~`>#+-=|{}.!")
_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_markdown(text: str, *, v2: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 (``v2=True``) or legacy Markdown into (plain text, entities)."""
    return _parse_v2(text) if v2 else _parse_v1(text)


def _parse_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    n = len(text)
    out: list[str] = []
    u16 = 0
    stack: list[tuple[str, int, int, str, int]] = []  # (type, utf16 start, text index, arg, piece)
    entities: list[dict[str, Any]] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) < 127:
            out.append(text[i + 1])
            u16 += 1
            i += 2
            continue
        top = stack[-1][0] if stack else None
        if top in ("code", "pre"):
            closing = c == "`" and (top == "code" or text.startswith("```", i))
            if not closing:
                out.append(c)
                u16 += utf16_len(c)
                i += 1
                continue
        end_char = {
            "bold": "*",
            "italic": "_",
            "strikethrough": "~",
            "code": "`",
            "pre": "`",
            "text_link": "]",
        }.get(top or "")
        is_end = False
        if top == "underline":
            is_end = text.startswith("__", i)
        elif top == "spoiler":
            is_end = text.startswith("||", i)
        elif end_char is not None:
            is_end = c == end_char
        if is_end:
            kind, start, begin_index, argument, piece_index = stack.pop()
            i += {"underline": 2, "spoiler": 2, "pre": 3}.get(kind, 1)
            if kind == "text_link":
                url = ""
                if i < n and text[i] == "(":
                    j = i + 1
                    url_chars: list[str] = []
                    while j < n and text[j] != ")":
                        if text[j] == "\\" and j + 1 < n:
                            j += 1
                        url_chars.append(text[j])
                        j += 1
                    if j >= n:
                        raise HtmlParseError(
                            f"Can't find end of a URL at byte offset {_byte_offset(text, i)}"
                        )
                    url = "".join(url_chars)
                    i = j + 1
                else:
                    url = "".join(out[piece_index:])
                if u16 > start and url:
                    entities.append(
                        {"type": "text_link", "offset": start, "length": u16 - start, "url": url}
                    )
                continue
            if u16 > start:
                entity: dict[str, Any] = {"type": kind, "offset": start, "length": u16 - start}
                if kind == "pre" and argument:
                    entity["language"] = argument
                entities.append(entity)
            continue
        if c not in _RESERVED:
            out.append(c)
            u16 += utf16_len(c)
            i += 1
            continue
        begin = i
        if c == "_" and text.startswith("__", i):
            stack.append(("underline", u16, begin, "", len(out)))
            i += 2
        elif c == "_":
            stack.append(("italic", u16, begin, "", len(out)))
            i += 1
        elif c == "*":
            stack.append(("bold", u16, begin, "", len(out)))
            i += 1
        elif c == "~":
            stack.append(("strikethrough", u16, begin, "", len(out)))
            i += 1
        elif c == "|" and text.startswith("||", i):
            stack.append(("spoiler", u16, begin, "", len(out)))
            i += 2
        elif c == "[":
            stack.append(("text_link", u16, begin, "", len(out)))
            i += 1
        elif c == "`" and text.startswith("```", i):
            i += 3
            language_end = text.find("\n", i)
            language = ""
            first_line = text[i:language_end] if language_end != -1 else ""
            if first_line.strip() and " " not in first_line:
                language = text[i:language_end]
                i = language_end + 1
            stack.append(("pre", u16, begin, language, len(out)))
        elif c == "`":
            stack.append(("code", u16, begin, "", len(out)))
            i += 1
        elif c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # blockquote line marker: kept simple, no entity
        else:
            raise HtmlParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
    if stack:
        kind, _, begin_index, _, _ = stack[-1]
        raise HtmlParseError(
            f"Can't find end of {_TYPE_NAMES[kind]} entity at byte offset "
            f"{_byte_offset(text, begin_index)}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_v1(text: str) -> tuple[str, list[dict[str, Any]]]:
    n = len(text)
    out: list[str] = []
    u16 = 0
    entities: list[dict[str, Any]] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            u16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            u16 += utf16_len(c)
            i += 1
            continue
        begin = i
        if c == "`" and text.startswith("```", i):
            end = text.find("```", i + 3)
            if end == -1:
                raise HtmlParseError(
                    "Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            body = text[i + 3 : end]
            kind = "pre"
            i = end + 3
        elif c == "[":
            close = text.find("]", i + 1)
            if close == -1 or not text.startswith("(", close + 1) or text.find(")", close) == -1:
                raise HtmlParseError(
                    "Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            url_end = text.find(")", close)
            body = text[i + 1 : close]
            url = text[close + 2 : url_end]
            i = url_end + 1
            if body:
                entities.append(
                    {"type": "text_link", "offset": u16, "length": utf16_len(body), "url": url}
                )
            out.append(body)
            u16 += utf16_len(body)
            continue
        else:
            end = text.find(c, i + 1)
            if end == -1:
                raise HtmlParseError(
                    "Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            body = text[i + 1 : end]
            kind = {"_": "italic", "*": "bold", "`": "code"}[c]
            i = end + 1
        if body:
            entities.append({"type": kind, "offset": u16, "length": utf16_len(body)})
        out.append(body)
        u16 += utf16_len(body)
    return "".join(out), entities
