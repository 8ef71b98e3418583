"""The terminal ``Sender``: replies become plain text with numbered choices, a picture becomes a
PNG file in the data folder (its path is printed), and a quiz poll's options become the choices.
It reaches one chat, the terminal's own."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.core.ports import ChatUnreachable, SentPoll, Target
from bot.core.replies import Outgoing, Photo, Poll
from bot.terminal.screen import Screen


class TerminalSender:
    """Prints to a ``Screen``; every other chat is unreachable from here."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.audience: frozenset[int] | None = frozenset({screen.chat_id})

    def _check(self, target: Target) -> None:
        if target.chat_id != self.screen.chat_id:
            raise ChatUnreachable(f"chat {target.chat_id} is not this terminal")

    async def send(self, target: Target, items: Sequence[Outgoing]) -> None:
        self._check(target)
        for item in items:
            if isinstance(item, Photo):
                self.screen.show_picture(item, _stamp())
            elif isinstance(item, Poll):
                await self.send_poll(target, item)
            else:
                self.screen.show([item])

    async def send_poll(self, target: Target, poll: Poll) -> SentPoll | None:
        self._check(target)
        poll_id = f"terminal-{secrets.token_hex(8)}"
        self.screen.show_poll(poll, poll_id)
        return SentPoll(poll_id, None)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
