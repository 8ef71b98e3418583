"""Button presses of the search feature (◀ ▶, full note, did-you-mean, language) and the
catch-all that answers any other button "this button has expired"."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.core import callbacks as codec
from bot.core.lang import set_language
from bot.core.search import expired, show_full_note, show_page
from bot.telegram import render
from bot.telegram.context import asker_for, get_services, remember_language_choice

SEARCH_PATTERN = re.compile(r"^(s1|n1|l1):")


async def on_search_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    asker = await asker_for(update, context)
    services = get_services(context)
    action = codec.decode(query.data)
    if isinstance(action, codec.SearchPage):
        answer = await show_page(services, asker, action.key, action.page)
    elif isinstance(action, codec.FullNote):
        answer = await show_full_note(services, asker, action.chunk_id)
    elif isinstance(action, codec.SetLanguage):
        answer = await set_language(services, asker, action.lang)
        if answer.replies:
            remember_language_choice(context, action.lang)
    else:
        answer = expired(asker.lang)
    await render.answer_button(context.bot, query, answer)


async def on_expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button no feature understood (forged, stale, another bot's): answer politely."""
    query = update.callback_query
    if query is None:
        return
    asker = await asker_for(update, context)
    await render.answer_button(context.bot, query, expired(asker.lang))


def search_button_handler() -> CallbackQueryHandler:
    return CallbackQueryHandler(on_search_button, pattern=SEARCH_PATTERN)


def expired_button_handler() -> CallbackQueryHandler:
    """Registered after every feature's button handlers."""
    return CallbackQueryHandler(on_expired_button)
