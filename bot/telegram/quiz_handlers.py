"""Quiz, daily posts and streak handlers (the quiz feature); wired in by bot.telegram.app.

Each handler turns an update into a call of the core (bot.core.quiz, streak_view, leaderboard,
daily_settings) and the answer into Bot API calls; quiz polls are sent here so that their ids are
recorded and the "Read the note" button rides under them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from telegram import Bot, Chat, ChatMember, Message, Update
from telegram.constants import PollType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    PollAnswerHandler,
    filters,
)

from bot.core.daily_settings import daily_reply, remind_reply, timezone_reply
from bot.core.leaderboard import leaderboard_reply
from bot.core.polls_in_flight import polls_in_flight
from bot.core.quiz import (
    NEXT_KIND,
    NOTE_KIND,
    AnswerResult,
    QuizPost,
    answer_poll,
    open_note,
    quiz_command,
    remember_poll,
)
from bot.core.replies import Asker, ButtonAnswer, Notice, Outgoing, Reply
from bot.core.services import AppServices
from bot.core.streak_view import stats_reply, streak_reply
from bot.i18n import N_
from bot.quiz_bank import ensure_bank
from bot.telegram import daily_jobs, reminders, render
from bot.telegram.commands_menu import ADMIN, GROUP, PRIVATE, MenuCommand, add_menu_commands
from bot.telegram.context import asker_for, get_services, language_for

log = logging.getLogger(__name__)

# how long a vote for an unknown poll waits for the polls being sent (a group's daily quiz,
# under the 20-per-minute group limit, can take a while)
POLL_WAIT = 30.0
MESSAGES_AND_CHANNEL_POSTS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)

QUIZ_MENU = (
    MenuCommand("quiz", N_("One quiz question from your notes")),
    MenuCommand("streak", N_("Your streak, best streak and freezes")),
    MenuCommand("stats", N_("A picture of your progress")),
    MenuCommand("daily", N_("Daily quiz: /daily HH:MM [Area/City], count N, off")),
    MenuCommand("top", N_("This group's leaderboard"), frozenset({GROUP, ADMIN})),
    MenuCommand("timezone", N_("Your time zone for streak days"), frozenset({PRIVATE})),
    MenuCommand(
        "remind", N_("Evening streak reminder: /remind HH:MM or off"), frozenset({PRIVATE})
    ),
)


# --- sending ----------------------------------------------------------------------------------


async def send_quiz_post(
    bot: Bot,
    chat_id: int,
    post: QuizPost,
    *,
    reply_to: Message | None = None,
    thread_id: int | None = None,
) -> Message:
    """Send one native quiz poll with its "Read the note" keyboard."""
    poll = post.poll
    return await bot.send_poll(
        chat_id,
        poll.question,
        list(poll.options),
        type=PollType.QUIZ,
        correct_option_ids=[poll.correct_index],
        explanation=poll.explanation or None,
        is_anonymous=poll.is_anonymous,
        reply_markup=render.keyboard(post.buttons),
        reply_parameters=render._reply_parameters(reply_to),
        message_thread_id=thread_id,
    )


async def deliver(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    items: Sequence[QuizPost | Outgoing],
    *,
    reply_to: Message | None = None,
    thread_id: int | None = None,
) -> None:
    """Send replies and quiz polls in order; every poll sent is recorded for its answers."""
    services = get_services(context)
    for item in items:
        if isinstance(item, QuizPost):
            async with polls_in_flight(services).sending():
                message = await send_quiz_post(
                    context.bot, chat_id, item, reply_to=reply_to, thread_id=thread_id
                )
                if message.poll is not None:
                    await remember_poll(
                        services,
                        poll_id=message.poll.id,
                        post=item,
                        chat_id=chat_id,
                        message_id=message.message_id,
                    )
        else:
            await render.send(context.bot, chat_id, [item], reply_to=reply_to, thread_id=thread_id)
        reply_to = None


async def _answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, items: Sequence[QuizPost | Outgoing]
) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    private = chat.type == Chat.PRIVATE
    await deliver(
        context,
        chat.id,
        items,
        reply_to=None if private or chat.type == Chat.CHANNEL else message,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


async def _asker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Asker:
    """Who asks; in a channel (no sender) the chat's stored language decides."""
    asker = await asker_for(update, context)
    chat = update.effective_chat
    if chat is not None and chat.type == Chat.CHANNEL:
        services = get_services(context)
        lang = "en"
        if services.db is not None:
            from bot.db.chats import chat_language

            async with services.db.session() as session:
                lang = await chat_language(session, chat.id) or "en"
        return Asker(user_id=None, chat_id=chat.id, lang=lang, private=False)
    return asker


def _text(update: Update) -> str:
    message = update.effective_message
    return (message.text or message.caption or "") if message is not None else ""


# --- commands ---------------------------------------------------------------------------------


async def on_quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    asker = await _asker(update, context)
    chat = update.effective_chat
    anonymous = chat is not None and chat.type == Chat.CHANNEL
    items = await quiz_command(get_services(context), asker)
    if anonymous:
        items = [_anonymous(item) for item in items]
    await _answer(update, context, items)


def _anonymous(item: QuizPost | Reply) -> QuizPost | Reply:
    if isinstance(item, QuizPost):
        return QuizPost(poll=replace(item.poll, is_anonymous=True), buttons=item.buttons)
    return item


async def on_streak(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or chat.type == Chat.CHANNEL:
        return
    asker = await _asker(update, context)
    reply = await streak_reply(get_services(context), asker, chat_title=chat.title)
    await _answer(update, context, [reply])


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or chat.type == Chat.CHANNEL:
        return
    asker = await _asker(update, context)
    await _answer(update, context, [await stats_reply(get_services(context), asker)])


async def on_top(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or chat.type == Chat.CHANNEL:
        return
    asker = await _asker(update, context)
    reply = await leaderboard_reply(get_services(context), asker, chat_title=chat.title)
    await _answer(update, context, [reply])


async def is_chat_admin(bot: Bot, chat: Chat, message: Message | None, user_id: int | None) -> bool:
    """True for the chat's owner and administrators (asked with getChatMember), and for an
    anonymous admin writing as the group itself."""
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    if user_id is None:
        return False
    try:
        member = await bot.get_chat_member(chat.id, user_id)
    except TelegramError as exc:
        log.info("getChatMember failed in %s: %s", chat.id, exc)
        return False
    return member.status in ADMIN_STATUSES


async def on_daily(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    asker = await _asker(update, context)
    message = update.effective_message
    user = update.effective_user

    async def admin() -> bool:
        # a channel post is always written by the channel's admins
        if chat.type == Chat.CHANNEL:
            return True
        return await is_chat_admin(context.bot, chat, message, user.id if user else None)

    reply = await daily_reply(
        get_services(context),
        asker,
        _text(update),
        chat_type=chat.type,
        chat_title=chat.title,
        is_admin=admin,
    )
    await _answer(update, context, [reply])


async def _personal_setting(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    core: Callable[[AppServices, Asker, str], Awaitable[Reply]],
) -> None:
    """A student's own setting (/timezone, /remind): anywhere but channels (no sender there)."""
    chat = update.effective_chat
    if chat is None or chat.type == Chat.CHANNEL:
        return
    asker = await _asker(update, context)
    await _answer(update, context, [await core(get_services(context), asker, _text(update))])


async def on_timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _personal_setting(update, context, timezone_reply)


async def on_remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _personal_setting(update, context, remind_reply)


# --- answers and buttons ----------------------------------------------------------------------


async def on_poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A vote in a non-anonymous quiz: record it once; in private, follow up with streak news."""
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return  # a vote cast on behalf of a chat (voter_chat) cannot count for a student
    lang = await language_for(update, context)
    services = get_services(context)

    async def record() -> AnswerResult:
        return await answer_poll(
            services,
            poll_id=answer.poll_id,
            user_id=answer.user.id,
            first_name=answer.user.first_name,
            lang=lang,
            option_ids=answer.option_ids,
        )

    result = await record()
    # a vote can overtake the recording of the poll it answers: wait for the sends under way
    if not result.known_poll and await polls_in_flight(services).wait_for_pending(POLL_WAIT):
        result = await record()
    if not result.replies:
        return
    try:
        await render.send(context.bot, answer.user.id, list(result.replies))
    except Forbidden:
        log.info("user %s blocked the bot: no follow-up after the answer", answer.user.id)


async def on_note_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    asker = await _asker(update, context)
    answer = await open_note(get_services(context), asker, query.data)
    await render.answer_button(context.bot, query, answer)


async def on_next_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Next question" under a private answer: one more poll, chosen by spaced repetition."""
    query = update.callback_query
    if query is None:
        return
    asker = await _asker(update, context)
    message = query.message if isinstance(query.message, Message) else None
    items = await quiz_command(get_services(context), asker)
    first = items[0] if items else None
    notice = first.text if isinstance(first, Reply) else ""
    await render.answer_button(context.bot, query, ButtonAnswer(Notice(notice[:200])))
    if message is not None and isinstance(first, QuizPost):
        await deliver(context, message.chat_id, items)


# --- start-up -----------------------------------------------------------------------------------


async def _start_bank(context: ContextTypes.DEFAULT_TYPE) -> None:
    ensure_bank(get_services(context))


def handlers() -> list:
    """Every quiz handler, in the order they are tried."""
    return [
        CommandHandler("quiz", on_quiz, filters=MESSAGES_AND_CHANNEL_POSTS),
        CommandHandler("streak", on_streak, filters=filters.UpdateType.MESSAGE),
        CommandHandler("stats", on_stats, filters=filters.UpdateType.MESSAGE),
        CommandHandler("top", on_top, filters=filters.UpdateType.MESSAGE),
        CommandHandler("daily", on_daily, filters=MESSAGES_AND_CHANNEL_POSTS),
        CommandHandler("timezone", on_timezone, filters=filters.UpdateType.MESSAGE),
        CommandHandler("remind", on_remind, filters=filters.UpdateType.MESSAGE),
        PollAnswerHandler(on_poll_answer),
        CallbackQueryHandler(on_note_button, pattern=rf"^{NOTE_KIND}:"),
        CallbackQueryHandler(on_next_button, pattern=rf"^{NEXT_KIND}:"),
    ]


def register(application: Application) -> None:
    """Add the quiz/daily/streak handlers, jobs and menu commands to ``application``.

    Called once by ``bot.telegram.app.build_application`` after the search handlers and before the
    catch-all handlers (unknown commands, expired buttons), all in handler group 0.
    """
    for handler in handlers():
        application.add_handler(handler)
    add_menu_commands(application, *QUIZ_MENU)
    if application.job_queue is not None:
        # build the question bank in the background as soon as the application runs
        application.job_queue.run_once(_start_bank, when=0.05, name="quiz-bank")
    daily_jobs.schedule(application)
    reminders.schedule(application)
