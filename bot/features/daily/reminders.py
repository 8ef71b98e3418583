"""Evening streak reminders in private chat: find students whose streak is at risk after their
reminder time (local), claim today's reminder, then send it through a sender (once a day)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.core.lang import choose_language
from bot.core.ports import ChatUnreachable, Sender, Target
from bot.core.replies import Reply
from bot.core.services import AppServices
from bot.db.chats import set_chat_active
from bot.db.reminders import claim_reminder, users_at_risk
from bot.features.quiz.posts import next_question_keyboard
from bot.features.streaks.views import render_reminder

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0


async def send_due_reminders(
    services: AppServices, sender: Sender, *, now: datetime | None = None
) -> list[int]:
    """Remind every student at risk right now; returns the user ids reminded."""
    moment = now or datetime.now(UTC)
    async with services.db.session() as session:
        at_risk = await users_at_risk(session, moment, services.settings.default_timezone)
    if sender.audience is not None:
        at_risk = [student for student in at_risk if student.user_id in sender.audience]
    reminded: list[int] = []
    for student in at_risk:
        async with services.db.session() as session:
            if not await claim_reminder(session, student.user_id, student.local_date):
                continue
        lang = choose_language(student.language, student.telegram_language)
        reply = Reply(
            render_reminder(student.current_streak, lang), buttons=next_question_keyboard(lang)
        )
        try:
            await sender.send(Target(student.user_id), [reply])
        except ChatUnreachable as exc:
            log.info("reminder to %s not delivered (%s): chat inactive", student.user_id, exc)
            async with services.db.session() as session:
                await set_chat_active(session, student.user_id, False)
            continue
        reminded.append(student.user_id)
    return reminded
