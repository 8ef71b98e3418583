"""The quiz feature in the terminal chat: /quiz and /streak, answers by number, "Next question"
and "Read the note" as numbered choices. Plugs into bot.terminal's command and button tables."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING

from bot.core.quiz import (
    NEXT_KIND,
    NOTE_KIND,
    QuizPost,
    answer_poll,
    open_note,
    quiz_command,
    remember_poll,
)
from bot.core.replies import ButtonAnswer, Notice, Outgoing, Poll, Reply
from bot.core.streak_view import stats_reply, streak_reply
from bot.i18n import tr

if TYPE_CHECKING:
    from bot.core.services import AppServices
    from bot.terminal import TerminalSession

_NOTE_BUTTONS = "quiz_note_buttons"  # TerminalSession.extra: poll id → its note keyboard


async def _as_outgoing(
    session: TerminalSession, items: Sequence[QuizPost | Reply]
) -> list[Outgoing]:
    """Quiz posts become terminal polls, recorded under a local poll id so answers count."""
    out: list[Outgoing] = []
    for item in items:
        if not isinstance(item, QuizPost):
            out.append(item)
            continue
        poll_id = f"terminal-{secrets.token_hex(8)}"
        await remember_poll(
            session.services,
            poll_id=poll_id,
            post=item,
            chat_id=session.asker.chat_id,
            message_id=None,
        )
        out.append(replace(item.poll, ref=poll_id))
        # the options are the numbered choices now; "Read the note" comes with the verdict
        notes: dict[str, object] = session.extra.setdefault(_NOTE_BUTTONS, {})
        notes[poll_id] = item.buttons
    return out


async def terminal_quiz(session: TerminalSession, args: str) -> Sequence[Outgoing]:
    """``/quiz``: one question; type the option's number to answer."""
    return await _as_outgoing(session, await quiz_command(session.services, session.asker))


async def terminal_streak(session: TerminalSession, args: str) -> Sequence[Outgoing]:
    return [await streak_reply(session.services, session.asker)]


async def terminal_stats(session: TerminalSession, args: str) -> Sequence[Outgoing]:
    return [await stats_reply(session.services, session.asker)]


async def terminal_poll_answer(
    session: TerminalSession, poll: Poll, index: int
) -> Sequence[Outgoing]:
    """An option typed by number: the verdict and explanation, then streak news + "Next"."""
    lang = session.asker.lang
    right = poll.options[poll.correct_index]
    if index == poll.correct_index:
        verdict = tr(lang, "✓ {answer}", answer=right)
    else:
        verdict = tr(lang, "✗ The answer is: {answer}", answer=right)
    lines = [verdict]
    if poll.explanation:
        lines.append(poll.explanation)
    result = await answer_poll(
        session.services,
        poll_id=poll.ref,
        user_id=session.asker.user_id or 0,
        first_name=session.asker.first_name,
        lang=lang,
        option_ids=[index],
    )
    note_buttons = session.extra.get(_NOTE_BUTTONS, {}).pop(poll.ref, ())
    follow_up = result.replies[0] if result.replies else None
    text = escape("\n".join(lines))
    if follow_up is not None:
        text = f"{text}\n{follow_up.text}"
    buttons = (follow_up.buttons if follow_up is not None else ()) + tuple(note_buttons)
    return [Reply(text, buttons=buttons)]


async def terminal_next(session: TerminalSession, data: str) -> ButtonAnswer:
    items = await _as_outgoing(session, await quiz_command(session.services, session.asker))
    return ButtonAnswer(Notice(), tuple(items))


async def terminal_note(session: TerminalSession, data: str) -> ButtonAnswer:
    return await open_note(session.services, session.asker, data)


def install(services: AppServices) -> None:
    """Add the quiz commands, buttons and poll answers to bot.terminal's tables, and start
    building the question bank now, so the first /quiz does not wait for it."""
    from bot import terminal
    from bot.quiz_bank import ensure_bank

    ensure_bank(services)

    terminal.COMMANDS.update(
        {"quiz": terminal_quiz, "streak": terminal_streak, "stats": terminal_stats}
    )
    terminal.BUTTONS.update({f"{NEXT_KIND}:": terminal_next, f"{NOTE_KIND}:": terminal_note})
    terminal.POLL_ANSWER = terminal_poll_answer
