"""A vote in a quiz poll: recorded once (unknown polls and repeats change nothing), the card and
streak updated; in a private chat the student then gets their streak news, "Next question" and
"👎 Bad question"."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.feature import PollVote
from bot.core.inbox import finish_in
from bot.core.replies import Outgoing, Reply
from bot.core.services import AppServices
from bot.db.answers import record_answer
from bot.features.quiz.asking import quiz_secret
from bot.features.quiz.flags import flag_button
from bot.features.quiz.posts import next_question_keyboard
from bot.features.streaks.views import AnswerOutcome, render_answer_note
from bot.i18n import tr

# how long a vote for an unknown poll waits for the polls being sent (a group's daily quiz,
# under the 20-per-minute group limit, can take a while)
POLL_WAIT = 30.0
# with several instances, the poll may be another one's, recorded one round trip after Telegram
# took it: a vote for a poll still unknown reads again a few times over this long
OTHER_INSTANCE_WAIT = 3.0


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """What a poll answer did, and what to tell the student in their private chat (if anything)."""

    recorded: bool
    known_poll: bool
    private: bool = False
    correct: bool = False
    replies: tuple[Reply, ...] = ()


async def answer_poll(
    services: AppServices,
    *,
    poll_id: str,
    user_id: int,
    first_name: str,
    lang: str,
    option_ids: Sequence[int],
    now: datetime | None = None,
) -> AnswerResult:
    """Record an answer once; in a private chat, say how it went."""
    async with services.db.session() as session:
        outcome = await record_answer(
            session,
            poll_id,
            user_id,
            list(option_ids),
            now or datetime.now(UTC),
            default_tz=services.settings.default_timezone,
            first_name=first_name,
        )
        if outcome.known_poll:
            await finish_in(session)  # the update is done with the answer it recorded
    private = outcome.chat_id is not None and outcome.chat_id == user_id
    if not outcome.recorded:
        return AnswerResult(recorded=False, known_poll=outcome.known_poll, private=private)
    replies: tuple[Reply, ...] = ()
    if private:
        note = render_answer_note(
            AnswerOutcome(
                correct=outcome.correct,
                first_today=outcome.first_today,
                streak=outcome.streak,
                freezes_used=outcome.freezes_used,
                freeze_earned=outcome.freeze_earned,
                best_reached=outcome.best_reached,
            ),
            lang,
        )
        verdict = tr(lang, "✅ Right!") if outcome.correct else tr(lang, "❌ Not this time.")
        text = f"{verdict} {note}" if note else verdict
        flag = None
        if outcome.item_id is not None and outcome.chat_id is not None:
            flag = flag_button(lang, outcome.item_id, outcome.chat_id, quiz_secret(services))
        replies = (Reply(text, buttons=next_question_keyboard(lang, flag)),)
    return AnswerResult(
        recorded=True, known_poll=True, private=private, correct=outcome.correct, replies=replies
    )


async def on_vote(
    services: AppServices, vote: PollVote, *, wait: float = POLL_WAIT
) -> Sequence[Outgoing]:
    """A vote, as every adapter delivers it: what to send the student privately (maybe nothing).
    A vote can overtake the recording of the poll it answers: then the sends under way are
    waited for before the poll is called unknown."""

    async def record() -> AnswerResult:
        return await answer_poll(
            services,
            poll_id=vote.poll_id,
            user_id=vote.user_id,
            first_name=vote.first_name,
            lang=vote.lang,
            option_ids=vote.option_ids,
        )

    result = await record()
    if not result.known_poll:
        # the poll's recording may have finished between that read and now (then nothing is
        # pending any more), or still be under way: wait for what is pending, and read again
        await services.polls_in_flight.wait_for_pending(wait)
        result = await record()
    pause = 0.1
    waited = 0.0
    while (
        not result.known_poll and services.settings.instances > 1 and waited < OTHER_INSTANCE_WAIT
    ):
        await asyncio.sleep(pause)
        waited += pause
        pause = min(pause * 2, 1.0)
        result = await record()
    return result.replies
