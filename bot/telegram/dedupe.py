"""Exactly-once handling: every update is claimed in the database before any handler runs;
a repeated update id stops there. Also records the user and chat the update comes from."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.telegram.context import get_services

log = logging.getLogger(__name__)


async def claim_and_record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: raise ApplicationHandlerStop for an update id already handled."""
    services = get_services(context)
    if services.db is None:
        return
    from bot.db.chats import upsert_chat
    from bot.db.updates import claim_update
    from bot.db.users import upsert_user

    async with services.db.session() as session:
        first_time = await claim_update(session, update.update_id)
        if first_time:
            user = update.effective_user
            chat = update.effective_chat
            if user is not None and not user.is_bot:
                await upsert_user(session, user.id, user.first_name, user.language_code)
            if chat is not None:
                title = chat.title or chat.full_name or chat.username
                await upsert_chat(session, chat.id, chat.type, title)
    if not first_time:
        log.info("update %s seen before: ignored", update.update_id)
        raise ApplicationHandlerStop


def dedupe_handler() -> TypeHandler:
    return TypeHandler(Update, claim_and_record)
