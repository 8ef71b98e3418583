"""Deep-link payloads (``t.me/<bot>?start=<payload>``): a query packed into [A-Za-z0-9_-]{1,64}."""

from __future__ import annotations

import base64
import binascii
import re

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PREFIX = "q"  # payloads that carry a query start with this letter
MAX_QUERY_BYTES = (64 - len(_PREFIX)) * 3 // 4  # 47 bytes of UTF-8 fit once base64url-encoded


def encode_query(query: str) -> str | None:
    """A payload that carries ``query`` (trimmed at a word boundary to fit), or None if empty."""
    query = " ".join(query.split())
    raw = query.encode("utf-8")
    if len(raw) > MAX_QUERY_BYTES:
        raw = raw[:MAX_QUERY_BYTES].decode("utf-8", "ignore").encode("utf-8")
        text = raw.decode("utf-8")
        if " " in text:
            text = text[: text.rfind(" ")]
        raw = text.strip().encode("utf-8")
    if not raw:
        return None
    return _PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_query(payload: str) -> str | None:
    """The query carried by ``payload``, or None when it is not a valid query payload."""
    if not isinstance(payload, str) or not _PAYLOAD.fullmatch(payload):
        return None
    if not payload.startswith(_PREFIX) or len(payload) < 2:
        return None
    body = payload[len(_PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        query = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    query = " ".join(query.split())
    return query or None
