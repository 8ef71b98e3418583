"""The quiz feature's declaration: /quiz, votes in quiz polls, "Read the note", "Next
question" and "👎 Bad question", and building the question bank as soon as the bot starts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.feature import ButtonRoute, Command, Feature, Request
from bot.core.replies import ButtonAnswer, Notice, Outgoing, Reply
from bot.core.services import AppServices
from bot.features.quiz.answers import on_vote
from bot.features.quiz.asking import flag_question, open_note, quiz_command
from bot.features.quiz.flags import FLAG_KIND
from bot.features.quiz.posts import NEXT_KIND, NOTE_KIND
from bot.i18n import N_


async def quiz(services: AppServices, request: Request) -> Sequence[Outgoing]:
    """``/quiz``: one question now (anonymous in channels, where votes have no sender)."""
    return await quiz_command(services, request.asker, anonymous=request.in_channel)


async def note_button(services: AppServices, request: Request) -> ButtonAnswer:
    return await open_note(services, request.asker, request.text)


async def flag_pressed(services: AppServices, request: Request) -> ButtonAnswer:
    return await flag_question(services, request.asker, request.text)


async def next_button(services: AppServices, request: Request) -> ButtonAnswer:
    """ "Next question" under a private answer: one more poll, chosen by spaced repetition; when
    none is ready, the toast says so."""
    items = await quiz_command(services, request.asker)
    first = items[0] if items else None
    if isinstance(first, Reply):
        return ButtonAnswer(Notice(first.text[:200]))
    return ButtonAnswer(Notice(), tuple(items))


def start_banks(services: AppServices) -> None:
    """Build the question banks in the background from start-up, so the first /quiz is ready."""
    for notebook in services.notebooks.all():
        notebook.start_bank()


QUIZ = Feature(
    name="quiz",
    commands=(
        Command("quiz", quiz, menu=N_("One quiz question from your notes"), in_channels=True),
    ),
    buttons=(
        ButtonRoute((NOTE_KIND,), note_button),
        ButtonRoute((NEXT_KIND,), next_button),
        ButtonRoute((FLAG_KIND,), flag_pressed),
    ),
    help_lines=(
        N_(
            "🧠 /quiz asks a question from the notes as a quiz poll; /streak shows your streak "
            "and freezes, /stats a picture of your progress."
        ),
    ),
    on_poll_answer=on_vote,
    on_start=start_banks,
)
