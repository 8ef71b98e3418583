"""Keeping the bot token out of what the bot says: owner replies quote file paths, error
messages and index problems, any of which could carry it."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from bot.core.replies import Reply

REDACTED = "<redacted-token>"


def redact_token(text: str, token: str | None, marker: str = REDACTED) -> str:
    """``text`` with the token, and its secret part after the colon, replaced by ``marker``."""
    if not token:
        return text
    secret = token.split(":", 1)[-1]
    parts = sorted({token, *([secret] if len(secret) >= 8 else [])}, key=len, reverse=True)
    return re.sub("|".join(re.escape(part) for part in parts), lambda _: marker, text)


def redacted_reply(reply: Reply, token: str | None) -> Reply:
    """``reply`` with the token redacted from its text (Telegram HTML: the marker escaped)."""
    text = redact_token(reply.text, token, html.escape(REDACTED))
    return reply if text == reply.text else replace(reply, text=text)
