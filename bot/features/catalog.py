"""Every feature, in the order adapters try them, plus /start and /help, which list the others'
help lines. Adding a feature means adding its declaration here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core.feature import PRIVATE, ButtonRoute, Command, Feature, Request
from bot.core.replies import Asker, Outgoing, Reply
from bot.core.services import AppServices
from bot.features.admin.feature import ADMIN
from bot.features.daily.feature import DAILY
from bot.features.language.feature import LANGUAGE
from bot.features.notebooks.feature import NOTEBOOKS
from bot.features.quiz.feature import QUIZ
from bot.features.search.cards import examples_for
from bot.features.search.feature import SEARCH
from bot.features.search.help import help_reply, start_reply
from bot.features.streaks.feature import STREAKS
from bot.i18n import N_, tr

_FEATURES = (SEARCH, QUIZ, NOTEBOOKS, STREAKS, DAILY, LANGUAGE, ADMIN)
HELP_LINES: tuple[str, ...] = tuple(line for f in _FEATURES for line in f.help_lines)


def _which_notes(services: AppServices, asker: Asker, reply: Reply) -> Reply:
    """/start and /help say when the chat studies the shipped demo notes."""
    if services.notebooks.has_own_notes(asker.chat_id):
        return reply
    line = tr(asker.lang, "📚 This chat studies the demo notes until you send your own.")
    return replace(reply, text=f"{reply.text}\n\n{line}")


async def start_command(services: AppServices, request: Request) -> Sequence[Outgoing]:
    if request.text.strip():  # a deep link's search
        return await start_reply(services, request.asker, request.text, HELP_LINES)
    examples = await examples_for(services, request.asker)
    return [_which_notes(services, request.asker, help_reply(request.asker, HELP_LINES, examples))]


async def help_command(services: AppServices, request: Request) -> Sequence[Outgoing]:
    examples = await examples_for(services, request.asker)
    return [_which_notes(services, request.asker, help_reply(request.asker, HELP_LINES, examples))]


HELP = Feature(
    name="help",
    commands=(
        Command(
            "start", start_command, menu=N_("Start: what I can do"), scopes=frozenset({PRIVATE})
        ),
        Command("help", help_command, menu=N_("How to use me")),
    ),
)

FEATURES: tuple[Feature, ...] = (HELP, *_FEATURES)


def all_commands() -> list[Command]:
    """Every command, in the order they are tried."""
    return [command for feature in FEATURES for command in feature.commands]


def find_command(name: str) -> Command | None:
    return next((c for c in all_commands() if c.name == name), None)


def find_button(data: str) -> ButtonRoute | None:
    """The route for a button's callback data (None: no feature knows it, so it expired)."""
    for feature in FEATURES:
        for route in feature.buttons:
            if route.matches(data):
                return route
    return None


def text_feature() -> Feature | None:
    return next((f for f in FEATURES if f.on_text is not None), None)
