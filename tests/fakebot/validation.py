"""Telegram-strict checks for the fake Bot API: the HTML entity parser (after TDLib's), UTF-16 text
limits, reply markup and inline keyboard rules. Every failure is an ``ApiError`` carrying the
status and description the real server sends."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
MAX_BUTTONS_PER_ROW = 8


class ApiError(Exception):
    """A Bot API error response: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram offset and limit."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- HTML parsing

_SPECIAL = re.compile(r"[<&]")
_SPACES = " \t\r\n\v\f"
_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlParseError(Exception):
    """Raised by ``parse_html``; its message is what follows "can't parse entities: "."""


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference starting at ``text[pos] == '&'``, as TDLib does.

    Returns (decoded text, characters consumed) or None when it is no entity (then "&" is kept)."""
    n = len(text)
    i = pos + 1
    if i < n and text[i] == "#":
        i += 1
        if i < n and text[i] in "xX":
            i += 1
            start = i
            while i < n and text[i] in "0123456789abcdefABCDEF":
                i += 1
            digits, base = text[start:i], 16
        else:
            start = i
            while i < n and text[i].isdigit() and text[i].isascii():
                i += 1
            digits, base = text[start:i], 10
        if not digits or i >= n or text[i] != ";" or len(digits) > 8:
            return None
        code = int(digits, base)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), i + 1 - pos
    start = i
    while i < n and text[i].isascii() and text[i].isalnum():
        i += 1
    name = text[start:i]
    if i < n and text[i] == ";" and name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name], i + 1 - pos
    return None


def _normalize_url(url: str) -> str | None:
    """The URL Telegram would store for a text link, or None when it would drop the link."""
    url = url.strip()
    if not url:
        return None
    if "://" not in url:
        if url.lower().startswith(("tg:", "ton:")):
            return url
        candidate = "http://" + url
    else:
        candidate = url
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("tg", "ton", "tonsite"):
        return candidate
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname
    if "." not in host and host != "localhost":
        return None
    if any(ch in _SPACES for ch in candidate):
        return None
    if not parts.path and not parts.query and not parts.fragment:
        candidate += "/"
    return candidate


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities) or raise HtmlParseError like TDLib."""
    n = len(text)
    pieces: list[str] = []
    u16 = 0
    # open tags: (tag name, argument, utf16 offset, byte offset of '<', index in pieces)
    stack: list[tuple[str, str, int, int, int]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < n:
        match = _SPECIAL.search(text, i)
        j = match.start() if match else n
        if j > i:
            chunk = text[i:j]
            pieces.append(chunk)
            u16 += utf16_len(chunk)
            i = j
            if match is None:
                break
        if text[i] == "&":
            decoded = _decode_entity(text, i)
            if decoded is None:
                pieces.append("&")
                u16 += 1
                i += 1
            else:
                pieces.append(decoded[0])
                u16 += utf16_len(decoded[0])
                i += decoded[1]
            continue
        begin = i
        if i + 1 < n and text[i + 1] == "/":
            i = _close_tag(text, begin, stack, entities, pieces, u16)
        else:
            i = _open_tag(text, begin, stack, len(pieces), u16)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.reverse()  # entities close inner-first; for equal spans list the outer one first
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(pieces), entities


def _open_tag(
    text: str, begin: int, stack: list[tuple[str, str, int, int, int]], piece_index: int, u16: int
) -> int:
    n = len(text)
    i = begin + 1
    while i < n and text[i] not in _SPACES and text[i] != ">":
        i += 1
    byte_pos = _byte_offset(text, begin)
    if i >= n:
        raise HtmlParseError(f"Unclosed start tag at byte offset {byte_pos}")
    tag = text[begin + 1 : i].lower()
    if tag not in _SUPPORTED_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {byte_pos}')
    argument = ""
    expandable = False
    while i < n and text[i] != ">":
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n:
            break
        if text[i] == ">":
            break
        name_start = i
        while i < n and text[i] not in _SPACES and text[i] not in "=>":
            i += 1
        attribute = text[name_start:i].lower()
        if not attribute:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {byte_pos}'
            )
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n or text[i] != "=":
            if tag == "blockquote" and attribute == "expandable":
                expandable = True
                continue
            if i >= n:
                break
            raise HtmlParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {byte_pos}'
            )
        i += 1
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n:
            raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {byte_pos}')
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            value_chars: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "&":
                    decoded = _decode_entity(text, i)
                    if decoded is not None:
                        value_chars.append(decoded[0])
                        i += decoded[1]
                        continue
                value_chars.append(text[i])
                i += 1
            if i < n:
                i += 1
            value = "".join(value_chars)
        else:
            token_start = i
            while i < n and (text[i].isascii() and text[i].isalnum() or text[i] in ".-"):
                i += 1
            value = text[token_start:i].lower()
            if i < n and text[i] not in _SPACES and text[i] != ">":
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, token_start)}"
                )
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {byte_pos}")
        if tag == "a" and attribute == "href":
            argument = value
        elif tag == "code" and attribute == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and attribute == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and attribute == "emoji-id":
            argument = value
        elif tag == "blockquote" and attribute == "expandable":
            expandable = True
    if i >= n:
        raise HtmlParseError(f"Unclosed start tag at byte offset {byte_pos}")
    if tag == "span" and argument != "spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_pos}')
    if tag == "blockquote" and expandable:
        argument = "expandable"
    stack.append((tag, argument, u16, byte_pos, piece_index))
    return i + 1


def _close_tag(
    text: str,
    begin: int,
    stack: list[tuple[str, str, int, int, int]],
    entities: list[dict[str, Any]],
    pieces: list[str],
    u16: int,
) -> int:
    n = len(text)
    byte_pos = _byte_offset(text, begin)
    if not stack:
        raise HtmlParseError(f"Unexpected end tag at byte offset {byte_pos}")
    i = begin + 2
    while i < n and text[i] not in _SPACES and text[i] != ">":
        i += 1
    end_name = text[begin + 2 : i].lower()
    while i < n and text[i] in _SPACES:
        i += 1
    if i >= n or text[i] != ">":
        raise HtmlParseError(f"Unclosed end tag at byte offset {byte_pos}")
    tag, argument, offset, _, piece_index = stack.pop()
    if end_name and end_name != tag:
        raise HtmlParseError(
            f'Unmatched end tag at byte offset {byte_pos}, expected "</{tag}>", '
            f'found "</{end_name}>"'
        )
    length = u16 - offset
    if length:
        entity = _make_entity(tag, argument, offset, length, pieces, piece_index, entities)
        if entity is not None:
            entities.append(entity)
    return i + 1


def _make_entity(
    tag: str,
    argument: str,
    offset: int,
    length: int,
    pieces: list[str],
    piece_index: int,
    entities: list[dict[str, Any]],
) -> dict[str, Any] | None:
    base: dict[str, Any] = {"offset": offset, "length": length}
    if tag in _SIMPLE_TYPES:
        return {"type": _SIMPLE_TYPES[tag], **base}
    if tag == "tg-emoji":
        if not argument.isdigit() or int(argument) == 0 or int(argument) >= 2**63:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        return {"type": "custom_emoji", **base, "custom_emoji_id": argument}
    if tag == "a":
        url = argument or "".join(pieces[piece_index:])
        user_match = re.fullmatch(r"tg://user\?id=(\d{1,15})", url.strip())
        if user_match:
            user_id = int(user_match.group(1))
            return {
                "type": "text_mention",
                **base,
                "user": {"id": user_id, "is_bot": False, "first_name": str(user_id)},
            }
        normalized = _normalize_url(url)
        if normalized is None:
            return None  # Telegram silently drops links it can't use
        return {"type": "text_link", **base, "url": normalized}
    if tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
            and last.get("_language")
        ):
            entities.pop()
            return {"type": "pre", **base, "language": last["_language"]}
        return {"type": "pre", **base}
    if tag == "code":
        entity = {"type": "code", **base}
        if argument:
            entity["_language"] = argument
        return entity
    if tag == "blockquote":
        kind = "expandable_blockquote" if argument == "expandable" else "blockquote"
        return {"type": kind, **base}
    return None


def _finish_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for entity in entities:
        entity.pop("_language", None)
    return entities


# --------------------------------------------------------------------------- formatted text

_AUTO_PATTERNS = (
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")),
    ("url", re.compile(r"(?<![\w@/])https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")),
)
_PARSE_MODES = {"html": "HTML", "markdown": "Markdown", "markdownv2": "MarkdownV2"}


def find_auto_entities(
    text: str, taken: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Entities Telegram detects by itself: bot commands, @mentions, #hashtags, http(s) URLs."""
    blocked = [
        (e["offset"], e["offset"] + e["length"])
        for e in taken or ()
        if e["type"] in ("code", "pre", "text_link", "text_mention")
    ]
    found: list[dict[str, Any]] = []
    if not any(ch in text for ch in "/@#:"):
        return found
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            offset = utf16_len(text[: match.start()])
            length = utf16_len(match.group(0))
            if any(start < offset + length and offset < end for start, end in blocked):
                continue
            found.append({"type": kind, "offset": offset, "length": length})
    return found


def _validate_explicit_entities(text: str, raw: Any) -> list[dict[str, Any]]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise bad_request("can't parse entities JSON object") from exc
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    result: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise bad_request("can't parse MessageEntity JSON object")
        try:
            offset, length = int(item["offset"]), int(item["length"])
        except (KeyError, TypeError, ValueError) as exc:
            raise bad_request("can't parse MessageEntity JSON object") from exc
        if offset < 0 or length <= 0 or offset >= total:
            continue
        entity = dict(item)
        entity["offset"], entity["length"] = offset, min(length, total - offset)
        result.append(entity)
    return result


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    stripped = text.lstrip(_SPACES)
    shift = utf16_len(text[: len(text) - len(stripped)])
    stripped = stripped.rstrip(_SPACES)
    total = utf16_len(stripped)
    if shift == 0 and total == utf16_len(text):
        return text, entities
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def format_text(
    text: Any,
    parse_mode: Any = None,
    entities: Any = None,
    *,
    what: str = "text",
) -> tuple[str, list[dict[str, Any]]]:
    """Turn a text parameter into Telegram's stored (text, entities), raising ApiError like it."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = str(text)
    if entities is not None:
        return _trim(text, _validate_explicit_entities(text, entities))
    if parse_mode in (None, ""):
        return _trim(text, [])
    mode = _PARSE_MODES.get(str(parse_mode).lower())
    if mode is None:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}".replace("'", '"'))
    try:
        if mode == "HTML":
            plain, found = parse_html(text)
        else:
            from .markdown import parse_markdown  # noqa: PLC0415 - optional, rarely used

            plain, found = parse_markdown(text, v2=(mode == "MarkdownV2"))
    except HtmlParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from exc
    return _trim(plain, _finish_entities(found))


def message_text(
    text: Any, parse_mode: Any = None, entities: Any = None
) -> tuple[str, list[dict[str, Any]]]:
    """Validate a message text: non-empty after parsing and trimming, at most 4096 UTF-16 units."""
    if text is None or text == "":
        raise bad_request("message text is empty")
    plain, found = format_text(text, parse_mode, entities)
    if not plain:
        raise bad_request("message text is empty")
    if utf16_len(plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    if entities is None:
        found = found + find_auto_entities(plain, found)
        found.sort(key=lambda e: (e["offset"], -e["length"]))
    return plain, found


def caption_text(
    caption: Any, parse_mode: Any = None, entities: Any = None
) -> tuple[str, list[dict[str, Any]]]:
    """Validate a media caption: at most 1024 UTF-16 units after entity parsing."""
    if caption is None or caption == "":
        return "", []
    plain, found = format_text(caption, parse_mode, entities)
    if utf16_len(plain) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return plain, found


# --------------------------------------------------------------------------- reply markup

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "login_url",
    "web_app",
    "pay",
    "callback_game",
    "copy_text",
)


def _valid_button_url(url: Any) -> bool:
    if not isinstance(url, str) or not url or any(ch in url for ch in _SPACES):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() == "tg":
        return bool(parts.netloc or parts.path)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    total = 0
    for row in rows:
        if len(row) > MAX_BUTTONS_PER_ROW:
            raise bad_request("reply markup is too long")
        for button in row:
            total += 1
            if not isinstance(button, dict):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            text = button.get("text")
            if not isinstance(text, str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [key for key in _BUTTON_ACTIONS if key in button]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str):
                    raise bad_request(
                        'can\'t parse inline keyboard button: Field "callback_data" must be of '
                        "type String"
                    )
                size = len(data.encode("utf-8"))
                if size < 1 or size > MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not _valid_button_url(button["url"]):
                raise bad_request(
                    f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
                )
    if total > MAX_BUTTONS:
        raise bad_request("reply markup is too long")


def check_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Validate a reply_markup parameter; returns the parsed object or None."""
    if markup is None or markup == "":
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError as exc:
            raise bad_request("can't parse reply keyboard markup JSON object") from exc
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not rows:
            raise bad_request("keyboard must be non-empty")
        for row in rows:
            for button in row if isinstance(row, list) else [None]:
                label = button.get("text") if isinstance(button, dict) else button
                if not isinstance(label, str) or not label:
                    raise bad_request("can't parse keyboard button: Text must be non-empty")
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request('can\'t find field "inline_keyboard"')


def inline_keyboard_data(markup: dict[str, Any] | None) -> list[str]:
    """Every callback_data in an inline keyboard, in order."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        button["callback_data"]
        for row in markup["inline_keyboard"]
        for button in row
        if "callback_data" in button
    ]
