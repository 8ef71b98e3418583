"""Quiz polls the bot sent: which item each poll asks and which option is right."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import insert_unless_present, utcnow
from bot.db.chats import ensure_chat
from bot.db.models import PollSent


async def record_poll_sent(
    session: AsyncSession,
    poll_id: str,
    item_id: str,
    chat_id: int,
    correct_option: int,
    *,
    message_id: int | None = None,
    is_daily: bool = False,
    sent_at: datetime | None = None,
) -> bool:
    """Remember a poll just sent (False if that poll id was already recorded)."""
    await ensure_chat(session, chat_id)
    return await insert_unless_present(
        session,
        PollSent,
        poll_id=poll_id,
        item_id=item_id,
        chat_id=chat_id,
        message_id=message_id,
        correct_option=correct_option,
        sent_at=sent_at or utcnow(),
        is_daily=is_daily,
    )


async def poll_by_id(session: AsyncSession, poll_id: str) -> PollSent | None:
    """The poll the bot sent with this id, or None for a poll it does not know."""
    return await session.get(PollSent, poll_id)


async def items_posted_in_chat(session: AsyncSession, chat_id: int) -> dict[str, datetime]:
    """item id → when it was last posted in the chat (to rotate a group's questions)."""
    rows = await session.execute(
        select(PollSent.item_id, func.max(PollSent.sent_at))
        .where(PollSent.chat_id == chat_id)
        .group_by(PollSent.item_id)
    )
    return {item_id: _aware(sent) for item_id, sent in rows}


def _aware(value: datetime) -> datetime:
    # Defensive: an aggregate may come back naive or as text on some backends.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
