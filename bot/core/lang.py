"""Choosing the UI language: an explicit /lang choice wins, else Telegram's language code."""

from __future__ import annotations

from bot.core.callbacks import SetLanguage
from bot.core.replies import Asker, Button, ButtonAnswer, Notice, Reply
from bot.core.services import AppServices
from bot.db.users import set_user_language
from bot.db.users import user_language as stored_language
from bot.i18n import LANGUAGES, tr

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def choose_language(explicit: str | None, telegram_code: str | None) -> str:
    """The UI language for a user: their /lang choice, else their Telegram client's language."""
    if explicit in LANGUAGES:
        return explicit
    if telegram_code and telegram_code.strip().lower().startswith("es"):
        return "es"
    return "en"


async def user_language(
    services: AppServices, user_id: int | None, telegram_code: str | None
) -> str:
    """Look up the stored /lang choice (if any) and combine it with the Telegram language code."""
    explicit = await explicit_language(services, user_id) if user_id is not None else None
    return choose_language(explicit, telegram_code)


async def explicit_language(services: AppServices, user_id: int) -> str | None:
    """The user's stored /lang choice, if they made one."""
    async with services.db.session() as session:
        return await stored_language(session, user_id)


def language_menu(asker: Asker) -> Reply:
    """The /lang message: two buttons, English and Español."""
    buttons = tuple(
        Button(("✓ " if code == asker.lang else "") + name, data=SetLanguage(code).encode())
        for code, name in LANGUAGE_NAMES.items()
    )
    return Reply(tr(asker.lang, "Choose the language I speak to you in:"), buttons=(buttons,))


async def set_language(
    services: AppServices, asker: Asker, lang: str, *, edit: bool = True
) -> ButtonAnswer:
    """Store ``lang`` as the user's choice and confirm in the new language (replacing the menu's
    message when ``edit``)."""
    if lang not in LANGUAGES:
        return ButtonAnswer(Notice(tr(asker.lang, "This button has expired.")))
    if asker.user_id is not None:
        async with services.db.session() as session:
            await set_user_language(session, asker.user_id, lang)
    done = tr(lang, "From now on I'll speak English with you.")
    return ButtonAnswer(Notice(done), (Reply(done, edit=edit),), language=lang)
