"""The command menus (setMyCommands) per scope — private chats, groups, group admins — in en and es.

Features add their commands with :func:`add_menu_commands` while registering handlers; the menus
are sent once at start-up by :func:`set_command_menus`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.ext import Application

from bot.core.help import GENERIC_COMMANDS
from bot.i18n import LANGUAGES, tr

log = logging.getLogger(__name__)

MENU_KEY = "menu_commands"
PRIVATE, GROUP, ADMIN = "private", "group", "admin"
_NAME = re.compile(r"[a-z0-9_]{1,32}")


@dataclass(frozen=True, slots=True)
class MenuCommand:
    """A command shown in the menu of the given scopes; ``description`` is a catalog msgid."""

    name: str
    description: str
    scopes: frozenset[str] = frozenset({PRIVATE, GROUP, ADMIN})

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"invalid command name {self.name!r}")


SEARCH_MENU = (
    MenuCommand("search", GENERIC_COMMANDS["search"]),
    MenuCommand("help", GENERIC_COMMANDS["help"]),
    MenuCommand("lang", GENERIC_COMMANDS["lang"]),
    MenuCommand("start", GENERIC_COMMANDS["start"], frozenset({PRIVATE})),
)


def add_menu_commands(application: Application, *commands: MenuCommand) -> None:
    """Add commands to the menus (a later command with the same name replaces the earlier one)."""
    menu: dict[str, MenuCommand] = application.bot_data.setdefault(MENU_KEY, {})
    for command in commands:
        menu[command.name] = command


def menu_for(application: Application, scope: str, lang: str) -> list[BotCommand]:
    """The menu of ``scope`` in ``lang``: admins also see every group command."""
    menu: dict[str, MenuCommand] = application.bot_data.get(MENU_KEY, {})
    wanted = {GROUP, ADMIN} if scope == ADMIN else {scope}
    return [
        BotCommand(c.name, tr(lang, c.description)[:256])
        for c in menu.values()
        if c.scopes & wanted
    ][:100]


_SCOPES: dict[str, BotCommandScope] = {
    PRIVATE: BotCommandScopeAllPrivateChats(),
    GROUP: BotCommandScopeAllGroupChats(),
    ADMIN: BotCommandScopeAllChatAdministrators(),
}


async def set_command_menus(application: Application) -> None:
    """setMyCommands for every scope, once per language plus the default (English) menu."""
    for scope_name, scope in _SCOPES.items():
        for lang in (None, *LANGUAGES):
            commands = menu_for(application, scope_name, lang or "en")
            await application.bot.set_my_commands(commands, scope=scope, language_code=lang)
    log.info("command menus set")
