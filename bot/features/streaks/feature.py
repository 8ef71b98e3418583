"""The streaks feature's declaration: /streak, /stats (a picture) and a group's /top."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.feature import ADMIN, GROUP, Command, Feature, Request
from bot.core.replies import Outgoing
from bot.core.services import AppServices
from bot.features.streaks.leaderboard import leaderboard_reply
from bot.features.streaks.views import stats_reply, streak_reply
from bot.i18n import N_


async def streak(services: AppServices, request: Request) -> Sequence[Outgoing]:
    return [await streak_reply(services, request.asker, chat_title=request.chat_title)]


async def stats(services: AppServices, request: Request) -> Sequence[Outgoing]:
    return [await stats_reply(services, request.asker)]


async def top(services: AppServices, request: Request) -> Sequence[Outgoing]:
    return [await leaderboard_reply(services, request.asker, chat_title=request.chat_title)]


STREAKS = Feature(
    name="streaks",
    commands=(
        Command("streak", streak, menu=N_("Your streak, best streak and freezes")),
        Command("stats", stats, menu=N_("A picture of your progress")),
        Command("top", top, menu=N_("This group's leaderboard"), scopes=frozenset({GROUP, ADMIN})),
    ),
)
