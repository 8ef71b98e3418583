"""Use cases about the chats an update comes from: the exactly-once claim of each update (with
its user and chat recorded), whether the bot may still post in a chat, and a channel's language.

The claim is group-committed by ``bot.db.claims.UpdateClaims``: the updates handled at the same
moment share one transaction. Adapters describe an update with the plain types re-exported here.
"""

from __future__ import annotations

import logging

from bot.core.services import AppServices
from bot.db.chats import chat_language, ensure_chat, set_chat_active, upsert_chat
from bot.db.claims import ClaimResult
from bot.db.seen import SeenChat, SeenUpdate, SeenUser
from bot.db.users import upsert_user

__all__ = [
    "ClaimResult",
    "SeenChat",
    "SeenUpdate",
    "SeenUser",
    "channel_language",
    "claim_update",
    "record_user_and_chat",
    "set_chat_reachable",
]

log = logging.getLogger(__name__)


async def claim_update(services: AppServices, seen: SeenUpdate) -> ClaimResult:
    """Claim ``seen`` before anything handles it; ``first_time`` False means a redelivery."""
    return await services.claims.claim(seen)


async def record_user_and_chat(services: AppServices, user: SeenUser, chat: SeenChat) -> None:
    """Record a user and their chat outside any update (the terminal's own user)."""
    async with services.db.session() as session:
        await upsert_user(session, user.id, user.first_name, user.language_code)
        await upsert_chat(session, chat.id, chat.type or "private", chat.title)


async def set_chat_reachable(services: AppServices, chat_id: int, active: bool) -> None:
    """Record whether the bot can post in ``chat_id`` (creating the chat row if needed)."""
    async with services.db.session() as session:
        await ensure_chat(session, chat_id)
        await set_chat_active(session, chat_id, active)


async def channel_language(services: AppServices, chat_id: int) -> str:
    """The UI language of a chat without a sender (a channel): the chat's stored one, else en."""
    async with services.db.session() as session:
        return await chat_language(session, chat_id) or "en"
