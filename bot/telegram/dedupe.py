"""Exactly-once handling: every update is claimed in the database before any handler runs;
a repeated update id stops there. Also records the user and chat the update comes from and
learns the user's /lang choice (unless cached), in the one transaction shared by the updates
handled at the same moment (``bot.db.claims.UpdateClaims``)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.db.claims import SeenChat, SeenUpdate, SeenUser, UpdateClaims
from bot.telegram.context import get_services, knows_language_choice, remember_language_choice

log = logging.getLogger(__name__)

CLAIMS_KEY = "update_claims"  # bot_data: this Application's UpdateClaims


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


def update_claims(context: ContextTypes.DEFAULT_TYPE) -> UpdateClaims | None:
    """This Application's claims coalescer (made on first use), or None without a database."""
    db = get_services(context).db
    if db is None:
        return None
    claims = context.bot_data.get(CLAIMS_KEY)
    if claims is None or claims.db is not db:
        claims = context.bot_data[CLAIMS_KEY] = UpdateClaims(db)
    return claims


async def claim_and_record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: raise ApplicationHandlerStop for an update id already handled."""
    claims = update_claims(context)
    if claims is None:
        return
    seen = seen_update(update, wants_language=not knows_language_choice(context))
    result = await claims.claim(seen)
    if not result.first_time:
        log.info("update %s seen before: ignored", update.update_id)
        raise ApplicationHandlerStop
    if result.language_read:
        remember_language_choice(context, result.explicit_lang)


def dedupe_handler() -> TypeHandler:
    return TypeHandler(Update, claim_and_record)
