"""``studybot run``: the Telegram bot by long polling, or behind a webhook with a secret token."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlparse

from telegram import Update

from bot.settings import Settings

log = logging.getLogger(__name__)

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def run_bot(
    settings: Settings,
    webhook_url: str | None = None,
    listen: str | None = None,
    port: int | None = None,
) -> int:
    """Run until SIGINT/SIGTERM (in-flight updates finish, the database closes); exit status."""
    from bot.telegram.app import build_application
    from bot.telegram.errors import install_token_redaction

    if settings.telegram_bot_token is None:
        log.error("TELEGRAM_BOT_TOKEN is not set")
        return 2
    install_token_redaction(settings.telegram_bot_token.get_secret_value())
    if not webhook_url:
        log.info("starting long polling")
        build_application(settings).run_polling(allowed_updates=Update.ALL_TYPES)
        return 0
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not _SECRET.fullmatch(secret):
        log.error("a webhook needs STUDYBOT_WEBHOOK_SECRET (1-256 characters: A-Z a-z 0-9 _ -)")
        return 2
    parsed = urlparse(webhook_url)
    if parsed.scheme != "https" or not parsed.hostname:
        log.error("the webhook URL must be an https:// URL")
        return 2
    application = build_application(settings)
    log.info("starting the webhook on %s:%s", listen or "0.0.0.0", port or 8443)
    application.run_webhook(
        listen=listen or "0.0.0.0",
        port=port or 8443,
        url_path=parsed.path.lstrip("/"),
        webhook_url=webhook_url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )
    return 0
