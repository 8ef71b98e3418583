"""Turn quiz items into what the bot sends: a native quiz poll within Telegram's limits, the
"Read the note" and "Next question" buttons (signed or versioned callback data), and the passage
a question came from."""

from __future__ import annotations

import hashlib
import hmac
from html import escape

from bot.core.callbacks import pack, unpack
from bot.core.question_bank import item_key
from bot.core.replies import Button, Keyboard, Poll
from bot.features.quiz.flags import flag_button
from bot.i18n import tr
from index.quiz import QuizItem

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
    item: QuizItem,
    lang: str,
    secret: bytes,
    *,
    anonymous: bool = False,
    flag_chat: int | None = None,
) -> Poll | None:
    """The poll for ``item``, or None when it cannot be shown faithfully within the limits.
    ``flag_chat``: the chat it is posted in, to carry a "👎 Bad question" button valid there."""
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
    row = [Button(tr(lang, "📖 Read the note"), data=note_callback_data(item.id, secret))]
    if flag_chat is not None:
        row.append(flag_button(lang, item.id, flag_chat, secret))
    poll = Poll(
        question=question,
        options=options,
        correct_index=item.answer,
        explanation=fit_explanation(item.explanation or ""),
        is_anonymous=anonymous,
        ref=item.id,
        buttons=(tuple(row),),
    )
    return poll


def next_question_keyboard(lang: str, flag: Button | None = None) -> Keyboard:
    """ "Next question", with "👎 Bad question" beside it after an answer."""
    next_button = Button(tr(lang, "➡️ Next question"), data=next_callback_data())
    return ((next_button, flag) if flag is not None else (next_button,),)


def render_note(item: QuizItem, passage: str | None, lang: str) -> str:
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


def render_notes_gave_none(lang: str, words: int, too_short: bool) -> str:
    """The notes are read and gave no question: say so, and why (``words``: how long they are)."""
    if too_short:
        return tr(
            lang,
            "These notes gave no questions: they are too short ({words} words). "
            "Send longer notes, and search them meanwhile.",
            words=words,
        )
    return tr(
        lang,
        "These notes gave no questions: I make them from definitions (“Term: what it is”), "
        "lists, tables and numbers, and found none to ask. Add some, or send other notes.",
    )


def render_none_to_ask(lang: str) -> str:
    """The bank has questions, but none can be asked now (all retired or waiting for answers)."""
    return tr(lang, "No question to ask right now: answer the open ones, or come back later.")
