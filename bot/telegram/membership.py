"""Whether the bot may still post in a chat: my_chat_member updates and 403 Forbidden errors."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import Application, ChatMemberHandler, ContextTypes

from bot.core.services import AppServices
from bot.telegram.context import get_services

log = logging.getLogger(__name__)

_GONE = {ChatMember.LEFT, ChatMember.BANNED}
_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}


async def set_active(services: AppServices, chat_id: int, active: bool) -> None:
    """Record whether the bot can post in ``chat_id`` (creating the chat row if needed)."""
    if services.db is None:
        return
    from bot.db.chats import ensure_chat, set_chat_active

    async with services.db.session() as session:
        await ensure_chat(session, chat_id)
        await set_chat_active(session, chat_id, active)


async def mark_chat_inactive(app_or_context: Application | ContextTypes.DEFAULT_TYPE, chat_id: int):
    """After a 403 (blocked by the user, kicked from the group): stop posting there."""
    log.info("chat %s is unreachable (403): marked inactive", chat_id)
    await set_active(get_services(app_or_context), chat_id, False)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None:
        return
    member = change.new_chat_member
    status = member.status
    if status in _GONE:
        active = False
    elif status in _PRESENT:
        active = True
    elif status == ChatMember.RESTRICTED:
        active = bool(getattr(member, "is_member", False))
    else:
        return
    log.info("bot membership in chat %s is now %s", change.chat.id, status)
    await set_active(get_services(context), change.chat.id, active)


def membership_handler() -> ChatMemberHandler:
    return ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
