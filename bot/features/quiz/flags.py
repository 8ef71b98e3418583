"""The "👎 Bad question" button (signed for the one chat that got it) and the items a chat is no
longer asked: those flagged in the chat, and those enough different students of the same notes
flagged (the press itself is handled in asking.py, beside "Read the note")."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.callbacks import pack, unpack
from bot.core.notebooks import DEMO, Notebook
from bot.core.question_bank import item_key
from bot.core.replies import Button
from bot.core.services import AppServices
from bot.db.flags import retired_by_chat, retired_items
from bot.i18n import tr

FLAG_KIND = "qf1"
_SIG_LEN = 12


def flag_scope(notebook_id: str) -> str:
    """Whose notes an item belongs to, stable while a chat's notes change: "demo" for the
    shipped notes, "chat<id>" for a chat's own (its notebook ids carry a content hash after)."""
    if notebook_id == DEMO:
        return DEMO
    return notebook_id.rsplit("-", 1)[0][:64]


def _signature(key: str, chat_id: int, secret: bytes) -> str:
    payload = f"flag\x00{key}\x00{chat_id}".encode()
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()[:_SIG_LEN]


def flag_callback_data(item_id: str, chat_id: int, secret: bytes) -> str:
    """``qf1:<key>:<sig>``, valid only when pressed in ``chat_id``."""
    key = item_key(item_id)
    return pack(FLAG_KIND, key, _signature(key, chat_id, secret))


def parse_flag_callback(data: object, chat_id: int, secret: bytes) -> str | None:
    """The item key in valid flag data pressed in ``chat_id``; None if forged, malformed or
    carried to another chat."""
    fields = unpack(data, FLAG_KIND, 2)
    if fields is None:
        return None
    key, signature = fields
    if not hmac.compare_digest(signature, _signature(key, chat_id, secret)):
        return None
    return key


def flag_button(lang: str, item_id: str, chat_id: int, secret: bytes) -> Button:
    return Button(tr(lang, "👎 Bad question"), data=flag_callback_data(item_id, chat_id, secret))


async def retired_for_chat(
    services: AppServices, session: AsyncSession, notebook: Notebook, chat_id: int
) -> set[str]:
    """The item ids ``chat_id`` is never asked again (its own flags, and everyone's retirements)."""
    return await retired_items(
        session,
        scope=flag_scope(notebook.id),
        chat_id=chat_id,
        threshold=services.settings.quiz_flags_to_retire,
    )


async def retired_for_chats(
    services: AppServices, session: AsyncSession, chat_ids: Iterable[int]
) -> dict[int, set[str]]:
    """:func:`retired_for_chat` for every chat of a daily fan-out, in two queries."""
    scopes = {chat_id: flag_scope(services.notebook_for(chat_id).id) for chat_id in chat_ids}
    return await retired_by_chat(session, scopes, threshold=services.settings.quiz_flags_to_retire)
