"""The daily feature's declaration: /daily (the chat's daily quiz), /timezone and /remind (a
student's own streak days and evening reminder), and the jobs that post and remind."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.feature import PRIVATE, Command, Feature, Job, Request
from bot.core.replies import Outgoing
from bot.core.services import AppServices
from bot.features.daily import fanout, reminders
from bot.features.daily.settings import daily_reply, remind_reply, timezone_reply
from bot.i18n import N_


async def daily(services: AppServices, request: Request) -> Sequence[Outgoing]:
    # a channel post is always written by the channel's admins
    is_admin = request.by_admin if not request.in_channel else _yes
    reply = await daily_reply(
        services,
        request.asker,
        request.text,
        chat_type=request.chat_type,
        chat_title=request.chat_title,
        is_admin=is_admin,
    )
    return [reply]


async def _yes() -> bool:
    return True


async def timezone(services: AppServices, request: Request) -> Sequence[Outgoing]:
    return [await timezone_reply(services, request.asker, request.text)]


async def remind(services: AppServices, request: Request) -> Sequence[Outgoing]:
    return [await remind_reply(services, request.asker, request.text)]


DAILY_JOB = Job("daily-quiz", fanout.daily_tick, interval=fanout.TICK_SECONDS, first=1.0)
REMINDER_JOB = Job(
    "streak-reminders", reminders.send_due_reminders, interval=reminders.TICK_SECONDS, first=5.0
)

DAILY = Feature(
    name="daily",
    commands=(
        Command(
            "daily",
            daily,
            menu=N_("Daily quiz: /daily HH:MM [Area/City], count N, off"),
            in_channels=True,
        ),
        Command(
            "timezone",
            timezone,
            menu=N_("Your time zone for streak days"),
            scopes=frozenset({PRIVATE}),
        ),
        Command(
            "remind",
            remind,
            menu=N_("Evening streak reminder: /remind HH:MM or off"),
            scopes=frozenset({PRIVATE}),
        ),
    ),
    help_lines=(
        N_(
            "📅 /daily HH:MM [Area/City] posts a quiz here every day (in groups, admins only; "
            "/daily off stops it); /top shows a group's leaderboard."
        ),
        N_(
            "🌍 /timezone Area/City sets your streak days, /remind HH:MM (or off) the evening "
            "reminder. In channels quiz polls are anonymous, so they count for no streak."
        ),
    ),
    jobs=(DAILY_JOB, REMINDER_JOB),
)
