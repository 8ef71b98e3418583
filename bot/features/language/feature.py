"""The language feature's declaration: /lang and its English / Español buttons."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import callbacks as codec
from bot.core.feature import ButtonRoute, Command, Feature, Request
from bot.core.lang import language_menu, set_language
from bot.core.replies import ButtonAnswer, Notice, Outgoing
from bot.core.services import AppServices
from bot.i18n import N_, tr


async def lang_command(services: AppServices, request: Request) -> Sequence[Outgoing]:
    """``/lang``: the menu of languages, as buttons."""
    return [language_menu(request.asker)]


async def lang_button(services: AppServices, request: Request) -> ButtonAnswer:
    action = codec.decode(request.text)
    if isinstance(action, codec.SetLanguage):
        return await set_language(services, request.asker, action.lang)
    return ButtonAnswer(Notice(tr(request.asker.lang, "This button has expired.")))


LANGUAGE = Feature(
    name="language",
    commands=(Command("lang", lang_command, menu=N_("Change the language")),),
    buttons=(ButtonRoute((codec.LANGUAGE,), lang_button),),
    help_lines=(N_("🌐 /lang changes my language."),),
)
