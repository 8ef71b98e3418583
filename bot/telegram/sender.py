"""The Telegram ``Sender``: replies and quiz polls through the Bot API, with Telegram's refusals
turned into the port's errors (a chat that blocked or removed the bot is ``ChatUnreachable``;
a flood wait the rate limiter gave up on is ``TryLater``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from telegram import Bot
from telegram.constants import PollType
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.core.ports import ChatUnreachable, SentPoll, Target, TryLater
from bot.core.replies import Outgoing, Poll
from bot.telegram import render

_UNREACHABLE = ("chat not found", "bot was kicked", "not enough rights", "have no rights")


def _retry_seconds(error: RetryAfter) -> float:
    delay = error.retry_after
    return delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)


@contextmanager
def port_errors() -> Iterator[None]:
    """Telegram's refusals as the port's errors; anything else passes through."""
    try:
        yield
    except Forbidden as error:
        raise ChatUnreachable(str(error)) from error
    except BadRequest as error:
        if any(reason in error.message.lower() for reason in _UNREACHABLE):
            raise ChatUnreachable(error.message) from error
        raise
    except RetryAfter as error:
        raise TryLater(_retry_seconds(error)) from error


class TelegramSender:
    """Sends through one ``telegram.Bot`` (its rate limiter paces the calls)."""

    audience: frozenset[int] | None = None  # every chat

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, target: Target, items: Sequence[Outgoing]) -> None:
        with port_errors():
            await render.send(
                self.bot,
                target.chat_id,
                items,
                reply_to=target.reply_to,
                thread_id=target.thread_id,
            )

    async def send_poll(self, target: Target, poll: Poll) -> SentPoll | None:
        with port_errors():
            message = await self.bot.send_poll(
                target.chat_id,
                poll.question,
                list(poll.options),
                type=PollType.QUIZ,
                # PTB types option ids as Literal[0..11]; build_quiz_post keeps ≤ 10 options
                correct_option_ids=[poll.correct_index],  # type: ignore[list-item]
                explanation=poll.explanation or None,
                is_anonymous=poll.is_anonymous,
                reply_markup=render.keyboard(poll.buttons),
                reply_parameters=render.reply_parameters(target.reply_to),
                message_thread_id=target.thread_id,
            )
        if message.poll is None:
            return None
        return SentPoll(message.poll.id, message.message_id)
