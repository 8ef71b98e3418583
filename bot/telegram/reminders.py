"""Evening streak reminders in private chat: a repeating job finds students whose streak is at
risk after their reminder time (local), claims today's reminder, then sends it (once a day)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Bot
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes

from bot.core.lang import choose_language
from bot.core.quiz import next_question_keyboard
from bot.core.replies import Reply
from bot.core.services import AppServices
from bot.core.streak_view import render_reminder
from bot.telegram import render
from bot.telegram.context import get_services

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0
JOB_NAME = "streak-reminders"


def schedule(
    application: Application, *, interval: float = TICK_SECONDS, first: float = 5.0
) -> None:
    if application.job_queue is None:
        return
    application.job_queue.run_repeating(
        reminder_tick,
        interval=interval,
        first=first,
        name=JOB_NAME,
        job_kwargs={"max_instances": 1, "coalesce": True},
    )


async def reminder_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_due_reminders(context.bot, get_services(context))


async def send_due_reminders(
    bot: Bot, services: AppServices, *, now: datetime | None = None
) -> list[int]:
    """Remind every student at risk right now; returns the user ids reminded."""
    if services.db is None:
        return []
    from bot.db.chats import set_chat_active
    from bot.db.reminders import claim_reminder, users_at_risk

    moment = now or datetime.now(UTC)
    async with services.db.session() as session:
        at_risk = await users_at_risk(session, moment, services.settings.default_timezone)
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
            await render.send(bot, student.user_id, [reply])
        except (Forbidden, BadRequest) as exc:
            log.info("reminder to %s not delivered (%s): chat inactive", student.user_id, exc)
            async with services.db.session() as session:
                await set_chat_active(session, student.user_id, False)
            continue
        reminded.append(student.user_id)
    return reminded
