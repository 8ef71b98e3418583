"""Core replies → Bot API calls: HTML messages with inline keyboards, edits, photos, button
answers and inline-query answers. HTML parse mode and no link previews come from the
application's PTB ``Defaults`` (``DEFAULTS``); quiz polls go through bot.telegram.sender."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Defaults

from bot.core.replies import (
    ButtonAnswer,
    InlineAnswer,
    Keyboard,
    Outgoing,
    Photo,
    Reply,
)
from bot.core.text import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    cut_plain,
    html_to_plain,
    split_plain,
    visible_length,
)

log = logging.getLogger(__name__)

DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
)


def keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    """The inline keyboard for ``buttons`` (None when there are none)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.text, callback_data=b.data)
                if b.data is not None
                else InlineKeyboardButton(b.text, url=b.url)
                for b in row
            ]
            for row in buttons
            if row
        ]
    )


def safe_texts(text: str) -> list[str]:
    """``text`` as one message, or (a core bug: too long) escaped plain pieces that each fit."""
    if visible_length(text) <= MESSAGE_LIMIT:
        return [text]
    log.warning("reply of %d units split by the renderer", visible_length(text))
    return [html.escape(piece) for piece in split_plain(html_to_plain(text), MESSAGE_LIMIT)]


def reply_parameters(message_id: int | None) -> ReplyParameters | None:
    """Quote ``message_id`` (still sending when it is gone)."""
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


async def send(
    bot: Bot,
    chat_id: int,
    items: Sequence[Outgoing],
    *,
    reply_to: int | None = None,
    edit: Message | None = None,
    inline_message_id: str | None = None,
    thread_id: int | None = None,
) -> list[Message]:
    """Send ``items`` to ``chat_id`` in order; a ``Reply(edit=True)`` edits ``edit`` (or the inline
    message) instead when there is one. Only the first message quotes ``reply_to``.
    Returns the messages sent (polls included), so callers can record poll ids."""
    sent: list[Message] = []
    for item in items:
        editable = edit is not None or inline_message_id
        if (
            isinstance(item, Reply)
            and item.edit
            and editable
            and await _edit(bot, item, edit, inline_message_id)
        ):
            continue
        message = await _send_one(bot, chat_id, item, reply_parameters(reply_to), thread_id)
        sent.extend(message)
        reply_to = None
    return sent


async def _edit(
    bot: Bot, reply: Reply, message: Message | None, inline_message_id: str | None
) -> bool:
    """Edit in place; False when Telegram refuses (then the caller sends a new message)."""
    texts = safe_texts(reply.text)
    if len(texts) != 1:
        return False
    try:
        if inline_message_id:
            await bot.edit_message_text(
                texts[0],
                inline_message_id=inline_message_id,
                reply_markup=keyboard(reply.buttons),
            )
        else:
            assert message is not None
            await bot.edit_message_text(
                texts[0],
                chat_id=message.chat_id,
                message_id=message.message_id,
                reply_markup=keyboard(reply.buttons),
            )
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return True
        log.info("could not edit a message (%s): sending a new one", exc.message)
        return False
    return True


async def _send_one(
    bot: Bot,
    chat_id: int,
    item: Outgoing,
    reply_parameters: ReplyParameters | None,
    thread_id: int | None,
) -> list[Message]:
    if isinstance(item, Reply):
        texts = safe_texts(item.text)
        messages = []
        for index, text in enumerate(texts):
            last = index == len(texts) - 1
            messages.append(
                await bot.send_message(
                    chat_id,
                    text,
                    reply_markup=keyboard(item.buttons) if last else None,
                    reply_parameters=reply_parameters if index == 0 else None,
                    message_thread_id=thread_id,
                )
            )
        return messages
    if isinstance(item, Photo):
        caption = item.caption
        if visible_length(caption) > CAPTION_LIMIT:
            caption = html.escape(cut_plain(html_to_plain(caption), CAPTION_LIMIT))
        return [
            await bot.send_photo(
                chat_id,
                item.png,
                caption=caption or None,
                reply_markup=keyboard(item.buttons),
                reply_parameters=reply_parameters,
                message_thread_id=thread_id,
            )
        ]
    raise TypeError(f"cannot render {type(item).__name__}")


async def answer_button(
    bot: Bot, query: CallbackQuery, answer: ButtonAnswer, *, answered: bool = False
) -> list[Message]:
    """Answer a button press: the toast first (always, so the client stops spinning, unless the
    query was ``answered`` already), then the messages or edits."""
    if not answered:
        try:
            await query.answer(
                cut_plain(answer.notice.text, 200) or None, show_alert=answer.notice.alert
            )
        except BadRequest as exc:  # e.g. "query is too old": still deliver the replies
            log.info("callback query not answered: %s", exc.message)
    message = query.message if isinstance(query.message, Message) else None
    chat_id = message.chat_id if message else (query.from_user.id if query.from_user else 0)
    if not answer.replies:
        return []
    return await send(
        bot,
        chat_id,
        answer.replies,
        edit=message,
        inline_message_id=query.inline_message_id,
        thread_id=message.message_thread_id if message and message.is_topic_message else None,
    )


async def answer_inline(query: InlineQuery, answer: InlineAnswer) -> None:
    """Answer an inline query with articles whose message is the HTML passage card."""
    results = [
        InlineQueryResultArticle(
            id=article.id,
            title=article.title or "…",
            description=article.description or None,
            input_message_content=InputTextMessageContent(
                safe_texts(article.text)[0],
            ),
            reply_markup=keyboard(article.buttons),
        )
        for article in answer.articles[:50]
    ]
    button = None
    if answer.start_button_text and answer.start_parameter:
        button = InlineQueryResultsButton(
            answer.start_button_text, start_parameter=answer.start_parameter
        )
    await query.answer(
        results, cache_time=answer.cache_time, is_personal=answer.is_personal, button=button
    )
