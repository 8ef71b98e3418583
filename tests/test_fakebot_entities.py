"""The fake's entity parsers behave like Telegram's: HTML per TDLib (offsets in UTF-16, only the
supported tags and entities), MarkdownV2 reserved characters; escaped text always round-trips."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Bot
from telegram.error import BadRequest

from tests.fakebot import ALICE, FakeBotAPI, parse_html, utf16_len
from tests.fakebot.markdown import parse_markdown
from tests.fakebot.validation import HtmlParseError, find_auto_entities, message_text


def spans(entities: list[dict]) -> list[tuple]:
    return [(e["type"], e["offset"], e["length"]) for e in entities]


def test_offsets_are_utf16_code_units() -> None:
    text, entities = parse_html("😀 <b>á😀b</b>")
    assert text == "😀 á😀b"
    assert spans(entities) == [("bold", 3, 4)]


def test_nested_tags_give_nested_entities() -> None:
    text, entities = parse_html("<b>bold <i>both</i></b> <u><s>us</s></u>")
    assert text == "bold both us"
    assert spans(entities) == [
        ("bold", 0, 9),
        ("italic", 5, 4),
        ("underline", 10, 2),
        ("strikethrough", 10, 2),
    ]


def test_tags_are_case_insensitive_and_end_tags_may_be_anonymous() -> None:
    text, entities = parse_html("<B>x</> <EM>y</em>")
    assert text == "x y" and spans(entities) == [("bold", 0, 1), ("italic", 2, 1)]


def test_links() -> None:
    _, entities = parse_html("<a href='https://aws.amazon.com/s3/'>S3</a>")
    assert entities[0]["url"] == "https://aws.amazon.com/s3/"
    _, entities = parse_html("<a>https://example.com/path</a>")
    assert entities[0]["type"] == "text_link" and entities[0]["url"] == "https://example.com/path"
    _, entities = parse_html('<a href="javascript:alert(1)">x</a>')
    assert entities == []  # Telegram silently drops links it can't use
    _, entities = parse_html('<a href="tg://user?id=1001">Alice</a>')
    assert entities[0]["type"] == "text_mention" and entities[0]["user"]["id"] == 1001
    _, entities = parse_html('<a href="example.com">x</a>')
    assert entities[0]["url"] == "http://example.com/"


def test_entities_and_character_references() -> None:
    text, _ = parse_html("&lt;&gt;&amp;&quot; &#233;&#x1F600; &nbsp; &amp &#0; &#xD800; a&b")
    assert text == '<>&" é😀 &nbsp; &amp &#0; &#xD800; a&b'


def test_pre_code_language_and_blockquotes() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">print(1)</code></pre>'
        "<blockquote>q</blockquote><blockquote expandable>e</blockquote>"
        '<span class="tg-spoiler">s</span><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert text == "print(1)qes👍"
    assert entities[0] == {"type": "pre", "offset": 0, "length": 8, "language": "python"}
    assert [e["type"] for e in entities[1:]] == [
        "blockquote",
        "expandable_blockquote",
        "spoiler",
        "custom_emoji",
    ]


def test_empty_entities_are_dropped() -> None:
    assert parse_html("<b></b>x<i></i>") == ("x", [])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<a href=a!>x</a>", "Unexpected end of name token at byte offset 8"),
        ("<b x", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("<!-- comment -->", 'Unsupported start tag "!--" at byte offset 0'),
    ],
)
def test_html_errors(source: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    assert str(caught.value) == message


@given(st.text())
def test_escaped_text_always_round_trips(text: str) -> None:
    assert parse_html(html.escape(text, quote=False)) == (text, [])
    assert parse_html(html.escape(text)) == (text, [])


@given(st.text(min_size=1))
def test_bold_wrapping_covers_the_whole_text(text: str) -> None:
    plain, entities = parse_html(f"<b>{html.escape(text)}</b>")
    assert plain == text
    assert spans(entities) == [("bold", 0, utf16_len(text))]


@given(st.text(alphabet=st.sampled_from(list("<>/&;ab \"'=#x1")), max_size=30))
def test_any_input_parses_or_is_refused_cleanly(source: str) -> None:
    try:
        text, entities = parse_html(source)
    except HtmlParseError:
        return
    total = utf16_len(text)
    assert all(e["offset"] >= 0 and e["offset"] + e["length"] <= total for e in entities)


def test_auto_detected_entities() -> None:
    text = "/start@studybot_test_bot hi @alice_studies see https://docs.aws.amazon.com/s3. #aws"
    found = spans(find_auto_entities(text))
    assert ("bot_command", 0, 24) in found
    assert ("mention", 28, 14) in found
    assert ("url", 47, len("https://docs.aws.amazon.com/s3")) in found
    assert ("hashtag", text.index("#aws"), 4) in found
    assert find_auto_entities("no entities here, a/b and e@mail") == []


def test_message_text_trims_and_keeps_offsets() -> None:
    text, entities = message_text("  \n<b>x</b> y \n", "HTML")
    assert text == "x y" and spans(entities) == [("bold", 0, 1)]


def test_markdown_v2() -> None:
    text, entities = parse_markdown(r"*b* _i_ __u__ ~s~ ||p|| `c` [l](https://x.io/a\)b) \. \!")
    assert text == "b i u s p c l . !"
    assert spans(entities) == [
        ("bold", 0, 1),
        ("italic", 2, 1),
        ("underline", 4, 1),
        ("strikethrough", 6, 1),
        ("spoiler", 8, 1),
        ("code", 10, 1),
        ("text_link", 12, 1),
    ]
    assert entities[-1]["url"] == "https://x.io/a)b"
    text, entities = parse_markdown("```python\nx = 1\n```")
    assert text == "x = 1\n" and entities[0]["language"] == "python"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Version 2.0", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("*open", "Can't find end of Bold entity at byte offset 0"),
        ("ok _it", "Can't find end of Italic entity at byte offset 3"),
    ],
)
def test_markdown_v2_errors(source: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_markdown(source)
    assert str(caught.value) == message


def test_legacy_markdown() -> None:
    text, entities = parse_markdown("*b* _i_ `c` [l](http://x.io) 2.0", v2=False)
    assert text == "b i c l 2.0"
    assert spans(entities) == [
        ("bold", 0, 1),
        ("italic", 2, 1),
        ("code", 4, 1),
        ("text_link", 6, 1),
    ]
    with pytest.raises(HtmlParseError, match="Can't find end of the entity"):
        parse_markdown("*open", v2=False)


async def test_parse_modes_through_ptb(fake_api: FakeBotAPI) -> None:
    fake_api.push_update(fake_api.build.private_message(ALICE, "hi"))
    async with fake_api.make_bot() as bot:
        bot: Bot
        sent = await bot.send_message(ALICE.id, "*bold* v2\\.0", parse_mode="MarkdownV2")
        assert sent.text == "bold v2.0" and sent.entities[0].type == "bold"
        with pytest.raises(BadRequest, match="(?i)reserved"):
            await bot.send_message(ALICE.id, "v2.0", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match="(?i)unsupported parse_mode"):
            await bot.send_message(ALICE.id, "x", parse_mode="BBCode")
