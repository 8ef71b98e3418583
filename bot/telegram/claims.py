"""Handler group -1, exactly-once handling: an update comes with its inbox receipt
(bot.telegram.inbox: stored, its user and chat recorded, the user's /lang choice read); one that
did not pass through the inbox is claimed here (bot.core.chats). A repeated update stops here,
and so does one whose claim failed (it stays pending, or is fetched again)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.core.chats import SeenChat, SeenUpdate, SeenUser, claim_update
from bot.core.inbox import Handling
from bot.telegram.context import (
    StudyContext,
    get_services,
    knows_language_choice,
    remember_language_choice,
)
from bot.telegram.inbox import (
    Receipt,
    begin,
    bot_id_of,
    inbox_queue,
    on_handled,
    stop_handling_after_failed_claim,
)

log = logging.getLogger(__name__)


def seen_update(
    update: Update, *, wants_language: bool = True, bot_id: int = 0, payload: str = ""
) -> SeenUpdate:
    """The plain data a claim needs: the update's key, its raw JSON, its (human) user and
    its chat."""
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
        bot_id=bot_id,
        payload=payload,
    )


async def claim_and_record(update: Update, context: StudyContext) -> None:
    """Raise ApplicationHandlerStop for an update already handled, or not claimed."""
    queue = inbox_queue(context.application)
    receipt = queue.take(update.update_id) if queue is not None else None
    if receipt is None:  # not through the inbox queue (an Application fed by hand)
        bot_id = queue.bot_id if queue is not None else bot_id_of(context.bot.token)
        seen = seen_update(
            update,
            wants_language=not knows_language_choice(context),
            bot_id=bot_id,
            payload=update.to_json(),
        )
        try:
            claimed = await claim_update(get_services(context), seen)
        except Exception as error:
            stop_handling_after_failed_claim(update.update_id, error)
        if not claimed.first_time:
            log.info("update %s seen before: ignored", update.update_id)
            raise ApplicationHandlerStop
        receipt = Receipt(Handling(bot_id, update.update_id, notes_read=claimed.notes), claimed)
    begin(context, update, receipt)
    result = receipt.claim
    if result.language_read:
        remember_language_choice(context, result.explicit_lang)


def claim_handler() -> TypeHandler[Update, StudyContext, None]:
    return TypeHandler(Update, claim_and_record)


def handled_handler() -> TypeHandler[Update, StudyContext, None]:
    """The last group: mark the update done (or set aside, or retry it)."""
    return TypeHandler(Update, on_handled)
