"""Every feature's commands, text, buttons, votes and inline queries as PTB handlers, built from
the declarations in bot.features.catalog: each turns an update into a ``Request``, runs the use
case, and delivers the answer. Nothing here decides what the bot says."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import replace

from telegram import Chat, ChatMember, Message, MessageEntity, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot.core.delivery import deliver
from bot.core.feature import Command, Feature, PollVote, Request, SentFile
from bot.core.ports import ChatUnreachable, Target
from bot.core.replies import Outgoing, Poll
from bot.features.catalog import FEATURES, find_button
from bot.features.search.cards import expired
from bot.features.search.help import unknown_command
from bot.settings import Settings
from bot.telegram import render
from bot.telegram.context import (
    StudyContext,
    asker_for,
    get_services,
    language_for,
    remember_language_choice,
)
from bot.telegram.menus import set_owner_menu
from bot.telegram.sender import TelegramSender

log = logging.getLogger(__name__)

NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits of old messages are not new questions
MESSAGES_AND_CHANNEL_POSTS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
# A press whose answer takes longer (rebuilding a chat's notes) is answered at once with no toast,
# so the client stops spinning and Telegram never calls the query too old; its edits follow.
SLOW_BUTTON_SECONDS = 1.5


async def is_chat_admin(
    context: StudyContext, chat: Chat, message: Message | None, user_id: int | None
) -> bool:
    """True for the chat's owner and administrators (asked with getChatMember), and for an
    anonymous admin writing as the group itself."""
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    if user_id is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user_id)
    except TelegramError as exc:
        log.info("getChatMember failed in %s: %s", chat.id, exc)
        return False
    return member.status in ADMIN_STATUSES


def _target(update: Update) -> Target | None:
    """Where the answer goes: the chat, quoting the message in groups, in the same topic."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return None
    quote = chat.type not in (Chat.PRIVATE, Chat.CHANNEL)
    return Target(
        chat.id,
        reply_to=message.message_id if quote else None,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


async def _request(update: Update, context: StudyContext, text: str) -> Request:
    chat = update.effective_chat
    message = update.effective_message
    user = update.effective_user
    asker = await asker_for(update, context)
    for feature in FEATURES:
        if feature.before_request is not None:
            await feature.before_request(get_services(context), asker.chat_id)

    async def is_admin() -> bool:
        if chat is None:
            return False
        return await is_chat_admin(context, chat, message, user.id if user else None)

    target = _target(update)

    async def say(items: Sequence[Outgoing]) -> None:
        if target is not None:
            await deliver(get_services(context), TelegramSender(context.bot), target, items)

    async def typing() -> None:
        if chat is not None:
            with contextlib.suppress(TelegramError):  # only a hint that work is under way
                await context.bot.send_chat_action(chat.id, ChatAction.TYPING)

    progress_message: list[Message] = []  # the one progress message, once sent

    async def report(text: str) -> None:
        if target is None:
            return
        try:
            if not progress_message:
                progress_message.append(
                    await context.bot.send_message(
                        target.chat_id,
                        text,
                        reply_parameters=render.reply_parameters(target.reply_to),
                        message_thread_id=target.thread_id,
                    )
                )
            else:
                await progress_message[0].edit_text(text)
        except TelegramError as exc:  # progress is a courtesy: the answer still follows
            log.info("progress message in %s failed: %s", target.chat_id, exc)

    return Request(
        asker=asker,
        text=text,
        chat_type=chat.type if chat is not None else Chat.PRIVATE,
        chat_title=chat.title if chat is not None else None,
        is_admin=is_admin,
        say=say,
        typing=typing,
        report=report,
    )


async def _answer(update: Update, context: StudyContext, items: Sequence[Outgoing]) -> None:
    target = _target(update)
    if target is not None and items:
        await deliver(get_services(context), TelegramSender(context.bot), target, items)


def _command_handler(command: Command, settings: Settings) -> CommandHandler:
    async def on_command(update: Update, context: StudyContext) -> None:
        text = " ".join(context.args or [])
        request = await _request(update, context, text)
        await _answer(update, context, await command.run(get_services(context), request))
        if command.owner_only and request.asker.user_id is not None:
            await set_owner_menu(context.application, request.asker.user_id)

    if command.owner_only:
        where: filters.BaseFilter = (
            NEW_MESSAGES & filters.ChatType.PRIVATE & filters.User(user_id=settings.admin_ids)
        )
    elif command.in_channels:
        where = MESSAGES_AND_CHANNEL_POSTS
    else:
        where = NEW_MESSAGES
    if not command.in_groups:
        where = where & filters.ChatType.PRIVATE
    return CommandHandler(command.name, on_command, filters=where)


def _sent_via_this_bot(message: Message, bot_id: int) -> bool:
    return message.via_bot is not None and message.via_bot.id == bot_id


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


def _text_handlers(feature: Feature) -> list[BaseHandler]:
    run = feature.on_text
    assert run is not None

    async def on_private_text(update: Update, context: StudyContext) -> None:
        """In a private chat every text is for the feature (not passages sent via inline)."""
        message = update.effective_message
        if message is None or _sent_via_this_bot(message, context.bot.id):
            return
        request = await _request(update, context, message.text or "")
        await _answer(update, context, await run(get_services(context), request))

    async def on_group_text(update: Update, context: StudyContext) -> None:
        """In groups only messages addressed to the bot; ordinary chatter is ignored."""
        message = update.effective_message
        if message is None:
            return
        query = addressed_query(message, context.bot.id, context.bot.username or "")
        if query is None:
            return
        request = await _request(update, context, query)
        await _answer(update, context, await run(get_services(context), request))

    return [
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
            on_private_text,
        ),
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
            on_group_text,
        ),
    ]


async def on_button(update: Update, context: StudyContext) -> None:
    """Any button: the feature that declared its kind answers; anything else has expired."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    request = await _request(update, context, data)
    route = find_button(data)
    services = get_services(context)
    if route is None:
        answer, answered = expired(request.asker.lang), False
    else:
        work = asyncio.ensure_future(route.run(services, request))
        answered = not (await asyncio.wait({work}, timeout=SLOW_BUTTON_SECONDS))[0]
        if answered:
            with contextlib.suppress(TelegramError):
                await query.answer()
        answer = await work
    if answer.language is not None:
        remember_language_choice(context, answer.language)
    polls = [item for item in answer.replies if isinstance(item, Poll)]
    others = tuple(item for item in answer.replies if not isinstance(item, Poll))
    await render.answer_button(
        context.bot, query, replace(answer, replies=others), answered=answered
    )
    message = query.message if isinstance(query.message, Message) else None
    if polls and message is not None:
        await deliver(services, TelegramSender(context.bot), Target(message.chat_id), polls)


def _vote_handler(feature: Feature) -> PollAnswerHandler:
    run = feature.on_poll_answer
    assert run is not None

    async def on_poll_answer(update: Update, context: StudyContext) -> None:
        """A vote in a non-anonymous quiz; the follow-up goes to the student's private chat."""
        answer = update.poll_answer
        if answer is None or answer.user is None:
            return  # a vote cast on behalf of a chat (voter_chat) cannot count for a student
        vote = PollVote(
            poll_id=answer.poll_id,
            user_id=answer.user.id,
            first_name=answer.user.first_name,
            lang=await language_for(update, context),
            option_ids=tuple(answer.option_ids),
        )
        replies = await run(get_services(context), vote)
        if not replies:
            return
        try:
            services = get_services(context)
            await deliver(services, TelegramSender(context.bot), Target(answer.user.id), replies)
        except ChatUnreachable:
            log.info("user %s blocked the bot: no follow-up after the answer", answer.user.id)

    return PollAnswerHandler(on_poll_answer)


def _document_handler(feature: Feature) -> MessageHandler:
    run = feature.on_document
    assert run is not None

    async def on_document(update: Update, context: StudyContext) -> None:
        """A file sent to the bot (in groups the feature decides whether it is for the bot)."""
        message = update.effective_message
        if message is None or message.document is None:
            return
        document = message.document

        async def fetch() -> bytes:
            file = await context.bot.get_file(document.file_id)
            return bytes(await file.download_as_bytearray())

        sent = SentFile(name=document.file_name or "", size=document.file_size, fetch=fetch)
        request = await _request(update, context, message.caption or "")
        await _answer(update, context, await run(get_services(context), request, sent))

    return MessageHandler(NEW_MESSAGES & filters.Document.ALL, on_document)


def _inline_handler(feature: Feature) -> InlineQueryHandler:
    run = feature.on_inline
    assert run is not None

    async def on_inline_query(update: Update, context: StudyContext) -> None:
        query = update.inline_query
        if query is None:
            return
        request = await _request(update, context, query.query)
        await render.answer_inline(query, await run(get_services(context), request))

    return InlineQueryHandler(on_inline_query)


async def on_unknown_command(update: Update, context: StudyContext) -> None:
    """A /command nobody handles: a hint in private chats, silence in groups."""
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE:
        return
    await _answer(update, context, [unknown_command(await asker_for(update, context))])


def feature_handlers(settings: Settings) -> list[BaseHandler]:
    """Group 0, in order: every command, then text, votes, inline queries, files, buttons, and
    last the catch-alls (an unknown command; a button no feature knows answers "expired")."""
    handlers: list[BaseHandler] = [
        _command_handler(command, settings) for feature in FEATURES for command in feature.commands
    ]
    for feature in FEATURES:
        if feature.on_text is not None:
            handlers.extend(_text_handlers(feature))
        if feature.on_poll_answer is not None:
            handlers.append(_vote_handler(feature))
        if feature.on_inline is not None:
            handlers.append(_inline_handler(feature))
        if feature.on_document is not None:
            handlers.append(_document_handler(feature))
    handlers.append(CallbackQueryHandler(on_button))
    handlers.append(MessageHandler(NEW_MESSAGES & filters.COMMAND, on_unknown_command))
    return handlers
