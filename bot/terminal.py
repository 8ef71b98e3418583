"""``studybot chat``: the same conversation core on stdin/stdout, with plain text instead of HTML
and numbered choices instead of buttons (type "2" to press button 2 of the last reply).

Other features plug in by adding to ``COMMANDS`` (``/name`` → handler) and ``BUTTONS``
(callback-data prefix → handler); a quiz poll's options become numbered choices routed to
``POLL_ANSWER`` when it is set.
"""

from __future__ import annotations

import asyncio
import locale
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TextIO

from bot.core import callbacks as codec
from bot.core import help as help_core
from bot.core.lang import choose_language, language_menu, set_language, user_language
from bot.core.replies import (
    Asker,
    Button,
    ButtonAnswer,
    Outgoing,
    Photo,
    Poll,
    Reply,
)
from bot.core.search import expired, search_reply, show_full_note, show_page
from bot.core.services import AppServices, close_services, open_services
from bot.core.text import html_to_plain
from bot.i18n import tr
from bot.settings import Settings

TERMINAL_USER_ID = 1  # the terminal's one user (and private chat) in the database


@dataclass
class TerminalSession:
    """The state of one terminal conversation."""

    services: AppServices
    asker: Asker
    out: TextIO
    choices: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()


CommandHandler = Callable[[TerminalSession, str], Awaitable[Sequence[Outgoing]]]
ButtonHandler = Callable[[TerminalSession, str], Awaitable[ButtonAnswer]]
PollAnswerHandler = Callable[[TerminalSession, Poll, int], Awaitable[Sequence[Outgoing]]]


async def _help(session: TerminalSession, args: str) -> Sequence[Outgoing]:
    return [help_core.help_reply(session.asker)]


async def _start(session: TerminalSession, args: str) -> Sequence[Outgoing]:
    return await help_core.start_reply(session.services, session.asker, args)


async def _search(session: TerminalSession, args: str) -> Sequence[Outgoing]:
    return await search_reply(session.services, session.asker, args)


async def _lang(session: TerminalSession, args: str) -> Sequence[Outgoing]:
    if args.strip() in ("en", "es"):
        answer = await set_language(session.services, session.asker, args.strip())
        session.asker = replace(session.asker, lang=args.strip())
        return answer.replies
    return [language_menu(session.asker)]


COMMANDS: dict[str, CommandHandler] = {
    "start": _start,
    "help": _help,
    "search": _search,
    "lang": _lang,
}


async def _search_button(session: TerminalSession, data: str) -> ButtonAnswer:
    action = codec.decode(data)
    services, asker = session.services, session.asker
    if isinstance(action, codec.SearchPage):
        return await show_page(services, asker, action.key, action.page)
    if isinstance(action, codec.FullNote):
        return await show_full_note(services, asker, action.chunk_id)
    if isinstance(action, codec.SetLanguage):
        answer = await set_language(services, asker, action.lang)
        session.asker = replace(asker, lang=action.lang)
        return answer
    return expired(asker.lang)


BUTTONS: dict[str, ButtonHandler] = {
    "s1:": _search_button,
    "n1:": _search_button,
    "l1:": _search_button,
}
POLL_ANSWER: PollAnswerHandler | None = None


def render_plain(item: Outgoing) -> str:
    """How a reply looks in the terminal (without its numbered choices)."""
    if isinstance(item, Reply):
        return html_to_plain(item.text)
    if isinstance(item, Photo):
        return f"[picture, {len(item.png)} bytes] {html_to_plain(item.caption)}".rstrip()
    lines = [item.question]
    return "\n".join(lines)


def show(session: TerminalSession, items: Sequence[Outgoing]) -> None:
    """Print ``items``; the choices of the last one with buttons (or poll options) become 1, 2, …"""
    for item in items:
        session.write(render_plain(item))
        labels: list[str] = []
        actions: list[Callable[[], Awaitable[None]]] = []
        if isinstance(item, Poll):
            for index, option in enumerate(item.options):
                labels.append(option)
                actions.append(_poll_choice(session, item, index))
        else:
            buttons = (
                item.flat_buttons
                if isinstance(item, Reply)
                else [b for row in item.buttons for b in row]
            )
            for button in buttons:
                labels.append(button.text)
                actions.append(_button_choice(session, button))
        if labels:
            session.choices = actions
            for number, label in enumerate(labels, 1):
                session.write(f"  [{number}] {label}")
        session.write()


def _button_choice(session: TerminalSession, button: Button) -> Callable[[], Awaitable[None]]:
    async def press() -> None:
        if button.url is not None:
            session.write(button.url)
            return
        data = button.data or ""
        handler = next((h for prefix, h in BUTTONS.items() if data.startswith(prefix)), None)
        answer = await handler(session, data) if handler else expired(session.asker.lang)
        if answer.notice.text:
            session.write(f"({answer.notice.text})")
        show(session, answer.replies)

    return press


def _poll_choice(session: TerminalSession, poll: Poll, index: int) -> Callable[[], Awaitable[None]]:
    async def press() -> None:
        if POLL_ANSWER is None:
            right = poll.options[poll.correct_index]
            session.write(f"✓ {right}" if index == poll.correct_index else f"✗ → {right}")
            if poll.explanation:
                session.write(poll.explanation)
            session.write()
            return
        show(session, await POLL_ANSWER(session, poll, index))

    return press


async def handle_line(session: TerminalSession, line: str) -> bool:
    """React to one line typed by the user; False when the chat should end."""
    text = line.strip()
    if not text:
        return True
    if text in ("/quit", "/exit"):
        return False
    if text.isdigit() and session.choices:
        number = int(text)
        if 1 <= number <= len(session.choices):
            await session.choices[number - 1]()
            return True
    if text.startswith("/"):
        name, _, args = text[1:].partition(" ")
        handler = COMMANDS.get(name.split("@", 1)[0].lower())
        if handler is None:
            show(session, [help_core.unknown_command(session.asker)])
        else:
            show(session, await handler(session, args))
        return True
    show(session, await search_reply(session.services, session.asker, text))
    return True


def _terminal_language() -> str | None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return os.environ[name]
    return locale.getlocale()[0]


def install_features(services: AppServices) -> None:
    """Let the other features add their commands, buttons and poll answers to the tables (and
    start what they need in the background)."""
    from bot import quiz_terminal

    quiz_terminal.install(services)


async def chat_loop(services: AppServices, stdin: TextIO, stdout: TextIO) -> int:
    """The conversation until EOF or /quit."""
    install_features(services)
    code = _terminal_language()
    if services.db is not None:
        from bot.db.chats import upsert_chat
        from bot.db.users import upsert_user

        async with services.db.session() as session:
            await upsert_user(session, TERMINAL_USER_ID, "terminal", code)
            await upsert_chat(session, TERMINAL_USER_ID, "private", "terminal")
        lang = await user_language(services, TERMINAL_USER_ID, code)
    else:
        lang = choose_language(None, code)
    session = TerminalSession(
        services, Asker(TERMINAL_USER_ID, TERMINAL_USER_ID, lang=lang, private=True), stdout
    )
    show(session, [help_core.help_reply(session.asker)])
    session.write(tr(lang, "Type a number to press a button; /quit to leave."))
    interactive = stdin.isatty()
    while True:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            return 0
        if not await handle_line(session, line):
            return 0


def run_chat(settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """``studybot chat``: open the services, talk on stdin/stdout, exit 0 on EOF or /quit."""

    root = logging.getLogger()
    if root.level > logging.NOTSET and root.level >= logging.INFO:
        root.setLevel(logging.WARNING)  # keep start-up chatter (migrations, index) off the chat

    async def main() -> int:
        services = await open_services(settings)
        try:
            return await chat_loop(services, stdin or sys.stdin, stdout or sys.stdout)
        finally:
            await close_services(services)

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 0
