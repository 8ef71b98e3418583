"""Search entry points: /start (deep links), /help, /search, /lang, private text, and group
messages addressed to the bot (@mention or a reply to one of its messages)."""

from __future__ import annotations

from telegram import Message, MessageEntity, Update
from telegram.ext import CommandHandler, ContextTypes, MessageHandler, filters

from bot.core import help as help_core
from bot.core.lang import language_menu
from bot.core.replies import Outgoing
from bot.core.search import search_reply
from bot.telegram import render
from bot.telegram.context import asker_for, get_services

NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits of old messages are not new questions


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, items: list[Outgoing]) -> None:
    """Send ``items`` in answer to the update's message (quoting it in groups, same topic)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    private = chat.type == chat.PRIVATE
    await render.send(
        context.bot,
        chat.id,
        items,
        reply_to=None if private else message,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    asker = await asker_for(update, context)
    payload = " ".join(context.args or [])
    await reply(update, context, await help_core.start_reply(get_services(context), asker, payload))


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, context, [help_core.help_reply(await asker_for(update, context))])


async def on_search_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    asker = await asker_for(update, context)
    query = " ".join(context.args or [])
    await reply(update, context, await search_reply(get_services(context), asker, query))


async def on_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, context, [language_menu(await asker_for(update, context))])


def _sent_via_this_bot(message: Message, bot_id: int) -> bool:
    return message.via_bot is not None and message.via_bot.id == bot_id


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat every text is a search (except passages posted via inline mode)."""
    message = update.effective_message
    if message is None or _sent_via_this_bot(message, context.bot.id):
        return
    asker = await asker_for(update, context)
    await reply(update, context, await search_reply(get_services(context), asker, message.text))


def addressed_query(message: Message, bot_id: int, bot_username: str) -> str | None:
    """The query of a group message addressed to the bot (mention or reply), else None.

    Mentions of the bot are removed from the text; "" means addressed but with no words.
    """
    text = message.text or ""
    mentioned = False
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    for entity, value in sorted(entities.items(), key=lambda item: -item[0].offset):
        is_us = (
            entity.type == MessageEntity.MENTION
            and bot_username
            and value.lower() == f"@{bot_username.lower()}"
        ) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id
        )
        if is_us:
            mentioned = True
            text = text.replace(value, " ")
    replied = message.reply_to_message
    to_us = replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    if not (mentioned or to_us) or _sent_via_this_bot(message, bot_id):
        return None
    return " ".join(text.split())


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups answer only messages addressed to the bot; ordinary chatter is ignored."""
    message = update.effective_message
    if message is None:
        return
    query = addressed_query(message, context.bot.id, context.bot.username or "")
    if query is None:
        return
    asker = await asker_for(update, context)
    if not query:
        await reply(update, context, [help_core.mention_hint(asker)])
        return
    await reply(update, context, await search_reply(get_services(context), asker, query))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command nobody handles: a hint in private chats, silence in groups."""
    chat = update.effective_chat
    if chat is None or chat.type != chat.PRIVATE:
        return
    await reply(update, context, [help_core.unknown_command(await asker_for(update, context))])


def search_handlers() -> list:
    """The search feature's handlers, in the order they must be tried (handler group 0)."""
    return [
        CommandHandler("start", on_start, filters=NEW_MESSAGES),
        CommandHandler("help", on_help, filters=NEW_MESSAGES),
        CommandHandler("search", on_search_command, filters=NEW_MESSAGES),
        CommandHandler("lang", on_lang, filters=NEW_MESSAGES),
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
            on_private_text,
        ),
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
            on_group_text,
        ),
    ]


def unknown_command_handler() -> MessageHandler:
    """Registered after every feature's commands."""
    return MessageHandler(NEW_MESSAGES & filters.COMMAND, on_unknown_command)
