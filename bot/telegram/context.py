"""Typed access to the shared services in ``bot_data``, and who is asking (``Asker``)."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import Application, ContextTypes

from bot.core.lang import choose_language
from bot.core.replies import Asker
from bot.core.services import AppServices

SERVICES_KEY = "services"
_EXPLICIT_LANG = "explicit_lang"  # user_data cache of the stored /lang choice ("" = none)


def get_services(context: ContextTypes.DEFAULT_TYPE | Application) -> AppServices:
    """The ``AppServices`` of the running application (set at start-up by bot.telegram.app)."""
    application = context if isinstance(context, Application) else context.application
    return application.bot_data[SERVICES_KEY]


def remember_language_choice(context: ContextTypes.DEFAULT_TYPE, lang: str | None) -> None:
    """Cache the user's stored /lang choice (None: none) for ``language_for``: dedupe reads it
    with its claim when not cached yet, /lang sets it when the user chooses."""
    if context.user_data is not None:
        context.user_data[_EXPLICIT_LANG] = lang or ""


def knows_language_choice(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True when the update's user's /lang choice is cached (``remember_language_choice``)."""
    return context.user_data is not None and _EXPLICIT_LANG in context.user_data


async def language_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The UI language of the update's user (cached /lang choice, else Telegram's code).
    Reads the database only for a user dedupe did not see (a bot, or the claim failed)."""
    user = update.effective_user
    if user is None:
        return "en"
    cached = context.user_data.get(_EXPLICIT_LANG) if context.user_data is not None else None
    if cached is None:
        services = get_services(context)
        cached = ""
        if services.db is not None:
            from bot.db.users import user_language

            async with services.db.session() as session:
                cached = await user_language(session, user.id) or ""
        remember_language_choice(context, cached)
    return choose_language(cached or None, user.language_code)


def bot_username(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The bot's @username without "@" (empty before the bot is initialised)."""
    try:
        return context.bot.username or ""
    except RuntimeError:
        return ""


async def asker_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Asker:
    """Who is asking, in the core's terms."""
    user = update.effective_user
    chat = update.effective_chat
    return Asker(
        user_id=user.id if user else None,
        chat_id=chat.id if chat else (user.id if user else 0),
        lang=await language_for(update, context),
        private=chat is None or chat.type == Chat.PRIVATE,
        bot_username=bot_username(context),
        first_name=user.first_name if user else "",
    )
