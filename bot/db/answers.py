"""Recording a poll answer once: the answer row, the student's streaks, and their fsrs card."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.streak_rules import StreakChange, StreakEvent, local_day
from bot.db.base import insert_unless_present
from bot.db.cards import review_item
from bot.db.models import Answer
from bot.db.polls import poll_by_id
from bot.db.streaks import apply_answer_day
from bot.db.users import effective_timezone, ensure_user


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """What recording one poll answer did.

    ``recorded`` is False for a redelivered answer (same poll, same student), for a poll the bot
    does not know, and for a retracted vote (no option chosen); nothing else changes then.
    """

    recorded: bool
    known_poll: bool = True
    correct: bool = False
    item_id: str | None = None
    chat_id: int | None = None
    local_date: date | None = None
    timezone: str | None = None
    personal: StreakChange | None = None  # the student's own streak
    group: StreakChange | None = None  # their streak in the group, for a group poll

    @property
    def first_today(self) -> bool:
        """The first answer of the student's local day: their streak moved."""
        return self.personal is not None and self.personal.counted

    @property
    def streak(self) -> int:
        return self.personal.state.current if self.personal is not None else 0

    @property
    def freezes_used(self) -> int:
        return self.personal.freezes_used if self.personal is not None else 0

    @property
    def freeze_earned(self) -> bool:
        return self.personal is not None and self.personal.freeze_earned

    @property
    def best_reached(self) -> bool:
        return self.personal is not None and self.personal.best_reached

    @property
    def started_over(self) -> bool:
        return self.personal is not None and self.personal.event is StreakEvent.STARTED_OVER


def is_group_chat(chat_id: int) -> bool:
    """Groups and supergroups have negative ids; a private chat's id is the user's id."""
    return chat_id < 0


async def record_answer(
    session: AsyncSession,
    poll_id: str,
    user_id: int,
    option_ids: Sequence[int],
    answered_at: datetime,
    *,
    default_tz: str = "UTC",
    first_name: str = "",
) -> AnswerOutcome:
    """Record a student's answer to a poll the bot sent, exactly once per (poll, student).

    The local day comes from the student's zone (else the chat's, else ``default_tz``). A new
    answer extends the student's streak (and their streak in the group for a group poll) and
    reviews their card for the item.
    """
    poll = await poll_by_id(session, poll_id)
    if poll is None:
        return AnswerOutcome(recorded=False, known_poll=False)
    if not option_ids:
        return AnswerOutcome(recorded=False, item_id=poll.item_id, chat_id=poll.chat_id)
    correct = poll.correct_option in option_ids
    await ensure_user(session, user_id, first_name)
    tz = await effective_timezone(session, user_id, poll.chat_id, default_tz)
    day = local_day(answered_at, tz)
    created = await insert_unless_present(
        session,
        Answer,
        poll_id=poll_id,
        user_id=user_id,
        item_id=poll.item_id,
        chat_id=poll.chat_id,
        correct=correct,
        answered_at=answered_at,
        local_date=day,
    )
    if not created:
        stored = await session.scalar(
            select(Answer.correct).where(Answer.poll_id == poll_id, Answer.user_id == user_id)
        )
        return AnswerOutcome(
            recorded=False,
            correct=bool(stored),
            item_id=poll.item_id,
            chat_id=poll.chat_id,
            timezone=tz,
        )
    personal = await apply_answer_day(session, user_id, day)
    group = None
    if is_group_chat(poll.chat_id):
        group = await apply_answer_day(session, user_id, day, poll.chat_id)
    await review_item(session, user_id, poll.item_id, correct, answered_at)
    return AnswerOutcome(
        recorded=True,
        correct=correct,
        item_id=poll.item_id,
        chat_id=poll.chat_id,
        local_date=day,
        timezone=tz,
        personal=personal,
        group=group,
    )
