"""The fake Bot API refuses what Telegram refuses, with Telegram's status and description, and PTB
turns each refusal into the exception a bot must handle (BadRequest, RetryAfter, Forbidden...)."""

from __future__ import annotations

import io

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Poll,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from tests.fakebot import ALICE, BOB, SMALL_GROUP, STUDY_GROUP, FakeBotAPI
from tests.test_fakebot import png_bytes


@pytest.fixture
async def bot(fake_api: FakeBotAPI):
    fake_api.push_update(fake_api.build.private_message(ALICE, "hi"))
    fake_api.push_update(fake_api.build.group_message(STUDY_GROUP, BOB, "hello"))
    async with fake_api.make_bot() as ptb_bot:
        yield ptb_bot


def last_description(fake_api: FakeBotAPI) -> str:
    return fake_api.calls[-1].description or ""


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x </b>", "Unexpected end tag at byte offset 2"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("é <p>text</p>", 'Unsupported start tag "p" at byte offset 3'),
        (
            "<a href=x y>t</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
    ],
)
async def test_bad_html_is_refused_like_telegram(
    bot: Bot, fake_api: FakeBotAPI, html: str, reason: str
) -> None:
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(ALICE.id, html, parse_mode=ParseMode.HTML)
    assert fake_api.calls[-1].status == 400
    assert last_description(fake_api) == f"Bad Request: can't parse entities: {reason}"
    assert fake_api.messages(ALICE.id) == []


async def test_html_is_fine_when_not_parsed(bot: Bot, fake_api: FakeBotAPI) -> None:
    sent = await bot.send_message(ALICE.id, "1 < 2 and <foo>")
    assert sent.text == "1 < 2 and <foo>" and sent.entities == ()


async def test_all_telegram_tags_and_entities_are_accepted(bot: Bot) -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span>'
        "<tg-spoiler>q</tg-spoiler>"
        '<a href="http://www.example.com/">a</a><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre><pre>raw</pre>'
        "<blockquote>q</blockquote><blockquote expandable>long</blockquote>"
        " &lt;&gt;&amp;&quot;&#65;&#x42; &unknown; & done"
    )
    sent = await bot.send_message(ALICE.id, html, parse_mode=ParseMode.HTML)
    assert sent.text.endswith(' <>&"AB &unknown; & done')
    kinds = [e.type for e in sent.entities]
    assert kinds == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "text_link",
        "code",
        "pre",
        "pre",
        "blockquote",
        "expandable_blockquote",
    ]
    pre = [e for e in sent.entities if e.type == "pre"]
    assert pre[0].language == "python" and pre[1].language is None


async def test_text_length_is_counted_after_parsing_in_utf16(
    bot: Bot, fake_api: FakeBotAPI
) -> None:
    # 4096 characters of text inside tags is fine: tags don't count
    sent = await bot.send_message(ALICE.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert len(sent.text) == 4096
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(ALICE.id, "a" * 4097)
    assert last_description(fake_api) == "Bad Request: message is too long"
    # 2048 emoji are 4096 UTF-16 code units; one more character is too many
    await bot.send_message(ALICE.id, "😀" * 2048)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(ALICE.id, "😀" * 2048 + "a")
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(ALICE.id, "&amp;" * 4097, parse_mode="HTML")


@pytest.mark.parametrize("text", ["", "   \n ", "<b></b>", "<b>  </b>"])
async def test_empty_text_is_refused(bot: Bot, fake_api: FakeBotAPI, text: str) -> None:
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(ALICE.id, text, parse_mode="HTML")
    assert last_description(fake_api) == "Bad Request: message text is empty"


async def test_callback_data_is_limited_to_64_bytes(bot: Bot, fake_api: FakeBotAPI) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await bot.send_message(ALICE.id, "fine", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(ALICE.id, "refused", reply_markup=too_long)
    assert last_description(fake_api) == "Bad Request: BUTTON_DATA_INVALID"
    # 22 three-byte characters = 66 bytes although only 22 characters
    multibyte = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="€" * 22)]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(ALICE.id, "refused", reply_markup=multibyte)


async def test_keyboard_buttons_need_text_and_an_action(bot: Bot, fake_api: FakeBotAPI) -> None:
    empty = InlineKeyboardMarkup([[InlineKeyboardButton("  ", callback_data="a")]])
    with pytest.raises(BadRequest):
        await bot.send_message(ALICE.id, "x", reply_markup=empty)
    bad_url = InlineKeyboardMarkup([[InlineKeyboardButton("site", url="not a url")]])
    with pytest.raises(BadRequest, match="(?i)url"):
        await bot.send_message(ALICE.id, "x", reply_markup=bad_url)
    good_url = InlineKeyboardMarkup([[InlineKeyboardButton("site", url="https://aws.amazon.com")]])
    await bot.send_message(ALICE.id, "x", reply_markup=good_url)
    with pytest.raises(BadRequest, match="(?i)text buttons are unallowed"):
        await bot.send_message(
            ALICE.id, "x", reply_markup={"inline_keyboard": [[{"text": "no action"}]]}
        )


async def test_caption_is_limited_to_1024(bot: Bot, fake_api: FakeBotAPI) -> None:
    await bot.send_photo(ALICE.id, io.BytesIO(png_bytes()), caption="c" * 1024)
    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        await bot.send_photo(ALICE.id, io.BytesIO(png_bytes()), caption="c" * 1025)


async def test_send_photo_needs_a_real_image(bot: Bot, fake_api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match="(?i)image_process_failed"):
        await bot.send_photo(ALICE.id, io.BytesIO(b"GIF89a not a png"))
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_photo(ALICE.id, "AgACunknownfileid")
    jpeg = (
        b"\xff\xd8\xff\xe0"
        + b"\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + (b"\xff\xc0\x00\x11\x08\x00\x20\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01")
        + b"\xff\xd9"
    )
    sent = await bot.send_photo(ALICE.id, io.BytesIO(jpeg))
    assert (sent.photo[-1].width, sent.photo[-1].height) == (64, 32)


async def test_editing_without_changes_is_not_modified(bot: Bot, fake_api: FakeBotAPI) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    sent = await bot.send_message(ALICE.id, "<b>same</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>same</b>", ALICE.id, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    assert last_description(fake_api).startswith("Bad Request: message is not modified: ")
    # same text but different formatting is a modification
    edited = await bot.edit_message_text("same", ALICE.id, sent.message_id, reply_markup=markup)
    assert edited.entities == ()
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(ALICE.id, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", ALICE.id, 999)
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(ALICE.id, 999)


async def test_users_messages_cannot_be_edited(bot: Bot, fake_api: FakeBotAPI) -> None:
    user_message = fake_api.messages(ALICE.id, include_user=True)[0]
    with pytest.raises(BadRequest, match="(?i)message can't be edited"):
        await bot.edit_message_text("hacked", ALICE.id, user_message["message_id"])


async def test_unknown_chat_is_not_found(bot: Bot, fake_api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(424242, "hello?")
    assert last_description(fake_api) == "Bad Request: chat not found"


async def test_reply_to_missing_message_is_refused_unless_allowed(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await bot.send_message(ALICE.id, "re", reply_to_message_id=77)
    sent = await bot.send_message(
        ALICE.id, "re", reply_to_message_id=77, allow_sending_without_reply=True
    )
    assert sent.reply_to_message is None
    replied = await bot.send_message(ALICE.id, "re", reply_to_message_id=1)
    assert replied.reply_to_message.text == "hi"


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"question": "", "options": ["a", "b"]}, "poll question must be non-empty"),
        (
            {"question": "q" * 301, "options": ["a", "b"]},
            "poll question length must not exceed 300",
        ),
        ({"question": "q", "options": ["a"]}, "poll must have at least 2 option"),
        (
            {"question": "q", "options": [str(i) for i in range(11)]},
            "poll can't have more than 10 options",
        ),
        ({"question": "q", "options": ["a", ""]}, "poll options must be non-empty"),
        ({"question": "q", "options": ["a", "b" * 101]}, "poll options length must not exceed 100"),
        (
            {"question": "q", "options": ["a", "b"], "correct_option_ids": [2]},
            "wrong correct option ID specified",
        ),
        (
            {"question": "q", "options": ["a", "b"], "explanation": "e" * 201},
            "poll explanation length must not exceed 200",
        ),
        (
            {
                "question": "q",
                "options": ["a", "b"],
                "explanation": "<b>x",
                "explanation_parse_mode": "HTML",
            },
            "can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        ),
        (
            {"question": "q", "options": ["a", "b"], "explanation": "1\n2\n3\n4"},
            "poll explanation can't contain more than 2 line feeds",
        ),
    ],
)
async def test_quiz_limits(bot: Bot, fake_api: FakeBotAPI, kwargs: dict, reason: str) -> None:
    kwargs = {"correct_option_ids": [0], **kwargs}
    with pytest.raises(BadRequest):
        await bot.send_poll(ALICE.id, type=Poll.QUIZ, is_anonymous=False, **kwargs)
    assert last_description(fake_api) == f"Bad Request: {reason}"
    assert fake_api.polls == {}


async def test_quiz_needs_a_correct_option(bot: Bot, fake_api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match="(?i)correct option"):
        await bot.send_poll(ALICE.id, "q", ["a", "b"], type=Poll.QUIZ)
    # 200 characters of explanation after parsing is fine, markup excluded
    ok = await bot.send_poll(
        ALICE.id,
        "q",
        ["a", "b"],
        type=Poll.QUIZ,
        correct_option_ids=[0],
        explanation="<b>" + "e" * 200 + "</b>",
        explanation_parse_mode="HTML",
    )
    assert len(ok.poll.explanation) == 200


async def test_answer_callback_query_once_and_short(bot: Bot, fake_api: FakeBotAPI) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    sent = await bot.send_message(ALICE.id, "x", reply_markup=markup)
    raw = fake_api.build.callback_query(ALICE, sent.to_dict(), "a")
    query_id = raw["callback_query"]["id"]
    with pytest.raises(BadRequest, match="(?i)message_too_long"):
        await bot.answer_callback_query(query_id, "t" * 201)
    assert await bot.answer_callback_query(query_id, "t" * 200)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("123")
    with pytest.raises(ValueError, match="no button"):
        fake_api.build.callback_query(ALICE, sent.to_dict(), "not-on-the-keyboard")


async def test_late_callback_answers_expire(bot: Bot, fake_api: FakeBotAPI) -> None:
    fake_api.callback_answer_timeout = 0.0
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    sent = await bot.send_message(ALICE.id, "x", reply_markup=markup)
    raw = fake_api.build.callback_query(ALICE, sent.to_dict(), "a")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(raw["callback_query"]["id"])


async def test_inline_answer_limits(bot: Bot, fake_api: FakeBotAPI) -> None:
    def article(result_id: str, text: str = "t", parse_mode: str | None = None):
        return InlineQueryResultArticle(
            result_id, "title", InputTextMessageContent(text, parse_mode=parse_mode)
        )

    cases = [
        ([article(str(i)) for i in range(51)], "RESULTS_TOO_MUCH"),
        ([article("same"), article("same")], "RESULT_ID_DUPLICATE"),
        ([article("x" * 65)], "RESULT_ID_INVALID"),
        ([article("1", "<b>x", ParseMode.HTML)], "can't parse entities"),
        ([article("1", "y" * 4097)], "message is too long"),
    ]
    for results, reason in cases:
        query_id = fake_api.build.inline_query(ALICE, "q")["inline_query"]["id"]
        with pytest.raises(BadRequest):
            await bot.answer_inline_query(query_id, results)
        assert reason in last_description(fake_api)
    query_id = fake_api.build.inline_query(ALICE, "q")["inline_query"]["id"]
    assert await bot.answer_inline_query(query_id, [article(str(i)) for i in range(50)])
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_inline_query(query_id, [])


@pytest.mark.parametrize(
    ("command", "description"),
    [
        ("Search", "ok"),
        ("with-dash", "ok"),
        ("x" * 33, "ok"),
        ("", "ok"),
        ("ok", ""),
        ("ok", "d" * 257),
    ],
)
async def test_bot_command_validation(bot: Bot, command: str, description: str) -> None:
    with pytest.raises(BadRequest, match="(?i)bot_command"):
        await bot.set_my_commands([BotCommand(command, description)])


async def test_blocked_private_chat_is_forbidden(bot: Bot, fake_api: FakeBotAPI) -> None:
    fake_api.block_chat(ALICE.id)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(ALICE.id, "hello?")
    assert fake_api.calls[-1].status == 403
    assert last_description(fake_api) == "Forbidden: bot was blocked by the user"
    with pytest.raises(Forbidden):
        await bot.send_poll(ALICE.id, "q", ["a", "b"])
    fake_api.unblock_chat(ALICE.id)
    await bot.send_message(ALICE.id, "back")


async def test_kicked_from_groups_is_forbidden(bot: Bot, fake_api: FakeBotAPI) -> None:
    fake_api.block_chat(STUDY_GROUP.id)
    with pytest.raises(Forbidden, match="(?i)kicked from the supergroup chat"):
        await bot.send_message(STUDY_GROUP.id, "hello?")
    fake_api.push_update(fake_api.build.group_message(SMALL_GROUP, BOB, "hi"))
    fake_api.block_chat(SMALL_GROUP.id)
    with pytest.raises(Forbidden, match="(?i)kicked from the group chat"):
        await bot.send_message(SMALL_GROUP.id, "hello?")


async def test_injected_429_raises_retry_after(bot: Bot, fake_api: FakeBotAPI) -> None:
    fake_api.fail_next("sendMessage", 429, retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
            await bot.send_message(ALICE.id, "x")
    call = fake_api.calls[-1]
    assert call.status == 429 and call.description == "Too Many Requests: retry after 7"
    assert (await bot.send_message(ALICE.id, "third time")).text == "third time"
    assert fake_api.count_429 == 2


@pytest.mark.parametrize(
    ("status", "reason"), [(500, "Internal Server Error"), (502, "Bad Gateway")]
)
async def test_injected_5xx_is_a_network_error(
    bot: Bot, fake_api: FakeBotAPI, status: int, reason: str
) -> None:
    fake_api.fail_next("*", status)
    with pytest.raises(NetworkError, match=reason) as caught:
        await bot.send_message(ALICE.id, "x")
    assert not isinstance(caught.value, TimedOut)
    assert fake_api.calls[-1].status == status
    assert (await bot.send_message(ALICE.id, "ok now")).text == "ok now"


async def test_unknown_method_is_not_found(bot: Bot, fake_api: FakeBotAPI) -> None:
    from telegram.error import EndPointNotFound

    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", {"chat_id": ALICE.id})
    assert fake_api.calls[-1].status == 404


class FrozenClock:
    """A monotonic clock the test moves by hand, so flood checks never depend on speed."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def flood_clock(fake_api: FakeBotAPI) -> FrozenClock:
    clock = FrozenClock()
    fake_api.flood.clock = clock
    fake_api.flood_limits = True
    return clock


async def send_many(bot: Bot, chat_id: int, count: int) -> list[bool]:
    results = []
    for index in range(count):
        try:
            await bot.send_message(chat_id, f"message {index}")
            results.append(True)
        except RetryAfter:
            results.append(False)
    return results


async def test_group_flood_limit_is_20_per_minute(
    bot: Bot, fake_api: FakeBotAPI, flood_clock: FrozenClock
) -> None:
    results = await send_many(bot, STUDY_GROUP.id, 25)
    assert results == [True] * 20 + [False] * 5
    assert fake_api.flood_429 == 5 == fake_api.count_429
    refused = [c for c in fake_api.calls if c.status == 429]
    assert refused[0].description == "Too Many Requests: retry after 3"  # one token per 3 s
    # other chats are not affected by a group's limit
    assert (await bot.send_message(ALICE.id, "private is fine")).text == "private is fine"
    flood_clock.now += 3
    assert await send_many(bot, STUDY_GROUP.id, 2) == [True, False]
    flood_clock.now += 60
    assert await send_many(bot, STUDY_GROUP.id, 21) == [True] * 20 + [False]


async def test_private_flood_limit_is_a_lenient_burst(
    bot: Bot, fake_api: FakeBotAPI, flood_clock: FrozenClock
) -> None:
    assert await send_many(bot, ALICE.id, 22) == [True] * 20 + [False] * 2
    assert all(
        c.description == "Too Many Requests: retry after 1"
        for c in fake_api.calls
        if c.status == 429
    )
    flood_clock.now += 1
    assert await send_many(bot, ALICE.id, 2) == [True, False]


async def test_overall_flood_limit_is_30_per_second(
    fake_api: FakeBotAPI, flood_clock: FrozenClock
) -> None:
    users = [type(ALICE)(user_id, f"User {user_id}") for user_id in range(2000, 2040)]
    for user in users:
        fake_api.build.private_message(user, "hi")
    async with fake_api.make_bot() as ptb_bot:
        results = [(await send_many(ptb_bot, user.id, 1))[0] for user in users]
        # 30 per second plus one: 50 ms of timing jitter is forgiven, as Telegram is lenient
        assert results == [True] * 31 + [False] * 9
        flood_clock.now += 0.5
        results = [(await send_many(ptb_bot, user.id, 1))[0] for user in users[:20]]
        assert results == [True] * 15 + [False] * 5


async def test_flood_limits_are_off_by_default(bot: Bot, fake_api: FakeBotAPI) -> None:
    assert all(await send_many(bot, STUDY_GROUP.id, 40))
    assert fake_api.count_429 == 0


async def test_set_webhook_is_validated_and_blocks_get_updates(
    bot: Bot, fake_api: FakeBotAPI
) -> None:
    from telegram.error import Conflict

    with pytest.raises(BadRequest, match="(?i)https url must be provided"):
        await bot.set_webhook("http://bot.example.org/hook")
    with pytest.raises(BadRequest, match="(?i)ports 80, 88, 443 or 8443"):
        await bot.set_webhook("https://bot.example.org:8080/hook")
    with pytest.raises(BadRequest, match="(?i)secret token contains unallowed characters"):
        await bot.set_webhook("https://bot.example.org/hook", secret_token="no spaces")
    assert await bot.set_webhook("https://bot.example.org/hook", secret_token="ok_Secret-1")
    info = await bot.get_webhook_info()
    assert info.url == "https://bot.example.org/hook" and info.pending_update_count == 2
    with pytest.raises(Conflict, match="(?i)webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0
    assert await bot.get_updates(timeout=0) == ()


async def test_bot_posts_in_channels_are_its_messages(fake_api: FakeBotAPI) -> None:
    from tests.fakebot import NOTES_CHANNEL

    fake_api.add_chat(NOTES_CHANNEL, bot_status="administrator")
    async with fake_api.make_bot() as ptb_bot:
        post = await ptb_bot.send_message(NOTES_CHANNEL.id, "Daily digest")
        assert post.sender_chat.id == NOTES_CHANNEL.id and post.from_user is None
        with pytest.raises(BadRequest, match="(?i)non-anonymous polls"):
            await ptb_bot.send_poll(NOTES_CHANNEL.id, "q", ["a", "b"], is_anonymous=False)
        edited = await ptb_bot.edit_message_text("Digest", NOTES_CHANNEL.id, post.message_id)
        assert edited.text == "Digest"
    assert [m["text"] for m in fake_api.messages(NOTES_CHANNEL.id)] == ["Digest"]


async def test_poll_questions_keep_only_custom_emoji_entities(bot: Bot) -> None:
    sent = await bot.send_poll(
        ALICE.id, "<b>Bold</b> question?", ["<i>a</i>", "b"], question_parse_mode="HTML"
    )
    assert sent.poll.question == "Bold question?" and sent.poll.question_entities == ()


async def test_malformed_requests_get_telegram_style_errors(fake_api: FakeBotAPI) -> None:
    import aiohttp

    fake_api.build.private_message(ALICE, "x")
    url = f"{fake_api.base_url}{fake_api.token}/sendMessage"
    async with aiohttp.ClientSession() as http:
        lone_surrogate = b'{"chat_id": 1001, "text": "a\\ud800b"}'
        async with http.post(
            url, data=lone_surrogate, headers={"Content-Type": "application/json"}
        ) as response:
            assert response.status == 400
            body = await response.json()
        assert body == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: strings must be encoded in UTF-8",
        }
        async with http.post(url, json=[1]) as response:
            assert response.status == 400
        async with http.get(url, params={"chat_id": "1001", "text": "via GET"}) as response:
            assert (await response.json())["result"]["text"] == "via GET"
        async with http.post(f"{fake_api.base_url}nocolon/getMe") as response:
            assert response.status == 404
        async with http.post(f"{fake_api.base_url}1:other/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }


def test_flood_buckets_refill_evenly_and_forgive_small_jitter() -> None:
    from tests.fakebot.flood import FloodLimiter

    clock = FrozenClock()
    limiter = FloodLimiter(clock=clock)
    assert all(limiter.check(-100, "supergroup") is None for _ in range(20))
    assert limiter.check(-100, "supergroup") == 3  # one message per 3 s once the burst is used
    clock.now += 2.99  # 10 ms early: a paced client's jitter is forgiven
    assert limiter.check(-100, "supergroup") is None
    clock.now += 1.0
    assert limiter.check(-100, "supergroup") == 3  # just over 2 s to wait, rounded up
    assert limiter.check(-200, "group") is None  # every group has its own bucket


def test_strict_flood_allows_30_in_any_second_window_and_no_more() -> None:
    from tests.fakebot.flood import FloodLimiter

    clock = FrozenClock()
    limiter = FloodLimiter(strict=True, clock=clock)
    for i in range(30):  # evenly spread over 0.9 s: all fit
        clock.now = 100 + i * 0.03
        assert limiter.check(1000 + i, "private") is None
    clock.now = 100 + 0.999  # the first is still inside the window: no jitter forgiven
    assert limiter.check(2000, "private") == 1
    clock.now = 100 + 1.0  # the first has left it
    assert limiter.check(2001, "private") is None
    clock.now = 100 + 1.001  # the second (at 100.03) is still in the window
    assert limiter.check(2002, "private") == 1
    # refusals are not counted: once the window slides, one more is accepted
    clock.now = 100 + 1.03
    assert limiter.check(2003, "private") is None


def test_strict_flood_keeps_the_per_chat_limits() -> None:
    from tests.fakebot.flood import FloodLimiter

    clock = FrozenClock()
    limiter = FloodLimiter(strict=True, clock=clock)
    for i in range(20):
        clock.now = i * 0.1
        assert limiter.check(-100, "supergroup") is None
    clock.now = 2.5  # the overall window has room, the group's minute has not
    assert limiter.check(-100, "supergroup") is not None
    assert limiter.check(-200, "supergroup") is None
