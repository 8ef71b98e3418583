"""Handler group -1, exactly-once handling: every update is claimed (bot.core.chats) before any
feature sees it; a repeated update id stops there. The claim also records the update's user and
chat and learns the user's /lang choice, unless it is cached already."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.core.chats import SeenChat, SeenUpdate, SeenUser, claim_update
from bot.telegram.context import (
    StudyContext,
    get_services,
    knows_language_choice,
    remember_language_choice,
)

log = logging.getLogger(__name__)


def seen_update(update: Update, *, wants_language: bool = True) -> SeenUpdate:
    """The plain data a claim needs: the update id, its (human) user and its chat."""
    user = update.effective_user
    chat = update.effective_chat
    return SeenUpdate(
        update_id=update.update_id,
        user=None
        if user is None or user.is_bot
        else SeenUser(user.id, user.first_name, user.language_code),
        chat=None
        if chat is None
        else SeenChat(chat.id, chat.type, chat.title or chat.full_name or chat.username),
        wants_language=wants_language,
    )


async def claim_and_record(update: Update, context: StudyContext) -> None:
    """Raise ApplicationHandlerStop for an update id already handled."""
    seen = seen_update(update, wants_language=not knows_language_choice(context))
    result = await claim_update(get_services(context), seen)
    if not result.first_time:
        log.info("update %s seen before: ignored", update.update_id)
        raise ApplicationHandlerStop
    if result.language_read:
        remember_language_choice(context, result.explicit_lang)


def claim_handler() -> TypeHandler[Update, StudyContext, None]:
    return TypeHandler(Update, claim_and_record)
