"""The webhook registration shared by every instance of one bot: which URL (and a digest of the
secret) was set, read and written under a lock so that instances starting at once set it once."""

from __future__ import annotations

import hashlib

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import insert_unless_present, utcnow
from bot.db.models import WebhookRegistration

WEBHOOK_LOCK_KEY = 0x57B0_0002  # pg_advisory_xact_lock key (the migrations use another)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def lock_webhook_setup(session: AsyncSession) -> None:
    """Serialise webhook set-up across instances until the transaction ends. PostgreSQL: an
    advisory lock; SQLite: its transactions already start with the write lock (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WEBHOOK_LOCK_KEY})


async def registered_webhook(session: AsyncSession, bot_id: int) -> WebhookRegistration | None:
    return await session.scalar(
        select(WebhookRegistration).where(WebhookRegistration.bot_id == bot_id)
    )


async def save_webhook(session: AsyncSession, bot_id: int, url: str, secret: str) -> None:
    values = {"url": url, "secret_sha256": secret_digest(secret), "set_at": utcnow()}
    if not await insert_unless_present(session, WebhookRegistration, bot_id=bot_id, **values):
        await session.execute(
            update(WebhookRegistration).where(WebhookRegistration.bot_id == bot_id).values(**values)
        )
