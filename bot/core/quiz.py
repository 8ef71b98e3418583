"""Turn quiz items into what the bot sends: a native quiz poll within Telegram's limits, the
"Read the note" button (signed callback data), the passage it opens, and the terminal version.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING, Protocol

from bot.core.callbacks import pack, unpack
from bot.core.help import register_help_section
from bot.core.replies import Asker, Button, ButtonAnswer, Keyboard, Notice, Poll, Reply
from bot.core.services import AppServices
from bot.i18n import N_, tr

if TYPE_CHECKING:
    from bot.quiz_bank import QuizBank, QuizBankHolder

HELP_LINES = (
    N_(
        "🧠 /quiz asks a question from the notes as a quiz poll; /streak shows your streak and "
        "freezes, /stats a picture of your progress."
    ),
    N_(
        "📅 /daily HH:MM [Area/City] posts a quiz here every day (in groups, admins only; "
        "/daily off stops it); /top shows a group's leaderboard."
    ),
    N_(
        "🌍 /timezone Area/City sets your streak days, /remind HH:MM (or off) the evening "
        "reminder. In channels quiz polls are anonymous, so they count for no streak."
    ),
)
for _line in HELP_LINES:
    register_help_section(_line)

MAX_QUESTION = 300
MAX_OPTION = 100
MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2
MAX_CALLBACK_BYTES = 64
MAX_MESSAGE = 4096
NOTE_KIND = "qn1"  # callback kinds of this feature (see bot.core.callbacks)
NEXT_KIND = "qx1"
_SIG_LEN = 10


class DueLike(Protocol):
    """A chat whose daily post is due (``bot.db.daily.DuePost``)."""

    chat_id: int
    local_date: date
    count: int


class QuizItemLike(Protocol):
    """The fields of ``index.quiz.QuizItem`` this module reads."""

    id: str
    kind: str
    lang: str
    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    source: str
    path: tuple[str, ...]
    chunk_id: str
    line: int


@dataclass(frozen=True, slots=True)
class QuizPost:
    """A native quiz poll within Telegram's limits, and the keyboard shown under it."""

    poll: Poll
    buttons: Keyboard = ()

    @property
    def item_id(self) -> str:
        return self.poll.ref


def item_key(item_id: str) -> str:
    """A short, stable key for an item id (fits in callback data whatever the id's length)."""
    return hashlib.blake2s(item_id.encode("utf-8"), digest_size=6).hexdigest()


def _signature(payload: str, secret: bytes) -> str:
    return hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()[:_SIG_LEN]


def note_callback_data(item_id: str, secret: bytes) -> str:
    """``qn1:<key>:<sig>``: opens the passage of ``item_id``; forged data fails the signature."""
    key = item_key(item_id)
    return pack(NOTE_KIND, key, _signature(key, secret))


def parse_note_callback(data: object, secret: bytes) -> str | None:
    """The item key inside valid ``qn1`` callback data, else None (malformed or forged)."""
    fields = unpack(data, NOTE_KIND, 2)
    if fields is None:
        return None
    key, signature = fields
    if not hmac.compare_digest(signature, _signature(key, secret)):
        return None
    return key


def next_callback_data() -> str:
    return pack(NEXT_KIND, "n")


def is_next_callback(data: object) -> bool:
    return unpack(data, NEXT_KIND, 1) == ("n",)


def fit(text: str, limit: int) -> str:
    """``text`` on one tidy line, cut with an ellipsis to at most ``limit`` characters."""
    cleaned = " ".join(text.split())
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[: limit - 1].rstrip() + "…"


def fit_explanation(text: str, limit: int = MAX_EXPLANATION) -> str:
    """At most ``limit`` characters and two line feeds, as Telegram requires of explanations."""
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MAX_EXPLANATION_LINE_FEEDS + 1:
        keep = MAX_EXPLANATION_LINE_FEEDS
        lines = [*lines[:keep], " ".join(lines[keep:])]
    joined = "\n".join(lines)
    if len(joined) <= limit:
        return joined
    return joined[: limit - 1].rstrip() + "…"


def build_quiz_post(
    item: QuizItemLike, lang: str, secret: bytes, *, anonymous: bool = False
) -> QuizPost | None:
    """The poll for ``item``, or None when it cannot be shown faithfully within the limits."""
    options = tuple(fit(option, MAX_OPTION) for option in item.options)
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        return None
    if any(not option for option in options) or len(set(options)) != len(options):
        return None
    if not 0 <= item.answer < len(options):
        return None
    question = fit(item.question, MAX_QUESTION)
    if not question:
        return None
    poll = Poll(
        question=question,
        options=options,
        correct_index=item.answer,
        explanation=fit_explanation(item.explanation or ""),
        is_anonymous=anonymous,
        ref=item.id,
    )
    button = Button(tr(lang, "📖 Read the note"), data=note_callback_data(item.id, secret))
    return QuizPost(poll=poll, buttons=((button,),))


def next_question_keyboard(lang: str) -> Keyboard:
    return ((Button(tr(lang, "➡️ Next question"), data=next_callback_data()),),)


def render_note(item: QuizItemLike, passage: str | None, lang: str) -> str:
    """The passage a question came from, as HTML: breadcrumb, source line, then the text."""
    crumb = " › ".join(item.path) if item.path else item.source
    header = tr(lang, "📖 <b>{crumb}</b>", crumb=escape(crumb))
    where = tr(lang, "<i>{source}, line {line}</i>", source=escape(item.source), line=item.line)
    body = passage if passage is not None else item.explanation
    budget = MAX_MESSAGE - len(header) - len(where) - 16
    text = body.strip()
    if len(escape(text)) > budget:
        while len(escape(text)) > budget - 1:
            text = text[: int(len(text) * 0.9)]
        text = text.rstrip() + "…"
    return f"{header}\n{where}\n\n{escape(text)}"


def render_note_missing(lang: str) -> str:
    return tr(lang, "This note is no longer available. Try a fresh /quiz!")


def render_no_questions(lang: str) -> str:
    return tr(lang, "No questions are ready yet: the notes are still being read. Try again soon.")


def render_text_question(item: QuizItemLike, number: int | None, lang: str) -> str:
    """The question as plain text for the terminal chat: numbered options, answer by number."""
    head = tr(lang, "Question {n}", n=number) if number else tr(lang, "Question")
    lines = [f"{head}: {item.question}"]
    for index, option in enumerate(item.options, start=1):
        lines.append(f"  {index}. {option}")
    lines.append(tr(lang, "Answer with the option's number."))
    return "\n".join(lines)


def parse_option_number(text: str, option_count: int) -> int | None:
    """``"2"`` → 1 (zero-based) when it names one of the options, else None."""
    word = text.strip().rstrip(".)")
    if not word.isdigit() or len(word) > 3:
        return None
    number = int(word)
    return number - 1 if 1 <= number <= option_count else None


def render_text_feedback(item: QuizItemLike, chosen: int, lang: str) -> str:
    """What the terminal says after an answer: right or wrong, the answer, and why."""
    correct = item.options[item.answer]
    if chosen == item.answer:
        verdict = tr(lang, "✅ Correct!")
    else:
        verdict = tr(lang, "❌ Not quite. The answer is: {answer}", answer=correct)
    lines = [verdict]
    if item.explanation:
        lines.append(item.explanation.strip())
    crumb = " › ".join(item.path) if item.path else item.source
    where = tr(
        lang, "(from {crumb}, {source}:{line})", crumb=crumb, source=item.source, line=item.line
    )
    lines.append(where)
    return "\n".join(lines)


def option_lengths_ok(options: Sequence[str]) -> bool:
    """True when every option already fits Telegram's limit (no cutting needed)."""
    return all(0 < len(option) <= MAX_OPTION for option in options)


# --- the quiz conversation over the services (database + question bank) ----------------------

QUIZ_BANK_KEY = "quiz_bank"  # AppServices.extra key holding a bot.quiz_bank.QuizBankHolder
BANK_WAIT_SECONDS = 5.0
UNANSWERED_WINDOW = timedelta(hours=12)  # a question still open in private is not asked again


def quiz_secret(services: AppServices) -> bytes:
    """The key that signs "Read the note" buttons: derived from the bot token, else fixed."""
    token = services.settings.telegram_bot_token
    material = token.get_secret_value() if token is not None else "studybot-terminal"
    return hashlib.sha256(("quiz-note\x00" + material).encode("utf-8")).digest()


async def current_bank(services: AppServices, wait: float = BANK_WAIT_SECONDS) -> QuizBank | None:
    """The question bank (waiting briefly while it is still being built), or None."""
    from bot.quiz_bank import ensure_bank

    holder: QuizBankHolder = ensure_bank(services)
    bank = await holder.wait(wait)
    return bank if bank is not None and len(bank) else None


async def pick_items(
    services: AppServices,
    bank: QuizBank,
    *,
    chat_id: int,
    user_id: int | None,
    private: bool,
    count: int,
    now: datetime | None = None,
) -> list[QuizItemLike]:
    """What to ask: by spaced repetition for one student in private, else the chat's least
    recently posted items (never-posted first, in a stable per-chat order)."""
    from bot import srs
    from bot.db.cards import next_items_for_user
    from bot.db.polls import items_posted_in_chat
    from bot.db.quiz_extra import unanswered_items
    from bot.db.users import effective_timezone

    moment = now or datetime.now(UTC)
    if services.db is None:
        order = srs.order_new_items(bank.item_ids, chat_id)
        return [item for item_id in order[:count] if (item := bank.get(item_id))]
    async with services.db.session() as session:
        if private and user_id is not None:
            tz = await effective_timezone(
                session, user_id, chat_id, services.settings.default_timezone
            )
            waiting = await unanswered_items(session, chat_id, user_id, moment - UNANSWERED_WINDOW)
            ids = await next_items_for_user(
                session, user_id, bank.item_ids, moment, count=count + len(waiting), tz=tz
            )
            ids = [item_id for item_id in ids if item_id not in waiting][:count]
        else:
            posted = await items_posted_in_chat(session, chat_id)
            ids = srs.pick_group_items(posted, srs.order_new_items(bank.item_ids, chat_id), count)
    return [item for item_id in ids if (item := bank.get(item_id)) is not None]


async def quiz_posts(
    services: AppServices,
    asker: Asker,
    *,
    count: int = 1,
    anonymous: bool = False,
    now: datetime | None = None,
) -> list[QuizPost]:
    """Up to ``count`` ready-to-send quiz polls for the asker's chat (empty: nothing to ask)."""
    bank = await current_bank(services)
    if bank is None:
        return []
    items = await pick_items(
        services,
        bank,
        chat_id=asker.chat_id,
        user_id=asker.user_id,
        private=asker.private,
        count=count,
        now=now,
    )
    secret = quiz_secret(services)
    posts = [build_quiz_post(item, asker.lang, secret, anonymous=anonymous) for item in items]
    return [post for post in posts if post is not None]


async def remember_poll(
    services: AppServices,
    *,
    poll_id: str,
    post: QuizPost,
    chat_id: int,
    message_id: int | None,
    is_daily: bool = False,
) -> None:
    """Store a sent poll, so its answers can be attributed (unknown polls are ignored)."""
    if services.db is None:
        return
    from bot.db.polls import record_poll_sent

    async with services.db.session() as session:
        await record_poll_sent(
            session,
            poll_id,
            post.item_id,
            chat_id,
            post.poll.correct_index,
            message_id=message_id,
            is_daily=is_daily,
        )


async def open_note(services: AppServices, asker: Asker, data: object) -> ButtonAnswer:
    """The "Read the note" button: the passage as a new message; forged or stale: a polite toast."""
    key = parse_note_callback(data, quiz_secret(services))
    if key is None:
        return ButtonAnswer(Notice(tr(asker.lang, "Sorry, this button is no longer valid.")))
    bank = await current_bank(services)
    item = bank.by_key(key) if bank is not None else None
    if item is None:
        return ButtonAnswer(Notice(render_note_missing(asker.lang)))
    return ButtonAnswer(Notice(), (Reply(render_note(item, bank.passage(item), asker.lang)),))


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
    """Record an answer once (unknown polls and repeats change nothing); in a private chat the
    student then gets their streak news and a "Next question" button."""
    if services.db is None:
        return AnswerResult(recorded=False, known_poll=False)
    from bot.core.streak_view import AnswerOutcome, render_answer_note
    from bot.db.answers import record_answer

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
        replies = (Reply(text, buttons=next_question_keyboard(lang)),)
    return AnswerResult(
        recorded=True, known_poll=True, private=private, correct=outcome.correct, replies=replies
    )


async def quiz_command(services: AppServices, asker: Asker) -> list[QuizPost | Reply]:
    """``/quiz`` (or "Next question"): one question now, or a polite "not ready yet"."""
    posts = await quiz_posts(services, asker, count=1)
    if not posts:
        return [Reply(render_no_questions(asker.lang))]
    return list(posts)


# --- daily posts, prepared in batches ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DailyBatchItem:
    """One chat's daily post, claimed: where, for which local day, and its polls."""

    chat_id: int
    local_date: date
    chat_type: str
    posts: tuple[QuizPost, ...]


async def prepare_daily_posts(
    services: AppServices, due: Sequence[DueLike], now: datetime
) -> list[DailyBatchItem]:
    """Claim the posts of ``due`` chats (one transaction, committed before anything is sent) and
    choose each chat's questions: spaced repetition in private chats, rotation elsewhere. Chats
    claimed by someone else are left out; a claim with nothing to ask is given back."""
    bank = await current_bank(services)
    if bank is None or services.db is None or not due:
        return []  # nothing claimed: the next tick tries again
    from bot import srs
    from bot.db.cards import DEFAULT_NEW_PER_DAY
    from bot.db.daily import release_daily_post
    from bot.db.quiz_extra import (
        chats_by_id,
        claim_daily_posts,
        items_posted_in_chats,
        student_cards,
    )
    from bot.streaks import local_day, utc_bounds_of_day

    by_chat = {post.chat_id: post for post in due}
    async with services.db.session() as session:
        won = await claim_daily_posts(session, [(p.chat_id, p.local_date) for p in due])
        chats = await chats_by_id(session, won)
        kinds = {
            c: (chats[c].type if c in chats else ("private" if c > 0 else "group")) for c in won
        }
        privates = [c for c in won if kinds[c] == "private"]
        posted = await items_posted_in_chats(session, [c for c in won if kinds[c] != "private"])
        students = await student_cards(session, privates, services.settings.default_timezone)
    secret = quiz_secret(services)
    prepared: list[DailyBatchItem] = []
    empty: list[DailyBatchItem] = []
    for chat_id in sorted(won):
        subscription = by_chat[chat_id]
        order = srs.order_new_items(bank.item_ids, chat_id)
        if kinds[chat_id] == "private":
            student = students[chat_id]
            day_start, _ = utc_bounds_of_day(local_day(now, student.timezone), student.timezone)
            new_today = sum(1 for created in student.created if created >= day_start)
            ids = srs.pick_items(
                student.cards,
                student.seen,
                order,
                now,
                DEFAULT_NEW_PER_DAY,
                new_today=new_today,
                count=subscription.count,
            )
        else:
            ids = srs.pick_group_items(posted.get(chat_id, {}), order, subscription.count)
        chat = chats.get(chat_id)
        lang = chat.language if chat is not None and chat.language else "en"
        anonymous = kinds[chat_id] == "channel"
        posts = tuple(
            post
            for item_id in ids
            if (item := bank.get(item_id)) is not None
            and (post := build_quiz_post(item, lang, secret, anonymous=anonymous)) is not None
        )
        entry = DailyBatchItem(chat_id, subscription.local_date, kinds[chat_id], posts)
        (prepared if posts else empty).append(entry)
    if empty:
        async with services.db.session() as session:
            for entry in empty:
                await release_daily_post(session, entry.chat_id, entry.local_date)
    return prepared


async def remember_polls(
    services: AppServices,
    chat_id: int,
    sent: Sequence[tuple[str, int, QuizPost]],
    *,
    is_daily: bool,
) -> None:
    """Record several polls sent to one chat (poll id, message id, post) in one statement."""
    if services.db is None or not sent:
        return
    from bot.db.quiz_extra import record_polls_sent

    rows = [
        {
            "poll_id": poll_id,
            "item_id": post.item_id,
            "chat_id": chat_id,
            "message_id": message_id,
            "correct_option": post.poll.correct_index,
            "is_daily": is_daily,
        }
        for poll_id, message_id, post in sent
    ]
    async with services.db.session() as session:
        await record_polls_sent(session, rows)
