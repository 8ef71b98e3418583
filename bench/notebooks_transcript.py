"""A transcript of own notes in use, message by message: one private session (upload with its
progress edits, /notes, a search, /quiz, removing the file) and one group session (a member's
file ignored, an admin's accepted, a member's search and /quiz), through the real Application
and the fake Bot API. ``python -m bench.notebooks_transcript`` prints it; the end-to-end test
tests/e2e/test_notebooks_transcript_e2e.py checks it."""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.search import open_searcher
from index.store import ensure_index
from tests.e2e.conftest import BotHarness, button_data, start_bot
from tests.fakebot import ALICE, BOB, CAROL, STUDY_GROUP, Chat, FakeBotAPI, User

ROOT = Path(__file__).resolve().parents[1]

CELLS = b"""# Cell biology

## Mitochondria
The mitochondrion is the organelle that produces ATP through oxidative phosphorylation.
Mitochondria have their own circular DNA, inherited from the mother.

## Ribosomes
Ribosomes translate messenger RNA into proteins.
A eukaryotic ribosome sediments at 80S; a bacterial ribosome sediments at 70S.

## Membranes
The plasma membrane is a phospholipid bilayer about 7 nm thick.
The sodium-potassium pump moves 3 sodium ions out for every 2 potassium ions in.
"""

ROME = b"""# Ancient Rome

## The Republic
The Roman Republic was governed by two consuls elected every year.
The Senate advised the consuls on war and finance.

## Aqueducts
Roman aqueducts carried water into the city by gravity alone.
The Aqua Appia was the first aqueduct of Rome, built in 312 BC.
"""

SHOWN = ("sendMessage", "editMessageText", "sendPoll", "answerCallbackQuery")


@dataclass
class Line:
    at: float
    who: str
    text: str


class Transcript:
    """What people sent (recorded as they send it) and what the bot sent (from the fake)."""

    def __init__(self, bot: BotHarness) -> None:
        self.bot = bot
        self.said: list[Line] = []
        self.since = len(bot.api.calls)

    def person(self, user: User, what: str) -> None:
        self.said.append(Line(time.time(), f"👤 {user.first_name}", what))

    async def send(self, user: User, text: str, chat: Chat | None = None) -> None:
        api = self.bot.api
        self.person(user, text)
        if chat is None:
            update = (
                api.build.command(user, text)
                if text.startswith("/")
                else api.build.private_message(user, text)
            )
        elif text.startswith("/"):
            update = api.build.command(user, text, chat=chat)
        else:
            update = api.build.group_message(chat, user, text)
        api.push_update(update)
        await self.bot.settle(0.6)

    async def upload(self, user: User, content: bytes, name: str, chat: Chat | None = None):
        api = self.bot.api
        self.person(user, f"[sends the file {name}, {len(content)} bytes]")
        api.push_update(api.build.document_message(user, content, name, chat=chat))
        where = chat.id if chat is not None else user.id
        await self.bot.settle(0.6)
        await api.wait_for(lambda: self._settled(where), 60)
        await self.bot.settle(0.3)

    def _settled(self, chat_id: int) -> bool:
        texts = [m.get("text", "") for m in self.bot.sent(chat_id)]
        return not texts or not texts[-1].startswith(("📥", "⏳", "🔎 "))

    async def press(self, user: User, message: dict[str, Any], label: str) -> None:
        data = button_data(message, label)
        self.person(user, f"[presses «{label}»]")
        await self.bot.press(user, message, data)
        await self.bot.settle(0.6)

    def lines(self) -> list[Line]:
        bot_lines = [
            Line(call.timestamp, "🤖 Studybot", _describe(call))
            for call in self.bot.api.calls[self.since :]
            if call.method in SHOWN and call.ok
        ]
        return sorted(self.said + bot_lines, key=lambda line: line.at)

    def render(self, title: str) -> str:
        out = [f"=== {title} ==="]
        for line in self.lines():
            body = line.text.replace("\n", "\n    ")
            out.append(f"{line.who}: {body}")
        return "\n".join(out)


def _plain(text: str) -> str:
    return (
        re.sub(r"<[^>]+>", "", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )


def _describe(call: Any) -> str:
    params = call.params
    where = f"(chat {params.get('chat_id')}) " if int(params.get("chat_id", 0) or 0) < 0 else ""
    if call.method == "sendPoll":
        options = [o["text"] if isinstance(o, dict) else str(o) for o in params.get("options", [])]
        return f"{where}[quiz] {params.get('question')} — options: {' | '.join(options)}"
    if call.method == "answerCallbackQuery":
        return f"[button answer] {params.get('text', '')}"
    text = _plain(str(params.get("text", "")))
    buttons = _buttons(params.get("reply_markup"))
    prefix = "[edits its message] " if call.method == "editMessageText" else ""
    return f"{where}{prefix}{text}" + (f"\n[buttons: {buttons}]" if buttons else "")


def _buttons(markup: Any) -> str:
    if isinstance(markup, str):
        import json

        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return ""
    rows = markup.get("inline_keyboard", [])
    return " · ".join(button.get("text", "") for row in rows for button in row)


async def private_session(bot: BotHarness) -> Transcript:
    talk = Transcript(bot)
    await talk.upload(ALICE, CELLS, "cells.md")
    await talk.send(ALICE, "/notes")
    await talk.send(ALICE, "mitochondria ATP")
    await talk.send(ALICE, "/quiz")
    await talk.send(ALICE, "/notes")
    listing = bot.sent(ALICE.id)[-1]
    await talk.press(ALICE, listing, "cells.md")
    await talk.send(ALICE, "mitochondria ATP")
    return talk


async def group_session(bot: BotHarness) -> Transcript:
    api = bot.api
    api.add_chat(STUDY_GROUP)
    api.set_member(STUDY_GROUP.id, ALICE, "administrator")
    api.set_member(STUDY_GROUP.id, CAROL, "member")
    api.set_member(STUDY_GROUP.id, BOB, "member")
    talk = Transcript(bot)
    talk.person(CAROL, "(a member)")
    await talk.upload(CAROL, ROME, "rome.md", chat=STUDY_GROUP)
    talk.person(ALICE, "(an administrator)")
    await talk.upload(ALICE, CELLS, "cells.md", chat=STUDY_GROUP)
    await talk.send(BOB, f"@{api.bot_user.username} mitochondria ATP", chat=STUDY_GROUP)
    await talk.send(BOB, "/quiz", chat=STUDY_GROUP)
    await talk.send(CAROL, "/notes", chat=STUDY_GROUP)
    return talk


async def record(workdir: Path) -> tuple[Transcript, Transcript]:
    """Both sessions, each on a bot of its own (a fresh database), over the shipped notes."""
    ensure_index(ROOT / "corpus", workdir / "demo-index")
    demo = open_searcher(workdir / "demo-index")
    async with FakeBotAPI() as api:
        async for bot in start_bot(api, demo, workdir / "private", STUDYBOT_LOG_LEVEL="WARNING"):
            private = await private_session(bot)
    async with FakeBotAPI() as api:
        async for bot in start_bot(api, demo, workdir / "group", STUDYBOT_LOG_LEVEL="WARNING"):
            group = await group_session(bot)
    return private, group


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="studybot-transcript-") as tmp:
        private, group = asyncio.run(record(Path(tmp)))
        print(private.render("A private chat"))
        print()
        print(group.render(f"A group ({STUDY_GROUP.title})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
