"""Webhook mode for one of many instances behind one address: PTB's own webhook handler (the
secret token checked, updates put on the Application's queue) and ``GET /healthz`` on the same
tornado server; setWebhook is called by one instance only (bot.core.webhooks), never fought
over at each start. SIGINT/SIGTERM: stop taking requests, finish the updates in flight (and
release daily claims not acted on: bot.telegram.lifecycle), then close."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from typing import Any

import tornado.web
from telegram import Update
from telegram.ext._utils.webhookhandler import TelegramHandler, WebhookServer

from bot.core.health import health_report
from bot.core.services import AppServices
from bot.core.webhooks import set_webhook_once
from bot.telegram.app import StudyApp
from bot.telegram.context import get_services

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


class HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: the health report as JSON; 200 when healthy, else 503."""

    SUPPORTED_METHODS = ("GET",)

    def initialize(self, services: AppServices) -> None:
        self.services = services

    async def get(self) -> None:
        report = await health_report(self.services)
        self.set_status(200 if report["ok"] else 503)
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps(report))

    def log_exception(self, *args: Any) -> None:  # pragma: no cover - tornado's own logging
        log.warning("health check failed", exc_info=True)


def web_app(application: StudyApp, url_path: str, secret: str) -> tornado.web.Application:
    """The routes: the webhook (PTB's handler) and the health check."""
    shared = {
        "bot": application.bot,
        "update_queue": application.update_queue,
        "secret_token": secret,
    }
    services = get_services(application)
    return tornado.web.Application(
        [
            (rf"/{url_path.strip('/')}/?", TelegramHandler, shared),
            (HEALTH_PATH, HealthHandler, {"services": services}),
        ]
    )


async def serve_webhook(
    application: StudyApp, *, listen: str, port: int, url_path: str, webhook_url: str, secret: str
) -> None:
    """Run ``application`` behind its webhook until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        server = WebhookServer(listen, port, web_app(application, url_path, secret), None)  # type: ignore[arg-type]
        await server.serve_forever()
        bot = application.bot

        async def current_url() -> str:
            return (await bot.get_webhook_info()).url

        async def set_webhook() -> None:
            await bot.set_webhook(
                webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )

        await set_webhook_once(
            get_services(application), bot.id, webhook_url, secret, current_url, set_webhook
        )
        await application.start()
        log.info("serving the webhook on %s:%s (health: %s)", listen, port, HEALTH_PATH)
        await stop.wait()
        log.info("stopping: no new updates; finishing the ones in flight")
        await server.shutdown()
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
