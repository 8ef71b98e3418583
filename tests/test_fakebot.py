"""The fake Bot API speaks Telegram as PTB 22.8 expects: every response de-serialises into the right
PTB object, and a real Application long-polls it and answers updates built by the builders."""

from __future__ import annotations

import asyncio
import io
import struct
import warnings
import zlib

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    CallbackQuery,
    ChatMemberAdministrator,
    ChatMemberOwner,
    ChatMemberUpdated,
    ChosenInlineResult,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InputPollOption,
    InputTextMessageContent,
    Message,
    Poll,
    PollAnswer,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from tests.fakebot import ALICE, BOB, NOTES_CHANNEL, STUDY_GROUP, FakeBotAPI


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A valid PNG of the given size."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def bot(fake_api: FakeBotAPI):
    async with fake_api.make_bot() as ptb_bot:
        yield ptb_bot


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"b{i}", callback_data=d)] for i, d in enumerate(data)]
    )


async def test_get_me_describes_the_bot(bot: Bot, fake_api: FakeBotAPI) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "studybot_test_bot"
    assert me.id == int(fake_api.token.split(":")[0])
    assert fake_api.calls[-1].method == "getMe" and fake_api.calls[-1].ok


async def test_wrong_token_is_unauthorized(fake_api: FakeBotAPI) -> None:
    from telegram.error import InvalidToken

    request = fake_api.make_request()
    wrong = Bot("999:wrong", base_url=fake_api.base_url, request=request)
    try:
        with pytest.raises(InvalidToken, match="Unauthorized"):
            await wrong.get_me()
    finally:
        await request.shutdown()


async def test_send_message_round_trips_html_entities_and_keyboard(
    bot: Bot, fake_api: FakeBotAPI
) -> None:
    fake_api.push_update(fake_api.build.private_message(ALICE, "hi"))
    sent = await bot.send_message(
        ALICE.id,
        '<b>Bold</b> &lt;tag&gt; <a href="https://example.com/x">link</a> 😀 <i>it</i>',
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard("next:1"),
    )
    assert isinstance(sent, Message)
    assert sent.text == "Bold <tag> link 😀 it"
    kinds = [(e.type, e.offset, e.length) for e in sent.entities]
    # 😀 is two UTF-16 code units, so "it" starts at 19 not 18
    assert kinds == [("bold", 0, 4), ("text_link", 11, 4), ("italic", 19, 2)]
    assert sent.entities[1].url == "https://example.com/x"
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "next:1"
    assert sent.from_user.is_bot and sent.chat.id == ALICE.id
    # the user's "hi" took message id 1 in this chat: ids increase per chat
    assert sent.message_id == 2
    assert fake_api.last_message(ALICE.id)["text"] == "Bold <tag> link 😀 it"


async def test_edit_message_text_replaces_text_and_drops_keyboard_unless_resent(
    bot: Bot, fake_api: FakeBotAPI
) -> None:
    fake_api.push_update(fake_api.build.private_message(ALICE, "hi"))
    sent = await bot.send_message(ALICE.id, "first", reply_markup=keyboard("a"))
    edited = await bot.edit_message_text(
        "second", ALICE.id, sent.message_id, reply_markup=keyboard("b")
    )
    assert edited.text == "second" and edited.edit_date is not None
    assert edited.reply_markup.inline_keyboard[0][0].callback_data == "b"
    plain = await bot.edit_message_text("third", ALICE.id, sent.message_id)
    assert plain.reply_markup is None
    stored = fake_api.message(ALICE.id, sent.message_id)
    assert stored["text"] == "third" and "reply_markup" not in stored
    markup_only = await bot.edit_message_reply_markup(
        ALICE.id, sent.message_id, reply_markup=keyboard("c")
    )
    assert markup_only.reply_markup.inline_keyboard[0][0].callback_data == "c"
    assert await bot.delete_message(ALICE.id, sent.message_id) is True
    assert fake_api.messages(ALICE.id) == [] and fake_api.deleted_messages(ALICE.id) == [2]


async def test_callback_query_builder_and_answer(bot: Bot, fake_api: FakeBotAPI) -> None:
    fake_api.push_update(fake_api.build.private_message(ALICE, "hi"))
    sent = await bot.send_message(ALICE.id, "pick", reply_markup=keyboard("opt:1", "opt:2"))
    raw = fake_api.build.callback_query(ALICE, fake_api.message(ALICE.id, sent.message_id), "opt:2")
    fake_api.push_update(raw)
    updates = await bot.get_updates(offset=0, timeout=1)
    query = updates[-1].callback_query
    assert isinstance(query, CallbackQuery)
    assert query.data == "opt:2" and query.message.message_id == sent.message_id
    assert query.chat_instance and query.from_user.id == ALICE.id
    assert await query.answer("Saved!") is True
    record = fake_api.callback_queries[query.id]
    assert record.answered and record.answers[0]["text"] == "Saved!"
    assert fake_api.unanswered_callback_queries() == []


async def test_inline_query_answer_is_recorded(bot: Bot, fake_api: FakeBotAPI) -> None:
    raw = fake_api.build.inline_query(ALICE, "vpc peering")
    fake_api.push_update(raw)
    (update,) = await bot.get_updates(timeout=1)
    assert isinstance(update.inline_query, InlineQuery)
    assert update.inline_query.query == "vpc peering"
    results = [
        InlineQueryResultArticle(
            id=f"r{i}",
            title=f"Result {i}",
            input_message_content=InputTextMessageContent(
                f"<b>Hit {i}</b>", parse_mode=ParseMode.HTML
            ),
        )
        for i in range(3)
    ]
    assert await update.inline_query.answer(results, cache_time=0, is_personal=True)
    answer = fake_api.inline_answers[update.inline_query.id]
    assert [r["id"] for r in answer["results"]] == ["r0", "r1", "r2"]
    chosen = fake_api.build.chosen_inline_result(ALICE, "r1", "vpc peering")
    fake_api.push_update(chosen)
    (update,) = await bot.get_updates(offset=update.update_id + 1, timeout=1)
    assert isinstance(update.chosen_inline_result, ChosenInlineResult)
    assert update.chosen_inline_result.result_id == "r1"


async def test_quiz_poll_deserialises_with_persistent_ids_and_answers(
    bot: Bot, fake_api: FakeBotAPI
) -> None:
    fake_api.push_update(fake_api.build.private_message(ALICE, "/quiz"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PTBDeprecationWarning)
        message = await bot.send_poll(
            ALICE.id,
            "Which service is object storage?",
            [InputPollOption("EBS"), InputPollOption("S3"), "EFS"],
            type=Poll.QUIZ,
            correct_option_ids=[1],
            is_anonymous=False,
            explanation="<b>S3</b> stores objects",
            explanation_parse_mode=ParseMode.HTML,
        )
    poll = message.poll
    assert isinstance(poll, Poll) and poll.type == Poll.QUIZ
    assert [o.text for o in poll.options] == ["EBS", "S3", "EFS"]
    assert len({o.persistent_id for o in poll.options}) == 3
    assert poll.correct_option_ids == (1,) and poll.explanation == "S3 stores objects"
    assert poll.explanation_entities[0].type == "bold"
    assert fake_api.polls[poll.id].message_id == message.message_id

    fake_api.push_update(fake_api.build.poll_answer(BOB, poll.id, [1]))
    updates = await bot.get_updates(timeout=1)
    answer = updates[-1].poll_answer
    assert isinstance(answer, PollAnswer)
    assert answer.option_ids == (1,)
    assert answer.option_persistent_ids == (poll.options[1].persistent_id,)
    assert fake_api.polls[poll.id].poll["options"][1]["voter_count"] == 1

    stopped = await bot.stop_poll(ALICE.id, message.message_id)
    assert stopped.is_closed and stopped.total_voter_count == 1


async def test_send_photo_uploads_png_and_file_downloads(bot: Bot, fake_api: FakeBotAPI) -> None:
    fake_api.push_update(fake_api.build.private_message(ALICE, "/progress"))
    picture = png_bytes(640, 480)
    message = await bot.send_photo(
        ALICE.id, io.BytesIO(picture), caption="<i>Progress</i>", parse_mode=ParseMode.HTML
    )
    largest = message.photo[-1]
    assert (largest.width, largest.height) == (640, 480)
    assert message.caption == "Progress" and message.caption_entities[0].type == "italic"
    downloaded = await (await bot.get_file(largest.file_id)).download_as_bytearray()
    assert bytes(downloaded) == picture
    again = await bot.send_photo(ALICE.id, largest.file_id)
    assert again.photo[-1].file_id == largest.file_id


async def test_chat_action_chat_and_members(bot: Bot, fake_api: FakeBotAPI) -> None:
    fake_api.push_update(fake_api.build.group_message(STUDY_GROUP, ALICE, "hello all"))
    fake_api.set_member(STUDY_GROUP.id, ALICE, "creator")
    fake_api.set_member(STUDY_GROUP.id, BOB, "administrator")
    assert await bot.send_chat_action(STUDY_GROUP.id, "typing")
    assert fake_api.chat_actions(STUDY_GROUP.id) == ["typing"]
    chat = await bot.get_chat(STUDY_GROUP.id)
    assert chat.type == "supergroup" and chat.title == "AWS Study Group"
    owner = await bot.get_chat_member(STUDY_GROUP.id, ALICE.id)
    assert isinstance(owner, ChatMemberOwner)
    admins = await bot.get_chat_administrators(STUDY_GROUP.id)
    assert {type(a) for a in admins} == {ChatMemberOwner, ChatMemberAdministrator}
    me = await bot.get_chat_member(STUDY_GROUP.id, (await bot.get_me()).id)
    assert me.status == ChatMemberStatus.MEMBER


async def test_commands_are_kept_per_scope_and_language(bot: Bot, fake_api: FakeBotAPI) -> None:
    fake_api.push_update(fake_api.build.group_message(STUDY_GROUP, ALICE, "hi"))
    await bot.set_my_commands(
        [BotCommand("search", "Search the notes"), BotCommand("quiz", "Daily quiz")]
    )
    await bot.set_my_commands([BotCommand("buscar", "Buscar en las notas")], language_code="es")
    await bot.set_my_commands(
        [BotCommand("top", "Leaderboard")], scope=BotCommandScopeAllGroupChats()
    )
    await bot.set_my_commands(
        [BotCommand("top", "Ranking")], scope=BotCommandScopeChat(STUDY_GROUP.id)
    )
    assert [c.command for c in await bot.get_my_commands()] == ["search", "quiz"]
    assert [c.command for c in await bot.get_my_commands(language_code="es")] == ["buscar"]
    assert fake_api.commands({"type": "all_group_chats"})[0]["command"] == "top"
    chat_scope = {"type": "chat", "chat_id": STUDY_GROUP.id}
    assert fake_api.commands(chat_scope)[0]["description"] == "Ranking"
    assert await bot.delete_my_commands(language_code="es")
    assert await bot.get_my_commands(language_code="es") == ()


async def test_every_builder_deserialises_into_the_right_ptb_object(
    bot: Bot, fake_api: FakeBotAPI
) -> None:
    build = fake_api.build
    fake_api.push_update(build.private_message(ALICE, "hi"))
    fake_api.push_update(build.group_message(STUDY_GROUP, BOB, "hello"))
    bot_msg = await bot.send_message(STUDY_GROUP.id, "I am the bot", reply_markup=keyboard("k"))
    raws = [
        build.command(ALICE, "/search", "nat gateway"),
        build.group_message(STUDY_GROUP, BOB, "@studybot_test_bot what is IAM?"),
        build.group_message(STUDY_GROUP, BOB, "and this?", reply_to_message_id=bot_msg.message_id),
        build.command(BOB, "/quiz@studybot_test_bot", chat=STUDY_GROUP),
        build.callback_query(BOB, fake_api.message(STUDY_GROUP.id, bot_msg.message_id), "k"),
        build.inline_query(BOB, "s3"),
        build.chosen_inline_result(BOB, "r0", "s3", inline_message_id="AAAinline"),
        build.my_chat_member(STUDY_GROUP, ALICE, "administrator"),
        build.channel_post(NOTES_CHANNEL, "New notes #aws"),
    ]
    fake_api.push_updates(raws)
    updates: list[Update] = []
    offset = 0
    while len(updates) < len(raws) + 2:
        batch = await bot.get_updates(offset=offset, timeout=1)
        assert batch, "updates went missing"
        updates.extend(batch)
        offset = batch[-1].update_id + 1
    by_id = {u.update_id: u for u in updates}
    command, mention, reply, group_cmd, query, inline, chosen, member, post = (
        by_id[r["update_id"]] for r in raws
    )
    assert command.message.text == "/search nat gateway"
    assert command.message.entities[0].type == "bot_command"
    assert command.message.entities[0].length == len("/search")
    assert mention.message.entities[0].type == "mention"
    assert mention.message.chat.type == "supergroup"
    assert reply.message.reply_to_message.from_user.is_bot
    assert reply.message.reply_to_message.message_id == bot_msg.message_id
    assert group_cmd.message.entities[0].length == len("/quiz@studybot_test_bot")
    assert isinstance(query.callback_query, CallbackQuery) and query.callback_query.data == "k"
    assert isinstance(inline.inline_query, InlineQuery)
    assert chosen.chosen_inline_result.inline_message_id == "AAAinline"
    assert isinstance(member.my_chat_member, ChatMemberUpdated)
    assert member.my_chat_member.new_chat_member.status == "administrator"
    assert post.channel_post.sender_chat.id == NOTES_CHANNEL.id
    assert post.channel_post.entities[0].type == "hashtag"


async def test_kicked_my_chat_member_blocks_sends(bot: Bot, fake_api: FakeBotAPI) -> None:
    from telegram import Chat as PtbChat
    from telegram.error import Forbidden

    from tests.fakebot import Chat

    fake_api.push_update(fake_api.build.private_message(ALICE, "hi"))
    update = fake_api.build.my_chat_member(Chat.private(ALICE), ALICE, "kicked")
    fake_api.push_update(update)
    updates = await bot.get_updates(timeout=1)
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"
    assert updates[-1].my_chat_member.chat.type == PtbChat.PRIVATE
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(ALICE.id, "still there?")
    fake_api.push_update(fake_api.build.my_chat_member(Chat.private(ALICE), ALICE, "member"))
    assert (await bot.send_message(ALICE.id, "welcome back")).text == "welcome back"


async def test_offset_confirms_and_duplicate_update_ids_are_redelivered(
    bot: Bot, fake_api: FakeBotAPI
) -> None:
    first = fake_api.push_update(fake_api.build.private_message(ALICE, "one"))
    fake_api.push_update(fake_api.build.private_message(ALICE, "two"))
    batch = await bot.get_updates(timeout=0)
    assert [u.message.text for u in batch] == ["one", "two"]
    # not confirmed yet: delivered again
    assert len(await bot.get_updates(timeout=0)) == 2
    assert await bot.get_updates(offset=batch[-1].update_id + 1, timeout=0) == ()
    assert fake_api.pending_updates() == []
    fake_api.push_update(first)  # Telegram re-delivering an update the bot already saw
    again = await bot.get_updates(offset=batch[-1].update_id + 1, timeout=0)
    assert [u.update_id for u in again] == [first["update_id"]]


async def test_long_poll_returns_as_soon_as_an_update_is_pushed(
    bot: Bot, fake_api: FakeBotAPI
) -> None:
    polling = asyncio.create_task(bot.get_updates(timeout=20))
    await fake_api.wait_for(lambda: fake_api.waiting_polls == 1 or polling.done(), 5)
    assert not polling.done()
    fake_api.push_update(fake_api.build.private_message(ALICE, "wake up"))
    updates = await asyncio.wait_for(polling, 5)
    assert updates[0].message.text == "wake up"


async def test_allowed_updates_filters_kinds(bot: Bot, fake_api: FakeBotAPI) -> None:
    fake_api.push_update(fake_api.build.inline_query(ALICE, "x"))
    fake_api.push_update(fake_api.build.private_message(ALICE, "y"))
    updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in updates] == ["y"]


async def test_wait_for_reports_recent_calls_on_timeout(fake_api: FakeBotAPI, bot: Bot) -> None:
    await bot.get_me()
    with pytest.raises(AssertionError, match="getMe"):
        await fake_api.wait_for(lambda: fake_api.messages(ALICE.id), timeout=0.2)


# ------------------------------------------------------------------ a real Application


async def _run_app(fake_api: FakeBotAPI, app: Application) -> None:
    await app.initialize()
    await app.updater.start_polling(poll_interval=0, timeout=5)
    await app.start()


async def _stop_app(app: Application) -> None:
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


async def test_real_application_long_polls_and_answers(fake_api: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_html(
            f"Hello <b>{update.effective_user.first_name}</b>", reply_markup=keyboard("go")
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Going")
        await update.callback_query.edit_message_text("Gone")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text.upper())

    app = (
        ApplicationBuilder()
        .token(fake_api.token)
        .base_url(fake_api.base_url)
        .base_file_url(fake_api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    await _run_app(fake_api, app)
    try:
        fake_api.push_update(fake_api.build.command(ALICE, "/start"))
        hello = await fake_api.wait_for(
            lambda: [m for m in fake_api.messages(ALICE.id) if m["text"].startswith("Hello")]
        )
        assert hello[0]["text"] == "Hello Alice"
        assert hello[0]["entities"] == [{"type": "bold", "offset": 6, "length": 5}]
        fake_api.push_update(fake_api.build.callback_query(ALICE, hello[0], "go"))
        await fake_api.wait_for(lambda: fake_api.last_message(ALICE.id)["text"] == "Gone")
        assert not fake_api.unanswered_callback_queries()
        fake_api.push_update(fake_api.build.private_message(ALICE, "vpc"))
        await fake_api.wait_for(lambda: fake_api.last_message(ALICE.id)["text"] == "VPC")
    finally:
        await _stop_app(app)
    assert fake_api.pending_updates() == []


async def test_webhook_delivery_posts_updates_with_the_secret_and_retries(
    fake_api: FakeBotAPI,
) -> None:
    from aiohttp import web

    received: list[tuple[str | None, dict]] = []
    refuse_first = [True]

    async def hook(request: web.Request) -> web.Response:
        if refuse_first[0]:
            refuse_first[0] = False
            return web.Response(status=500)
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/tg/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        await fake_api.deliver_webhooks_to(f"http://127.0.0.1:{port}/tg/hook")
        async with fake_api.make_bot() as ptb_bot:
            await ptb_bot.set_webhook("https://bot.example.org/tg/hook", secret_token="S3cret")
            first = fake_api.push_update(fake_api.build.private_message(ALICE, "one"))
            second = fake_api.push_update(fake_api.build.private_message(ALICE, "two"))
            await fake_api.wait_for(lambda: len(received) == 2)
            assert [u["update_id"] for _, u in received] == [
                first["update_id"],
                second["update_id"],
            ]
            assert {secret for secret, _ in received} == {"S3cret"}
            statuses = [d.status for d in fake_api.webhook_deliveries]
            assert statuses == [500, 200, 200]  # the refused update was retried, in order
            info = await ptb_bot.get_webhook_info()
            assert info.pending_update_count == 0
            assert info.last_error_message == "Wrong response from the webhook: 500"
            await ptb_bot.delete_webhook()
    finally:
        await runner.cleanup()


async def test_less_common_methods_deserialise(bot: Bot, fake_api: FakeBotAPI) -> None:
    from telegram import ChatFullInfo, ChatMemberBanned, ChatMemberLeft, ChatMemberRestricted

    fake_api.push_update(fake_api.build.private_message(ALICE, "hi"))
    fake_api.push_update(fake_api.build.group_message(STUDY_GROUP, BOB, "hi"))
    document = await bot.send_document(ALICE.id, io.BytesIO(b"a,b\n1,2\n"), filename="stats.csv")
    assert document.document.file_name == "stats.csv" and document.document.file_size == 8
    private = await bot.get_chat(ALICE.id)
    assert isinstance(private, ChatFullInfo) and private.first_name == "Alice"
    fake_api.set_member(STUDY_GROUP.id, ALICE, "restricted")
    assert isinstance(await bot.get_chat_member(STUDY_GROUP.id, ALICE.id), ChatMemberRestricted)
    fake_api.set_member(STUDY_GROUP.id, ALICE, "kicked")
    assert isinstance(await bot.get_chat_member(STUDY_GROUP.id, ALICE.id), ChatMemberBanned)
    fake_api.set_member(STUDY_GROUP.id, ALICE, "left")
    assert isinstance(await bot.get_chat_member(STUDY_GROUP.id, ALICE.id), ChatMemberLeft)
    assert await bot.get_chat_member_count(STUDY_GROUP.id) == 2  # Bob and the bot
    assert await bot.leave_chat(STUDY_GROUP.id)
    from telegram.error import Forbidden

    with pytest.raises(Forbidden, match="(?i)not a member of the supergroup"):
        await bot.send_message(STUDY_GROUP.id, "still here?")
    assert await bot.set_my_description("Study your notes")
    assert await bot.log_out() and await bot.close()


async def test_privacy_mode_withholds_group_chatter(fake_api: FakeBotAPI) -> None:
    fake_api.privacy_mode = True
    build = fake_api.build
    chatter = fake_api.push_update(build.group_message(STUDY_GROUP, BOB, "what about IAM?"))
    mention = fake_api.push_update(
        build.group_message(STUDY_GROUP, BOB, "@studybot_test_bot what is IAM?")
    )
    other_bot = fake_api.push_update(build.command(BOB, "/quiz@other_bot", chat=STUDY_GROUP))
    mine = fake_api.push_update(build.command(BOB, "/quiz@studybot_test_bot", chat=STUDY_GROUP))
    general = fake_api.push_update(build.command(BOB, "/search", "vpc", chat=STUDY_GROUP))
    private = fake_api.push_update(build.private_message(BOB, "private chats always arrive"))
    async with fake_api.make_bot() as ptb_bot:
        assert (await ptb_bot.get_me()).can_read_all_group_messages is False
        sent = await ptb_bot.send_message(STUDY_GROUP.id, "Ask me")
        reply = fake_api.push_update(
            build.group_message(STUDY_GROUP, BOB, "why?", reply_to_message_id=sent.message_id)
        )
        delivered = {u.update_id for u in await ptb_bot.get_updates(timeout=0)}
    assert delivered == {
        mine["update_id"],
        general["update_id"],
        private["update_id"],
        reply["update_id"],
    }
    assert [u["update_id"] for u in fake_api.withheld_updates] == [
        chatter["update_id"],
        mention["update_id"],
        other_bot["update_id"],
    ]
    fake_api.set_member(STUDY_GROUP.id, fake_api.bot_user.id, "administrator")
    fake_api.push_update(build.group_message(STUDY_GROUP, BOB, "admins see everything"))
    assert len(fake_api.withheld_updates) == 3


async def test_wait_for_treats_lookup_errors_as_not_yet(fake_api: FakeBotAPI) -> None:
    fake_api.push_update(fake_api.build.private_message(ALICE, "hi"))

    async def later() -> None:
        await asyncio.sleep(0.1)
        async with fake_api.make_bot() as ptb_bot:
            await ptb_bot.send_message(ALICE.id, "done")

    task = asyncio.create_task(later())
    assert await fake_api.wait_for(lambda: fake_api.messages(ALICE.id)[0]["text"] == "done")
    await task
    with pytest.raises(AssertionError, match="IndexError"):
        await fake_api.wait_for(lambda: fake_api.messages(BOB.id)[0], timeout=0.1)
