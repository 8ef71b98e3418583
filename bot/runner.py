"""``studybot run``: the Telegram bot by long polling, or behind a webhook with a secret token.

A start that cannot succeed (a rejected token, an unreachable Bot API, a broken database) raises
``StartupError`` with one line for the operator, never a traceback and never the token."""

from __future__ import annotations

import asyncio
import logging
import re
from urllib.parse import urlparse

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

from bot.settings import Settings

log = logging.getLogger(__name__)

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class StartupError(Exception):
    """The bot cannot start; ``str()`` is one line for the operator, ``status`` the exit code:
    2 for what a person must fix (a setting, the token), 1 for what may pass (the network)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def _api_failure(error: TelegramError, api_url: str) -> StartupError:
    """The one-line explanation of a failed Bot API call."""
    if isinstance(error, InvalidToken):  # a setting to fix, like a bad one: exit 2, no retry
        return StartupError(
            f"the Bot API at {api_url} rejected the token (getMe: {error.__cause__ or error}); "
            "check TELEGRAM_BOT_TOKEN",
            2,
        )
    if isinstance(error, TimedOut):
        return StartupError(f"the Bot API at {api_url} did not answer in time")
    if isinstance(error, NetworkError):
        return StartupError(f"cannot reach the Bot API at {api_url}: {error}")
    return StartupError(f"the Bot API at {api_url} refused getMe: {error}")


async def _check_bot_api(settings: Settings, token: str) -> None:
    """One getMe before anything is built: a wrong token or no network fails here, quickly,
    without the retries and the stack traces of the full application."""
    root = settings.telegram_api_url
    try:
        async with Bot(token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot"):
            pass  # entering the context calls getMe
    except TelegramError as error:
        raise _api_failure(error, root) from None


def _webhook_secret(settings: Settings, webhook_url: str) -> tuple[str, str]:
    """The secret token and URL path of a webhook, checked before any network call."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not _SECRET.fullmatch(secret):
        raise StartupError(
            "a webhook needs STUDYBOT_WEBHOOK_SECRET (1-256 characters: A-Z a-z 0-9 _ -)", 2
        )
    parsed = urlparse(webhook_url)
    if parsed.scheme != "https" or not parsed.hostname:
        raise StartupError("the webhook URL must be an https:// URL", 2)
    return secret, parsed.path.lstrip("/")


def _serve(settings: Settings, token: str, webhook_url: str | None, listen: str, port: int) -> None:
    from bot.telegram.app import build_application

    webhook = _webhook_secret(settings, webhook_url) if webhook_url else None
    asyncio.run(_check_bot_api(settings, token))
    application = build_application(settings)
    try:
        if webhook is None:
            log.info("starting long polling")
            application.run_polling(allowed_updates=Update.ALL_TYPES)
            return
        from bot.telegram.webhook import serve_webhook

        secret, url_path = webhook
        log.info("starting the webhook on %s:%s", listen, port)
        asyncio.run(
            serve_webhook(
                application,
                listen=listen,
                port=port,
                url_path=url_path,
                webhook_url=webhook_url or "",
                secret=secret,
            )
        )
    except TelegramError as error:
        log.debug("the bot stopped with an error", exc_info=True)
        raise _api_failure(error, settings.telegram_api_url) from None
    except Exception as error:
        # The application only stops with an error while starting (its handlers' errors go to
        # the error handler); the traceback stays at DEBUG level.
        log.debug("the bot stopped with an error", exc_info=True)
        detail = str(error).splitlines()[0] if str(error) else ""
        raise StartupError(f"could not start: {type(error).__name__}: {detail}") from None


def run_bot(
    settings: Settings,
    webhook_url: str | None = None,
    listen: str | None = None,
    port: int | None = None,
) -> int:
    """Run until SIGINT/SIGTERM (in-flight updates finish, the database closes); exit status.
    Raises ``StartupError`` when the bot cannot start."""
    from bot.telegram.errors import install_token_redaction

    if settings.telegram_bot_token is None:
        raise StartupError("TELEGRAM_BOT_TOKEN is not set", 2)
    token = settings.telegram_bot_token.get_secret_value()
    redaction = install_token_redaction(token)
    try:
        _serve(settings, token, webhook_url, listen or "0.0.0.0", port or 8443)
    except StartupError as failure:
        raise StartupError(redaction.redact(str(failure)), failure.status) from None
    return 0
