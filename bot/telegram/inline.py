"""Inline mode: ``@bot words`` in any chat offers up to 10 passages to send."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, InlineQueryHandler

from bot.core.search import inline_answer
from bot.telegram import render
from bot.telegram.context import asker_for, get_services


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    asker = await asker_for(update, context)
    answer = await inline_answer(get_services(context), asker, query.query)
    await render.answer_inline(query, answer)


def inline_handler() -> InlineQueryHandler:
    return InlineQueryHandler(on_inline_query)
