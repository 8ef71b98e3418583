"""Delivering what a use case answers: messages through the sender, and each quiz poll through
the sender *and* into the database (so its answers can be attributed), while the answer handler
knows a send is under way. Replies an earlier attempt of the same update sent are skipped, and
each one sent is recorded in the inbox (bot.core.inbox)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.inbox import current_handling, reply_sent
from bot.core.ports import Sender, SentPoll, Target
from bot.core.replies import Outgoing, Poll
from bot.core.services import AppServices
from bot.db.polls import record_poll_sent


async def deliver(
    services: AppServices, sender: Sender, target: Target, items: Sequence[Outgoing]
) -> None:
    """Send ``items`` in order (only the first quotes ``target.reply_to``); polls are recorded."""
    handling = current_handling()
    for item in items:
        if handling is not None and handling.skip_reply():
            target = Target(target.chat_id, None, target.thread_id)
            continue
        if isinstance(item, Poll):
            async with services.polls_in_flight.sending():
                sent = await sender.send_poll(target, item)
                if sent is not None:
                    await remember_poll(services, sent, item, target.chat_id)
        else:
            await sender.send(target, [item])
        if handling is not None:
            await reply_sent(services, handling)
        target = Target(target.chat_id, None, target.thread_id)


async def remember_poll(
    services: AppServices, sent: SentPoll, poll: Poll, chat_id: int, *, is_daily: bool = False
) -> None:
    """Store a sent poll, so its answers can be attributed (unknown polls are ignored)."""
    async with services.db.session() as session:
        await record_poll_sent(
            session,
            sent.poll_id,
            poll.ref,
            chat_id,
            poll.correct_index,
            message_id=sent.message_id,
            is_daily=is_daily,
        )
