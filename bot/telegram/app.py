"""Builds the Telegram Application: every handler is registered here, in order.

Handler groups run in order for each update; within a group the first matching handler wins.
  group -1  dedupe: claim the update id (repeats stop here), record user and chat
  group  0  features: search commands and text, inline mode, search buttons,
            then the quiz/daily/streak block, then the catch-alls (unknown command, expired button)
  group  1  membership: my_chat_member (kicked/left → inactive, member/admin → active)
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bot.core.services import AppServices, close_services, open_services
from bot.settings import Settings
from bot.telegram import quiz_handlers
from bot.telegram.callbacks import expired_button_handler, search_button_handler
from bot.telegram.commands_menu import SEARCH_MENU, add_menu_commands, set_command_menus
from bot.telegram.context import SERVICES_KEY
from bot.telegram.dedupe import dedupe_handler
from bot.telegram.errors import on_error
from bot.telegram.inline import inline_handler
from bot.telegram.membership import membership_handler
from bot.telegram.ratelimit import RetryingRateLimiter
from bot.telegram.search_handlers import search_handlers, unknown_command_handler

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 16  # safe: dedupe and state changes are transactions in the database
_OWNS_SERVICES = "owns_services"


def build_application(settings: Settings, services: AppServices | None = None) -> Application:
    """The Application for ``settings``; start-up opens the services unless ``services`` is given
    (tests share one searcher across applications)."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    root = settings.telegram_api_url
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .rate_limiter(RetryingRateLimiter(max_retries=5))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["settings"] = settings
    if services is not None:
        application.bot_data[SERVICES_KEY] = services

    # group -1: before anything else, so a repeated update never reaches a feature
    application.add_handler(dedupe_handler(), group=-1)

    # group 0: features. Commands before the text handlers (a command is not a search).
    for handler in search_handlers():
        application.add_handler(handler)
    application.add_handler(inline_handler())
    application.add_handler(search_button_handler())
    add_menu_commands(application, *SEARCH_MENU)

    # owner-only /status and /reindex (STUDYBOT_ADMIN_IDS); anyone else falls through to unknown
    from bot.telegram import admin_handlers

    admin_handlers.register(application)

    # --- quiz, daily, streaks (registered by bot.telegram.quiz_handlers) ---
    quiz_handlers.register(application)
    # --- end of the quiz block ---

    # group 0, last: whatever no feature claimed
    application.add_handler(unknown_command_handler())
    application.add_handler(expired_button_handler())

    # group 1: independent of the features above
    application.add_handler(membership_handler(), group=1)

    application.add_error_handler(on_error)
    return application


async def _post_init(application: Application) -> None:
    settings: Settings = application.bot_data["settings"]
    if SERVICES_KEY not in application.bot_data:
        application.bot_data[SERVICES_KEY] = await open_services(settings)
        application.bot_data[_OWNS_SERVICES] = True
    try:
        await set_command_menus(application)
    except Exception:  # menus are a nicety: never refuse to start because of them
        log.warning("could not set the command menus", exc_info=True)


async def _post_shutdown(application: Application) -> None:
    if application.bot_data.pop(_OWNS_SERVICES, False):
        await close_services(application.bot_data[SERVICES_KEY])
        log.info("services closed")


@asynccontextmanager
async def polling(application: Application, *, poll_timeout: int = 1) -> AsyncIterator[Application]:
    """Run ``application`` by long polling inside an ``async with`` (what run_polling does, minus
    the signal handling): used by the end-to-end tests."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.updater.start_polling(
        poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
    )
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
