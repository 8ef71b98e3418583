"""The search conversation without Telegram: cards, paging, full notes, suggestions, inline."""

from __future__ import annotations

import re

from bot.core.callbacks import ExampleSearch, FullNote, SearchPage, decode
from bot.core.deeplink import decode_query
from bot.core.replies import Asker, Reply
from bot.core.text import MESSAGE_LIMIT, html_to_plain, visible_length
from bot.features.search.cards import (
    full_note_messages,
    inline_answer,
    search_reply,
    show_example,
    show_full_note,
    show_page,
)
from tests.botfakes import ListSearcher, make_chunk, services_for

ASKER = Asker(user_id=7, chat_id=7, lang="en", bot_username="studybot")

CHUNKS = [
    make_chunk(f"c{i}", f"Topic {i}", f"Lambda concurrency detail number {i}.\nMore text {i}.")
    for i in range(1, 4)
] + [
    make_chunk(
        "html1",
        "Tags <p> & arrows",
        "Policy <p> evaluation & deny -> allow <b>not bold</b>",
        path=("IAM & <Roles>", "Tags <p> & arrows"),
    )
]


def _balanced(html_text: str) -> bool:
    """Only <b>, <i>, <code> tags, properly nested; no stray < or > outside tags."""
    stack = []
    for match in re.finditer(r"<(/?)([a-z]+)>|[<>]", html_text):
        if match.group(0) in "<>":
            return False
        closing, tag = match.group(1), match.group(2)
        if tag not in ("b", "i", "code"):
            return False
        if closing:
            if not stack or stack.pop() != tag:
                return False
        else:
            stack.append(tag)
    return not stack


async def test_best_hit_is_a_card_with_breadcrumb_snippet_source_and_paging():
    services = services_for(ListSearcher(CHUNKS))
    [card] = await search_reply(services, ASKER, "lambda concurrency")
    assert isinstance(card, Reply) and not card.edit
    assert card.text.startswith("<b>SECTION › Topic 1</b>\n")
    assert "<b>Lambda</b>" in card.text
    assert "<code>notes.txt:1–2</code>" in card.text
    assert "result 1 of 3" in card.text
    labels = [b.text for b in card.flat_buttons]
    assert labels == ["▶", "📖 Full note"]
    page = decode(card.flat_buttons[0].data)
    assert isinstance(page, SearchPage) and page.page == 1
    assert decode(card.flat_buttons[1].data) == FullNote("c1")


async def test_paging_edits_the_card_and_offers_both_directions_in_the_middle():
    services = services_for(ListSearcher(CHUNKS))
    [card] = await search_reply(services, ASKER, "lambda concurrency")
    key = decode(card.flat_buttons[0].data).key
    answer = await show_page(services, ASKER, key, 1)
    [middle] = answer.replies
    assert middle.edit
    assert "Topic 2" in middle.text and "result 2 of 3" in middle.text
    assert [b.text for b in middle.buttons[0]] == ["◀", "▶"]
    last = (await show_page(services, ASKER, key, 2)).replies[0]
    assert [b.text for b in last.buttons[0]] == ["◀"]


async def test_page_beyond_the_hits_or_unknown_key_is_expired_not_an_error():
    services = services_for(ListSearcher(CHUNKS))
    [card] = await search_reply(services, ASKER, "lambda")
    key = decode(card.flat_buttons[0].data).key
    beyond = await show_page(services, ASKER, key, 9)
    assert beyond.replies == () and "expired" in beyond.notice.text
    forged = await show_page(services, ASKER, "AAAAAAAAAAAA", 0)
    assert forged.replies == () and "expired" in forged.notice.text


async def test_note_text_with_tags_ampersands_and_arrows_is_escaped():
    services = services_for(ListSearcher(CHUNKS))
    [card] = await search_reply(services, ASKER, "policy evaluation")
    assert "IAM &amp; &lt;Roles&gt; › Tags &lt;p&gt; &amp; arrows" in card.text
    assert _balanced(card.text), card.text
    note = (await show_full_note(services, ASKER, "html1")).replies
    text = note[0].text
    assert "Policy &lt;p&gt; evaluation &amp; deny -&gt; allow &lt;b&gt;not bold&lt;/b&gt;" in text
    assert _balanced(text)
    assert "Policy <p> evaluation & deny -> allow <b>not bold</b>" in html_to_plain(text)


async def test_query_full_of_html_is_escaped_in_the_no_results_message():
    services = services_for(ListSearcher(CHUNKS))
    [reply] = await search_reply(services, ASKER, '<script>alert("x")</script> & OR NOT')
    assert "&lt;script&gt;" in reply.text
    assert _balanced(reply.text)
    assert "I found nothing" in reply.text
    # the example buttons run real searches, of the notes' own titles
    example = decode(reply.buttons[-1][0].data)
    assert isinstance(example, ExampleSearch)
    [card] = (await show_example(services, ASKER, example.index)).replies
    assert "Topic" in card.text


async def test_long_note_is_split_at_paragraphs_under_the_limit_with_continued_markers():
    paragraph = "Word " * 150  # 750 characters
    text = "\n\n".join(f"Paragraph {i}. {paragraph}" for i in range(40))  # ~30k characters
    chunk = make_chunk("long", "Huge <section>", text)
    messages = full_note_messages(chunk, "en")
    assert len(messages) >= 8
    for index, message in enumerate(messages):
        assert visible_length(message.text) <= MESSAGE_LIMIT
        assert _balanced(message.text)
        assert message.text.startswith("<i>(continued)</i>") == (index > 0)
    # paragraphs are kept whole and in order
    body = "".join(html_to_plain(m.text) for m in messages)
    numbers = [int(n) for n in re.findall(r"Paragraph (\d+)\.", body)]
    assert numbers == list(range(40))
    for message in messages[1:]:
        assert html_to_plain(message.text).split("\n\n")[1].startswith("Paragraph")


async def test_long_note_without_blank_lines_and_with_astral_characters_still_fits():
    text = "\n".join("🙂" * 300 for _ in range(60))  # 600 UTF-16 units per line
    messages = full_note_messages(make_chunk("emoji", "Emoji", text), "es")
    assert len(messages) > 1
    assert all(visible_length(m.text) <= MESSAGE_LIMIT for m in messages)
    assert messages[1].text.startswith("<i>(continuación)</i>")


async def test_misspelt_query_gets_a_did_you_mean_button_that_runs_the_suggestion():
    searcher = ListSearcher(CHUNKS, suggestions={"lambada": "lambda"})
    services = services_for(searcher)
    [reply] = await search_reply(services, ASKER, "lambada")
    button = reply.flat_buttons[0]
    assert button.text == "🔎 Did you mean: lambda?"
    action = decode(button.data)
    answer = await show_page(services, ASKER, action.key, action.page)
    assert "Topic 1" in answer.replies[0].text
    assert searcher.calls[-1] == "lambda"


async def test_empty_query_asks_what_to_look_for():
    services = services_for(ListSearcher(CHUNKS))
    [reply] = await search_reply(services, ASKER, "   \n ")
    assert "What should I look for?" in reply.text


async def test_full_note_of_an_unknown_chunk_is_expired():
    answer = await show_full_note(services_for(ListSearcher(CHUNKS)), ASKER, "nope")
    assert answer.replies == () and "expired" in answer.notice.text


async def test_inline_answer_has_unique_chunk_ids_plain_descriptions_and_a_deep_link():
    services = services_for(ListSearcher(CHUNKS))
    answer = await inline_answer(services, ASKER, "policy evaluation")
    [article] = answer.articles
    assert article.id == "html1"
    assert article.title == "IAM & <Roles> › Tags <p> & arrows"
    # the description is plain text: highlight tags gone, the note's own characters kept
    assert article.description == "Policy <p> evaluation & deny -> allow <b>not bold</b>"
    assert article.text.startswith("<b>IAM &amp; &lt;Roles&gt;")
    assert answer.is_personal and answer.cache_time <= 30
    assert decode_query(answer.start_parameter) == "policy evaluation"
    url = article.buttons[0][0].url
    assert url.startswith("https://t.me/studybot?start=")
    assert decode_query(url.rsplit("=", 1)[1]) == "policy evaluation"


async def test_inline_answer_for_many_hits_is_capped_at_ten():
    chunks = [make_chunk(f"k{i}", f"T{i}", "lambda") for i in range(25)]
    answer = await inline_answer(services_for(ListSearcher(chunks)), ASKER, "lambda")
    assert len(answer.articles) == 10
    assert len({a.id for a in answer.articles}) == 10
