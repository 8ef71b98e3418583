"""``studybot chat``: every feature of bot.features.catalog on stdin/stdout. Commands, text and
buttons reach the same use cases as on Telegram; a typed number presses a choice; the features'
jobs (the daily quiz, the evening reminder) run while the chat is open and arrive here."""

from __future__ import annotations

import asyncio
import contextlib
import locale
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import TextIO

from bot.core.chats import SeenChat, SeenUser, record_user_and_chat
from bot.core.delivery import deliver
from bot.core.feature import Job, PollVote, Request
from bot.core.lang import user_language
from bot.core.ports import Target
from bot.core.replies import Asker, Outgoing, Poll, Reply
from bot.core.services import AppServices, close_services, open_services
from bot.features.catalog import FEATURES, HELP_LINES, find_button, find_command, text_feature
from bot.features.notebooks.feature import add_from_disk
from bot.features.search.cards import examples_for, expired
from bot.features.search.help import help_reply, unknown_command
from bot.i18n import tr
from bot.settings import Settings
from bot.terminal.screen import Screen
from bot.terminal.sender import TerminalSender

log = logging.getLogger(__name__)

TERMINAL_USER_ID = 1  # the terminal's one user (and private chat) in the database


@dataclass
class TerminalChat:
    """One terminal conversation: who is talking, and where it is shown."""

    services: AppServices
    asker: Asker
    screen: Screen

    def __post_init__(self) -> None:
        self.sender = TerminalSender(self.screen)
        self.screen.press_button = self.press
        self.screen.vote = self.answer_poll

    @property
    def target(self) -> Target:
        return Target(self.asker.chat_id)

    def request(self, text: str) -> Request:
        return Request(asker=self.asker, text=text, say=self.deliver)

    async def deliver(self, items: Sequence[Outgoing]) -> None:
        await deliver(self.services, self.sender, self.target, items)

    async def press(self, data: str) -> None:
        route = find_button(data)
        answer = (
            await route.run(self.services, self.request(data))
            if route
            else expired(self.asker.lang)
        )
        if answer.language is not None:
            self.asker = replace(self.asker, lang=answer.language)
        if answer.notice.text:
            self.screen.write(f"({answer.notice.text})")
        await self.deliver(answer.replies)

    async def answer_poll(self, poll: Poll, poll_id: str, index: int) -> None:
        """An option typed by number: the verdict and explanation, then the feature's follow-up
        (streak news, "Next question") with the poll's own buttons ("Read the note")."""
        lang = self.asker.lang
        right = poll.options[poll.correct_index]
        if index == poll.correct_index:
            lines = [tr(lang, "✓ {answer}", answer=right)]
        else:
            lines = [tr(lang, "✗ The answer is: {answer}", answer=right)]
        if poll.explanation:
            lines.append(poll.explanation)
        vote = PollVote(
            poll_id=poll_id,
            user_id=self.asker.user_id or TERMINAL_USER_ID,
            first_name=self.asker.first_name,
            lang=lang,
            option_ids=(index,),
        )
        follow_up: list[Outgoing] = []
        for feature in FEATURES:
            if feature.on_poll_answer is not None:
                follow_up.extend(await feature.on_poll_answer(self.services, vote))
        text = escape("\n".join(lines))
        buttons = poll.buttons
        first = follow_up[0] if follow_up else None
        if isinstance(first, Reply):
            text = f"{text}\n{first.text}"
            buttons = first.buttons + poll.buttons
        await self.deliver([Reply(text, buttons=buttons)])

    async def handle_line(self, line: str) -> bool:
        """React to one line typed by the user; False when the chat should end."""
        text = line.strip()
        if not text:
            return True
        if text in ("/quit", "/exit"):
            return False
        if text.isdigit() and len(text) <= 3:
            action = self.screen.choices.get(int(text))
            if action is None:
                self.screen.write(
                    tr(
                        self.asker.lang,
                        "There is no button {n} here. To search for it, type /search {n}.",
                        n=text,
                    )
                )
                self.screen.write()
            else:
                await action()
            return True
        if text.startswith("/add ") or text == "/add":
            path = text[len("/add") :].strip()
            if not path:
                self.screen.write(tr(self.asker.lang, "Usage: /add PATH (a note file or a folder)"))
                self.screen.write()
                return True
            notes = Path(path).expanduser()
            await self.deliver(await add_from_disk(self.services, self.request(""), notes))
            return True
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            command = find_command(name.split("@", 1)[0].lower())
            if command is None:
                await self.deliver([unknown_command(self.asker)])
            else:
                await self.deliver(await command.run(self.services, self.request(args)))
            return True
        feature = text_feature()
        if feature is not None and feature.on_text is not None:
            await self.deliver(await feature.on_text(self.services, self.request(text)))
        return True


def _terminal_language() -> str | None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return os.environ[name]
    return locale.getlocale()[0]


async def _run_job(job: Job, chat: TerminalChat) -> None:
    await asyncio.sleep(job.first)
    while True:
        try:
            await job.run(chat.services, chat.sender)
        except Exception:
            log.exception("the %s job failed", job.name)
        await asyncio.sleep(job.interval)


async def open_chat(services: AppServices, stdout: TextIO) -> TerminalChat:
    """The terminal's user and chat, recorded like any Telegram user's."""
    code = _terminal_language()
    await record_user_and_chat(
        services,
        SeenUser(TERMINAL_USER_ID, "terminal", code),
        SeenChat(TERMINAL_USER_ID, "private", "terminal"),
    )
    lang = await user_language(services, TERMINAL_USER_ID, code)
    screen = Screen(stdout, TERMINAL_USER_ID, services.settings.data_dir / "pictures")
    asker = Asker(TERMINAL_USER_ID, TERMINAL_USER_ID, lang=lang, private=True)
    return TerminalChat(services, asker, screen)


async def chat_loop(services: AppServices, stdin: TextIO, stdout: TextIO) -> int:
    """The conversation until EOF or /quit, with the features' jobs running meanwhile."""
    chat = await open_chat(services, stdout)
    for feature in FEATURES:
        if feature.on_open is not None:
            await feature.on_open(services)
        if feature.on_start is not None:
            feature.on_start(services)
    jobs = [asyncio.create_task(_run_job(job, chat)) for f in FEATURES for job in f.jobs]
    try:
        examples = await examples_for(services, chat.asker)
        chat.screen.show([help_reply(chat.asker, HELP_LINES, examples)])
        chat.screen.write(tr(chat.asker.lang, "Type a number to press a button; /quit to leave."))
        interactive = stdin.isatty()
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line or not await chat.handle_line(line):
                return 0
    finally:
        for task in jobs:
            task.cancel()
        for task in jobs:
            with contextlib.suppress(asyncio.CancelledError):
                await task


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
