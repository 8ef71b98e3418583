"""Request parameters of the fake Bot API: read JSON, url-encoded and multipart bodies the way
Telegram does (PTB sends form fields with non-string values JSON-encoded); typed access."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from .validation import bad_request

# Fields that are always plain strings, even when they look like JSON, numbers or booleans.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "question",
        "explanation",
        "description",
        "callback_query_id",
        "inline_query_id",
        "url",
        "query",
        "next_offset",
        "switch_pm_text",
        "switch_pm_parameter",
        "language_code",
        "parse_mode",
        "explanation_parse_mode",
        "question_parse_mode",
        "description_parse_mode",
        "action",
        "inline_message_id",
        "secret_token",
        "emoji",
        "title",
        "result_id",
        "short_description",
        "name",
        "file_id",
        "photo",
        "document",
        "business_connection_id",
        "message_effect_id",
        "ip_address",
        "certificate",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "correct_option_id",
        "open_period",
        "close_date",
        "reply_to_message_id",
        "message_thread_id",
        "max_connections",
        "from_chat_id",
    }
)


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    name: str
    filename: str | None
    content_type: str | None
    content: bytes


@dataclass
class Params:
    """Decoded parameters of one request plus uploaded files."""

    values: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def has(self, key: str) -> bool:
        value = self.values.get(key)
        return value is not None and value != ""

    def int(self, key: str, default: int | None = None, *, required: bool = False) -> int | None:
        value = self.values.get(key)
        if value is None or value == "":
            if required:
                raise bad_request(f"{key} is empty")
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError as exc:
            raise bad_request(f'field "{key}" must be of type Integer') from exc

    def bool(self, key: str, default: bool = False) -> bool:
        value = self.values.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return bool(value)
        return str(value).strip().lower() in ("true", "1")

    def json(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise bad_request(f"can't parse {key} JSON object") from exc
        return value

    def for_record(self) -> dict[str, Any]:
        """Parameters as kept in the call log (files summarised, not stored twice)."""
        if not self.files:
            return self.values
        record = dict(self.values)
        for name, upload in self.files.items():
            record[name] = f"<file {upload.filename or name}: {len(upload.content)} bytes>"
        return record


def _coerce(key: str, value: str) -> Any:
    if key in _STRING_FIELDS:
        return value
    if key in _INT_FIELDS:
        stripped = value.strip()
        if stripped.lstrip("-").isdigit():
            return int(stripped)
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def read_params(request: web.Request) -> Params:
    """Decode query string and body (JSON, url-encoded or multipart) into Params."""
    values: dict[str, Any] = {key: _coerce(key, val) for key, val in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if request.method == "POST" and request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad_request("can't parse JSON encoded request parameters") from exc
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            values.update(body)
        elif content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part is None or part.name is None:
                    continue
                data = await part.read()
                if part.filename is not None:
                    files[part.name] = UploadedFile(
                        part.name,
                        part.filename,
                        part.headers.get("Content-Type"),
                        bytes(data),
                    )
                else:
                    values[part.name] = _coerce(part.name, data.decode("utf-8", "replace"))
        else:
            form: MultiDictProxy[Any] = await request.post()
            for key, val in form.items():
                if isinstance(val, str):
                    values[key] = _coerce(key, val)
                else:
                    files[key] = UploadedFile(key, val.filename, val.content_type, val.file.read())
    return Params(values, files)
