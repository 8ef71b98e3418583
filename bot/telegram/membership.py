"""Handler group 1: whether the bot may still post in a chat, from my_chat_member updates."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler

from bot.core.chats import set_chat_reachable
from bot.telegram.context import StudyContext, get_services

log = logging.getLogger(__name__)

_GONE = {ChatMember.LEFT, ChatMember.BANNED}
_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}


async def on_my_chat_member(update: Update, context: StudyContext) -> None:
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
    await set_chat_reachable(get_services(context), change.chat.id, active)


def membership_handler() -> ChatMemberHandler:
    return ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
