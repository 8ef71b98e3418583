"""The owner's feature: /status (how the bot is doing) and /reindex (pick up changed notes
without a restart), for the ids in STUDYBOT_ADMIN_IDS only, in private chats."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.core.feature import PRIVATE, Command, Feature, Request
from bot.core.replies import Outgoing
from bot.core.secrets import redacted_reply
from bot.core.services import AppServices
from bot.features.admin.owner import (
    gather_status,
    parse_reindex_args,
    reindex_failed_reply,
    reindex_queued,
    reindex_reply,
    reindex_usage,
    run_reindex,
    status_reply,
)
from bot.i18n import N_

log = logging.getLogger(__name__)


async def status(services: AppServices, request: Request) -> Sequence[Outgoing]:
    asker = request.asker
    report = await gather_status(
        services,
        started_at=services.started_at,
        owner_id=asker.user_id or 0,
        chat_id=asker.chat_id,
    )
    return [redacted_reply(status_reply(asker.lang, report), _token(services))]


def _token(services: AppServices) -> str | None:
    token = services.settings.telegram_bot_token
    return token.get_secret_value() if token is not None else None


async def reindex(services: AppServices, request: Request) -> Sequence[Outgoing]:
    asker = request.asker
    full = parse_reindex_args(request.text.split())
    if full is None:
        return [reindex_usage(asker.lang)]
    if services.reindex_lock.locked():
        await request.tell([reindex_queued(asker.lang)])
    await request.show_working()
    try:
        outcome = await run_reindex(services, full=full)
    except Exception as error:  # the old index stays live: tell the owner why
        log.exception("reindex failed")
        return [redacted_reply(reindex_failed_reply(asker.lang, error), _token(services))]
    log.info("reindex by %s: %s", asker.user_id, outcome)
    return [reindex_reply(asker.lang, outcome)]


OWNER = frozenset({PRIVATE})
ADMIN = Feature(
    name="admin",
    commands=(
        Command(
            "status",
            status,
            menu=N_("Owner: version, uptime, index and usage"),
            scopes=OWNER,
            in_groups=False,
            owner_only=True,
        ),
        Command(
            "reindex",
            reindex,
            menu=N_("Owner: pick up changed notes (/reindex full rebuilds)"),
            scopes=OWNER,
            in_groups=False,
            owner_only=True,
        ),
    ),
)
