"""What to ask and how: the chat's question bank, items picked by spaced repetition (one student
in private) or by rotation (groups), never one the chat retired, ready-to-send polls, the
"Read the note" passage and the "👎 Bad question" press."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

from bot.core import srs
from bot.core.notebooks import Notebook
from bot.core.question_bank import QuizBank
from bot.core.replies import Asker, ButtonAnswer, Notice, Outgoing, Poll, Reply
from bot.core.services import AppServices
from bot.db.cards import next_items_for_user
from bot.db.daily_batches import unanswered_items
from bot.db.flags import askable, flag_item
from bot.db.polls import items_posted_in_chat
from bot.db.users import effective_timezone
from bot.features.quiz.flags import flag_scope, parse_flag_callback, retired_for_chat
from bot.features.quiz.posts import (
    build_quiz_post,
    parse_note_callback,
    render_no_questions,
    render_none_to_ask,
    render_note,
    render_note_missing,
    render_notes_gave_none,
)
from bot.i18n import tr
from index.quiz import QuizItem

BANK_WAIT_SECONDS = 5.0
UNANSWERED_WINDOW = timedelta(hours=12)  # a question still open in private is not asked again
TOO_SHORT_WORDS = 150  # notes read that gave no question: shorter than this, they are "too short"


def quiz_secret(services: AppServices) -> bytes:
    """The key that signs "Read the note" buttons: derived from the bot token, else fixed."""
    token = services.settings.telegram_bot_token
    material = token.get_secret_value() if token is not None else "studybot-terminal"
    return hashlib.sha256(("quiz-note\x00" + material).encode("utf-8")).digest()


async def current_bank(notebook: Notebook, wait: float = BANK_WAIT_SECONDS) -> QuizBank | None:
    """The notebook's question bank (waiting briefly while it is still being built), or None."""
    bank = await notebook.start_bank().wait(wait)
    return bank if bank is not None and len(bank) else None


async def pick_items(
    services: AppServices,
    notebook: Notebook,
    bank: QuizBank,
    *,
    chat_id: int,
    user_id: int | None,
    private: bool,
    count: int,
    now: datetime | None = None,
) -> list[QuizItem]:
    """What to ask: by spaced repetition for one student in private, else the chat's least
    recently posted items (never-posted first, in a stable per-chat order). Items the chat
    retired ("👎 Bad question") are never picked, not even as reviews."""
    moment = now or datetime.now(UTC)
    async with services.db.session() as session:
        retired = await retired_for_chat(services, session, notebook, chat_id)
        item_ids = askable(bank.item_ids, retired)
        if private and user_id is not None:
            tz = await effective_timezone(
                session, user_id, chat_id, services.settings.default_timezone
            )
            waiting = await unanswered_items(session, chat_id, user_id, moment - UNANSWERED_WINDOW)
            ids = await next_items_for_user(
                session,
                user_id,
                bank.new_item_order(item_ids, user_id),
                moment,
                count=count + len(waiting),
                tz=tz,
                shuffle_new=False,
            )
            ids = [item_id for item_id in ids if item_id not in waiting][:count]
        else:
            posted = await items_posted_in_chat(session, chat_id)
            ids = srs.pick_group_items(posted, bank.new_item_order(item_ids, chat_id), count)
    return [item for item_id in ids if (item := bank.get(item_id)) is not None]


async def quiz_posts(
    services: AppServices,
    asker: Asker,
    *,
    count: int = 1,
    anonymous: bool = False,
    now: datetime | None = None,
) -> list[Poll]:
    """Up to ``count`` ready-to-send quiz polls for the asker's chat (empty: nothing to ask).
    Outside private chats the poll carries "👎 Bad question" (in private it follows the answer)."""
    notebook = services.notebook_for(asker.chat_id)
    bank = await current_bank(notebook)
    if bank is None:
        return []
    items = await pick_items(
        services,
        notebook,
        bank,
        chat_id=asker.chat_id,
        user_id=asker.user_id,
        private=asker.private,
        count=count,
        now=now,
    )
    secret = quiz_secret(services)
    flag_chat = None if asker.private else asker.chat_id
    posts = [
        build_quiz_post(item, asker.lang, secret, anonymous=anonymous, flag_chat=flag_chat)
        for item in items
    ]
    return [post for post in posts if post is not None]


async def quiz_command(
    services: AppServices, asker: Asker, *, anonymous: bool = False
) -> list[Outgoing]:
    """``/quiz`` (or "Next question"): one question now, or a polite "not ready yet"."""
    posts = await quiz_posts(services, asker, count=1, anonymous=anonymous)
    if not posts:
        return [Reply(await why_no_question(services.notebook_for(asker.chat_id), asker.lang))]
    return list(posts)


async def why_no_question(notebook: Notebook, lang: str) -> str:
    """Why ``/quiz`` found nothing to ask: the bank is still being built, or it is built and
    empty (the notes are too short, or hold nothing to ask about), or every item is retired or
    waiting for an answer."""
    bank = notebook.bank.bank
    if bank is None:
        return render_no_questions(lang)
    if len(bank):
        return render_none_to_ask(lang)
    chunks = await asyncio.to_thread(notebook.searcher.chunks)
    words = sum(len(chunk.text.split()) for chunk in chunks)
    return render_notes_gave_none(lang, words, too_short=words < TOO_SHORT_WORDS)


async def open_note(services: AppServices, asker: Asker, data: object) -> ButtonAnswer:
    """The "Read the note" button: the passage as a new message; forged or stale: a polite toast.
    The item is looked up in the bank of the chat the button was pressed in, so a button carried
    to another chat opens nothing of the notes it came from."""
    key = parse_note_callback(data, quiz_secret(services))
    if key is None:
        return ButtonAnswer(Notice(tr(asker.lang, "Sorry, this button is no longer valid.")))
    bank = await current_bank(services.notebook_for(asker.chat_id))
    item = bank.by_key(key) if bank is not None else None
    if bank is None or item is None:
        return ButtonAnswer(Notice(render_note_missing(asker.lang)))
    return ButtonAnswer(Notice(), (Reply(render_note(item, bank.passage(item), asker.lang)),))


async def flag_question(
    services: AppServices, asker: Asker, data: object, *, now: datetime | None = None
) -> ButtonAnswer:
    """A press of "👎 Bad question": the flag recorded once per student, item and chat."""
    key = parse_flag_callback(data, asker.chat_id, quiz_secret(services))
    if key is None or asker.user_id is None:
        return ButtonAnswer(Notice(tr(asker.lang, "Sorry, this button is no longer valid.")))
    notebook = services.notebook_for(asker.chat_id)
    bank = await current_bank(notebook)
    item = bank.by_key(key) if bank is not None else None
    if item is None:
        return ButtonAnswer(
            Notice(tr(asker.lang, "This question is no longer in the notes' quiz."))
        )
    async with services.db.session() as session:
        fresh = await flag_item(
            session,
            scope=flag_scope(notebook.id),
            item_id=item.id,
            chat_id=asker.chat_id,
            user_id=asker.user_id,
            question=item.question,
            at=now or datetime.now(UTC),
        )
    if not fresh:
        return ButtonAnswer(Notice(tr(asker.lang, "You already flagged this question. Thanks!")))
    return ButtonAnswer(
        Notice(tr(asker.lang, "👎 Thanks! This question won't be asked in this chat again."))
    )
