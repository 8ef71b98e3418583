"""The bot owner's /status and /reindex (private chat, ids in STUDYBOT_ADMIN_IDS); wired in by
bot.telegram.app. Anyone else falls through to the unknown-command answer, and the commands
appear only in the owners' own chat menus."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.core.admin import (
    ADMIN_COMMANDS,
    gather_status,
    parse_reindex_args,
    reindex_failed_reply,
    reindex_lock,
    reindex_queued,
    reindex_reply,
    reindex_usage,
    run_reindex,
    status_reply,
)
from bot.core.replies import Outgoing
from bot.i18n import LANGUAGES, tr
from bot.settings import Settings
from bot.telegram import render
from bot.telegram.commands_menu import PRIVATE, menu_for
from bot.telegram.context import asker_for, get_services

log = logging.getLogger(__name__)

STARTED_AT_KEY = "admin_started_at"  # bot_data: when the application was built (UTC)
OWNER_MENUS_KEY = "admin_owner_menus"  # bot_data: owner ids whose chat menu is already set


def owner_filter(settings: Settings) -> filters.BaseFilter:
    """New messages in a private chat from one of the owners (matches nobody when none is set)."""
    return (
        filters.UpdateType.MESSAGE
        & filters.ChatType.PRIVATE
        & filters.User(user_id=settings.admin_ids)
    )


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE, items: list[Outgoing]) -> None:
    chat = update.effective_chat
    if chat is not None:
        await render.send(context.bot, chat.id, items)


async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    asker = await asker_for(update, context)
    if asker.user_id is None:
        return
    report = await gather_status(
        get_services(context),
        started_at=context.bot_data[STARTED_AT_KEY],
        owner_id=asker.user_id,
        chat_id=asker.chat_id,
    )
    await _send(update, context, [status_reply(asker.lang, report)])
    await set_owner_menu(context.application, asker.user_id)


async def on_reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    asker = await asker_for(update, context)
    full = parse_reindex_args(context.args or [])
    if full is None:
        await _send(update, context, [reindex_usage(asker.lang)])
        return
    services = get_services(context)
    if reindex_lock(services).locked():
        await _send(update, context, [reindex_queued(asker.lang)])
    with contextlib.suppress(TelegramError):  # only a hint that work is under way
        await context.bot.send_chat_action(asker.chat_id, ChatAction.TYPING)
    try:
        outcome = await run_reindex(services, full=full)
    except Exception as error:  # the old index stays live: tell the owner why
        log.exception("reindex failed")
        await _send(update, context, [reindex_failed_reply(asker.lang, error)])
        return
    log.info("reindex by %s: %s", asker.user_id, outcome)
    await _send(update, context, [reindex_reply(asker.lang, outcome)])
    if asker.user_id is not None:
        await set_owner_menu(context.application, asker.user_id)


# --- the owners' command menu -------------------------------------------------------------------


def owner_menu(application: Application, lang: str) -> list[BotCommand]:
    """The private-chat menu plus the owner's commands, in ``lang``."""
    extra = [BotCommand(name, tr(lang, msgid)[:256]) for name, msgid in ADMIN_COMMANDS.items()]
    public = [c for c in menu_for(application, PRIVATE, lang) if c.command not in ADMIN_COMMANDS]
    return (public + extra)[:100]


async def set_owner_menu(application: Application, owner_id: int) -> bool:
    """setMyCommands for the owner's private chat (each language); once per run. False when
    Telegram refuses (e.g. the owner never opened the chat): tried again on their next command."""
    done: set[int] = application.bot_data.setdefault(OWNER_MENUS_KEY, set())
    if owner_id in done:
        return True
    scope = BotCommandScopeChat(owner_id)
    try:
        for lang in (None, *LANGUAGES):
            commands = owner_menu(application, lang or "en")
            await application.bot.set_my_commands(commands, scope=scope, language_code=lang)
    except TelegramError as error:
        log.info("could not set the owner menu for %s: %s", owner_id, error)
        return False
    done.add(owner_id)
    return True


async def _set_owner_menus(context: ContextTypes.DEFAULT_TYPE) -> None:
    settings: Settings = context.bot_data["settings"]
    for owner_id in sorted(settings.admin_ids):
        await set_owner_menu(context.application, owner_id)


# --- registration -------------------------------------------------------------------------------


def handlers(settings: Settings) -> list[CommandHandler]:
    """The owner's command handlers; for anyone else they do not match at all."""
    owners = owner_filter(settings)
    return [
        CommandHandler("status", on_status, filters=owners),
        CommandHandler("reindex", on_reindex, filters=owners),
    ]


def register(application: Application) -> None:
    """Add the owner's handlers (handler group 0, before the catch-alls) and, once running, the
    owners' chat menus. Not added to the public menus."""
    settings: Settings = application.bot_data["settings"]
    application.bot_data[STARTED_AT_KEY] = datetime.now(UTC)
    for handler in handlers(settings):
        application.add_handler(handler)
    if settings.admin_ids and application.job_queue is not None:
        application.job_queue.run_once(_set_owner_menus, when=0.2, name="owner-menus")
