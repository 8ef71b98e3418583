"""The command menus (setMyCommands), from the features' declarations: per scope (private chats,
groups, group admins) in en and es, plus each owner's own private-chat menu with the owner-only
commands. Sent at start-up; an owner's menu again after their first command if Telegram refused
it then (it does not know a chat the owner never opened)."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError
from telegram.ext import Application

from bot.core.feature import ADMIN, GROUP, PRIVATE, Command
from bot.features.catalog import all_commands
from bot.i18n import LANGUAGES, tr

log = logging.getLogger(__name__)

MAX_COMMANDS = 100

_SCOPES: dict[str, BotCommandScope] = {
    PRIVATE: BotCommandScopeAllPrivateChats(),
    GROUP: BotCommandScopeAllGroupChats(),
    ADMIN: BotCommandScopeAllChatAdministrators(),
}


def _bot_command(command: Command, lang: str) -> BotCommand:
    return BotCommand(command.name, tr(lang, command.menu or "")[:256])


def menu_for(scope: str, lang: str, *, owner: bool = False) -> list[BotCommand]:
    """The menu of ``scope`` in ``lang``: admins also see every group command; an owner's
    private menu adds the owner-only commands."""
    wanted = {GROUP, ADMIN} if scope == ADMIN else {scope}
    return [
        _bot_command(c, lang)
        for c in all_commands()
        if c.menu and c.scopes & wanted and (owner or not c.owner_only)
    ][:MAX_COMMANDS]


async def set_command_menus(application: Application) -> None:
    """setMyCommands for every scope, once per language plus the default (English) menu."""
    for scope_name, scope in _SCOPES.items():
        for lang in (None, *LANGUAGES):
            commands = menu_for(scope_name, lang or "en")
            await application.bot.set_my_commands(commands, scope=scope, language_code=lang)
    log.info("command menus set")


async def set_owner_menu(application: Application, owner_id: int) -> bool:
    """setMyCommands for the owner's private chat (each language); once per run. False when
    Telegram refuses: tried again on their next command."""
    done: set[int] = application.bot_data.owner_menus
    if owner_id in done:
        return True
    scope = BotCommandScopeChat(owner_id)
    try:
        for lang in (None, *LANGUAGES):
            commands = menu_for(PRIVATE, lang or "en", owner=True)
            await application.bot.set_my_commands(commands, scope=scope, language_code=lang)
    except TelegramError as error:
        log.info("could not set the owner menu for %s: %s", owner_id, error)
        return False
    done.add(owner_id)
    return True
