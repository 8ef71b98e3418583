"""Typed state for PTB (``ContextTypes``): what ``bot_data`` and ``user_data`` hold, and who is
asking (``Asker``) in the core's terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import Chat, Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.core.chats import channel_language
from bot.core.lang import choose_language, explicit_language
from bot.core.replies import Asker
from bot.core.services import AppServices
from bot.settings import Settings


@dataclass
class BotData:
    """``bot_data``: the services (opened at start-up unless given), and what the adapter keeps."""

    settings: Settings | None = None
    services: AppServices | None = None
    owns_services: bool = False  # opened here at start-up, so closed here at shut-down
    owner_menus: set[int] = field(default_factory=set)  # owners whose chat menu is set


@dataclass
class UserData:
    """``user_data``: the user's stored /lang choice, once known ("" = none)."""

    explicit_lang: str | None = None


CONTEXT_TYPES = ContextTypes(bot_data=BotData, user_data=UserData)
StudyContext = CallbackContext[ExtBot[None], UserData, dict, BotData]
StudyApplication = Application


def get_services(context: StudyContext | Application) -> AppServices:
    """The ``AppServices`` of the running application (set at start-up by bot.telegram.app)."""
    bot_data: BotData = context.bot_data
    if bot_data.services is None:
        raise RuntimeError("the services are not open yet")
    return bot_data.services


def remember_language_choice(context: StudyContext, lang: str | None) -> None:
    """Cache the user's stored /lang choice (None: none) for ``language_for``."""
    if context.user_data is not None:
        context.user_data.explicit_lang = lang or ""


def knows_language_choice(context: StudyContext) -> bool:
    """True when the update's user's /lang choice is cached (``remember_language_choice``)."""
    return context.user_data is not None and context.user_data.explicit_lang is not None


async def language_for(update: Update, context: StudyContext) -> str:
    """The UI language of the update's user (cached /lang choice, else Telegram's code).
    Reads the database only for a user the claim did not see (a bot, or the claim failed)."""
    user = update.effective_user
    if user is None:
        return "en"
    cached = context.user_data.explicit_lang if context.user_data is not None else None
    if cached is None:
        cached = await explicit_language(get_services(context), user.id) or ""
        remember_language_choice(context, cached)
    return choose_language(cached or None, user.language_code)


def bot_username(context: StudyContext) -> str:
    """The bot's @username without "@" (empty before the bot is initialised)."""
    try:
        return context.bot.username or ""
    except RuntimeError:
        return ""


async def asker_for(update: Update, context: StudyContext) -> Asker:
    """Who is asking, in the core's terms (in a channel, with no sender: the chat's language)."""
    user = update.effective_user
    chat = update.effective_chat
    if chat is not None and chat.type == Chat.CHANNEL and user is None:
        lang = await channel_language(get_services(context), chat.id)
        return Asker(user_id=None, chat_id=chat.id, lang=lang, private=False)
    return Asker(
        user_id=user.id if user else None,
        chat_id=chat.id if chat else (user.id if user else 0),
        lang=await language_for(update, context),
        private=chat is None or chat.type == Chat.PRIVATE,
        bot_username=bot_username(context),
        first_name=user.first_name if user else "",
    )
