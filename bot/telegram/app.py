"""Builds the Telegram Application: every handler is registered here, in order, from the
features' declarations (bot.features.catalog).

Handler groups run in order for each update; within a group the first matching handler wins.
  group -1  claims: the update's inbox receipt (repeats and failed claims stop here)
  group  0  features: every command, then text, votes, inline queries, buttons; last the
            catch-alls (unknown command, expired button)
  group  1  membership: my_chat_member (kicked/left → inactive, member/admin → active)
  group  2  inbox: the update is done, set aside, or tried again (bot.telegram.inbox)
Updates reach the groups through the inbox: stored before Telegram is told they arrived.
Jobs come from the features too, each run with a Telegram sender.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bot.core.feature import Job
from bot.core.services import AppServices, close_services, open_services
from bot.features.catalog import FEATURES
from bot.settings import Settings
from bot.telegram.claims import claim_handler, handled_handler
from bot.telegram.context import CONTEXT_TYPES, BotData, StudyContext, get_services
from bot.telegram.errors import on_error
from bot.telegram.handlers import feature_handlers
from bot.telegram.inbox import InboxQueue, install_inbox, open_inbox
from bot.telegram.lifecycle import GracefulApplication
from bot.telegram.membership import membership_handler
from bot.telegram.menus import set_command_menus, set_owner_menu
from bot.telegram.ratelimit import PacedRateLimiter
from bot.telegram.render import DEFAULTS
from bot.telegram.sender import TelegramSender

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 16  # safe: claims and state changes are transactions in the database

StudyApp = Application


def build_application(settings: Settings, services: AppServices | None = None) -> StudyApp:
    """The Application for ``settings``; start-up opens the services unless ``services`` is given
    (tests share one searcher across applications)."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    root = settings.telegram_api_url
    application = (
        ApplicationBuilder()
        .application_class(GracefulApplication)
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .defaults(DEFAULTS)
        .context_types(CONTEXT_TYPES)
        .rate_limiter(PacedRateLimiter(instances=settings.instances, max_retries=5))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .update_queue(InboxQueue())
        .updater(None)
        .build()
    )
    install_inbox(application)
    bot_data: BotData = application.bot_data
    bot_data.settings = settings
    bot_data.services = services

    # group -1: before anything else, so a repeated update never reaches a feature
    application.add_handler(claim_handler(), group=-1)
    # group 0: the features, in the catalog's order, then the catch-alls
    application.add_handlers(feature_handlers(settings))
    # group 1: independent of the features above
    application.add_handler(membership_handler(), group=1)
    # group 2: last, once everything above handled the update
    application.add_handler(handled_handler(), group=2)
    application.add_error_handler(on_error)
    return application


def job_callback(job: Job) -> Callable[[StudyContext], Coroutine[Any, Any, None]]:
    """A feature's job as a JobQueue callback, sending through this bot."""

    async def tick(context: StudyContext) -> None:
        await job.run(get_services(context), TelegramSender(context.bot))

    return tick


def _schedule(application: StudyApp, job: Job) -> None:
    application.job_queue.run_repeating(  # type: ignore[union-attr]
        job_callback(job),
        interval=job.interval,
        first=job.first,
        name=job.name,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )


async def _post_init(application: StudyApp) -> None:
    bot_data: BotData = application.bot_data
    assert bot_data.settings is not None
    if bot_data.services is None:
        bot_data.services = await open_services(bot_data.settings)
        bot_data.owns_services = True
    services = bot_data.services
    open_inbox(application, services)
    for feature in FEATURES:
        if feature.on_open is not None:
            await feature.on_open(services)
        if feature.on_start is not None:
            feature.on_start(services)
        if application.job_queue is None:
            if feature.jobs:
                log.warning("no JobQueue: the %s feature's jobs will not run", feature.name)
            continue
        for job in feature.jobs:
            _schedule(application, job)
    try:
        await set_command_menus(application)
        for owner_id in sorted(bot_data.settings.admin_ids):
            await set_owner_menu(application, owner_id)
    except Exception:  # menus are a nicety: never refuse to start because of them
        log.warning("could not set the command menus", exc_info=True)


async def _post_shutdown(application: StudyApp) -> None:
    bot_data: BotData = application.bot_data
    if bot_data.owns_services and bot_data.services is not None:
        await close_services(bot_data.services)
        bot_data.owns_services = False
        log.info("services closed")


@asynccontextmanager
async def polling(application: StudyApp, *, poll_timeout: int = 1) -> AsyncIterator[StudyApp]:
    """Run ``application`` by long polling inside an ``async with`` (what run_polling does, minus
    the signal handling): used by the end-to-end tests."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.updater.start_polling(  # type: ignore[union-attr]
        poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
    )
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()  # type: ignore[union-attr]
        await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
