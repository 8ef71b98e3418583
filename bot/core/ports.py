"""The ports through which use cases reach a chat: a ``Sender`` (Telegram's Bot API, or the
terminal), and the errors every sender speaks, so the daily fan-out, reminders and replies run
the same in production, in the terminal and in tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.replies import Outgoing, Poll


@dataclass(frozen=True, slots=True)
class Target:
    """Where a message goes: a chat, optionally quoting a message and inside a forum topic."""

    chat_id: int
    reply_to: int | None = None  # message id to quote
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class SentPoll:
    """A quiz poll as the chat received it (its id is what answers refer to)."""

    poll_id: str
    message_id: int | None


class ChatUnreachable(Exception):
    """The chat cannot be written to (blocked, kicked, deleted): stop posting there."""


class TryLater(Exception):
    """The transport asks to wait ``seconds`` before the next send (a flood limit)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Sender(Protocol):
    """Sends replies and quiz polls; raises ``ChatUnreachable`` or ``TryLater``. ``audience``:
    the chats it can reach (None: every chat), so jobs only work for chats it serves."""

    audience: frozenset[int] | None

    async def send(self, target: Target, items: Sequence[Outgoing]) -> None: ...

    async def send_poll(self, target: Target, poll: Poll) -> SentPoll | None: ...
