"""Many instances behind one webhook address: only one of them calls setWebhook. Under a lock
shared through the database, an instance compares what Telegram reports (getWebhookInfo's URL)
and what the last instance registered (URL and secret digest); when both already match, it
leaves the webhook alone."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.services import AppServices
from bot.db.webhooks import lock_webhook_setup, registered_webhook, save_webhook, secret_digest

log = logging.getLogger(__name__)


async def set_webhook_once(
    services: AppServices,
    bot_id: int,
    url: str,
    secret: str,
    current_url: Callable[[], Awaitable[str]],
    set_webhook: Callable[[], Awaitable[object]],
) -> bool:
    """Set the webhook unless it is already set to ``url`` with ``secret``; True if this call
    set it. Instances starting at once queue on the lock: the first sets, the rest find it set."""
    async with services.db.session() as session:
        await lock_webhook_setup(session)
        known = await registered_webhook(session, bot_id)
        if (
            known is not None
            and known.url == url
            and known.secret_sha256 == secret_digest(secret)
            and await current_url() == url
        ):
            log.info("the webhook is already set to this address: not setting it again")
            return False
        await set_webhook()
        await save_webhook(session, bot_id, url, secret)
    log.info("webhook set")
    return True
