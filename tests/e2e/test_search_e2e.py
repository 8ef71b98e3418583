"""Search through the real Application and the strict fake Bot API: private chats, paging, full
notes, typos, hostile queries, long notes, groups, inline mode, deep links, /lang."""

from __future__ import annotations

import pytest

from bot.core.deeplink import decode_query, encode_query
from bot.core.text import MESSAGE_LIMIT
from index.search import open_searcher
from index.store import ensure_index
from tests.botfakes import ListSearcher, make_chunk
from tests.e2e.conftest import button_data, buttons, start_bot
from tests.fakebot import ALICE, BOB, NOTES_CHANNEL, STUDY_GROUP, utf16_len


async def test_private_search_pages_through_hits_and_shows_the_full_note(bot):
    api = bot.api
    [card] = await bot.send_and_wait(
        api.build.private_message(ALICE, "permission boundaries"), ALICE.id
    )
    assert "Boundaries" in card["text"]
    assert any(e["type"] == "bold" for e in card.get("entities", []))
    assert "result 1 of" in card["text"]
    first_text = card["text"]

    await bot.press(ALICE, card, button_data(card, "▶"))
    await api.wait_for(lambda: api.message(ALICE.id, card["message_id"])["text"] != first_text)
    edited = api.message(ALICE.id, card["message_id"])
    assert "result 2 of" in edited["text"]
    assert len(bot.sent(ALICE.id)) == 1  # edited in place, no new message

    await bot.press(ALICE, edited, button_data(edited, "◀"))
    await api.wait_for(lambda: "result 1 of" in api.message(ALICE.id, card["message_id"])["text"])

    current = api.message(ALICE.id, card["message_id"])
    before = len(bot.sent(ALICE.id))
    await bot.press(ALICE, current, button_data(current, "Full note"))
    await api.wait_for(lambda: len(bot.sent(ALICE.id)) > before)
    note = bot.sent(ALICE.id)[-1]
    assert "Boundaries" in note["text"] or "boundar" in note["text"].lower()
    assert not api.unanswered_callback_queries()


async def test_typo_offers_did_you_mean_which_turns_the_card_into_the_corrected_search(bot):
    api = bot.api
    [card] = await bot.send_and_wait(api.build.private_message(ALICE, "cloudfromt"), ALICE.id)
    data = button_data(card, "Did you mean")
    assert "cloudfront" in [b["text"] for b in buttons(card) if b.get("callback_data") == data][0]
    await bot.press(ALICE, card, data)
    await api.wait_for(lambda: "Did you mean" not in str(api.message(ALICE.id, card["message_id"])))
    assert "cloudfront" in api.message(ALICE.id, card["message_id"])["text"].lower()


async def test_query_full_of_html_and_search_operators_gets_a_valid_answer(bot):
    api = bot.api
    hostile = '<b>S3</b> & "object lock" OR -> AND NOT ( ) * ? ~ <p> </i> &amp; title:x'
    [reply] = await bot.send_and_wait(api.build.private_message(ALICE, hostile), ALICE.id)
    assert reply["text"]
    nothing = await bot.send_and_wait(api.build.private_message(ALICE, "<zzqx> & <qqzz>"), ALICE.id)
    assert "<zzqx> & <qqzz>" in nothing[0]["text"]  # shown literally, escaped on the wire
    assert all(call.ok for call in api.calls if call.method != "getUpdates"), api.describe_calls()


async def test_a_huge_section_of_the_notes_is_answered_within_telegram_limits(fake_api, tmp_path):
    """A tmp corpus with one enormous lecture: every card and full note stays under 4096."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraphs = [
        f"Paragraph {i}: Glacier vault lock keeps archives & <retention> rules -> compliance. "
        + "Detail 🔒 " * 120
        for i in range(60)
    ]
    (corpus / "huge.txt").write_text(
        "# STORAGE\n## Glacier Vault Lock (10:00)\n" + "\n\n".join(paragraphs) + "\n",
        encoding="utf-8",
    )
    ensure_index(corpus, tmp_path / "index")
    searcher = open_searcher(tmp_path / "index")
    async for bot in start_bot(fake_api, searcher, tmp_path / "data"):
        [card] = await bot.send_and_wait(
            fake_api.build.private_message(ALICE, "glacier vault lock"), ALICE.id
        )
        before = len(bot.sent(ALICE.id))
        await bot.press(ALICE, card, button_data(card, "Full note"))
        await bot.settle()
        pieces = bot.sent(ALICE.id)[before:]
        assert pieces
        for piece in pieces:
            assert utf16_len(piece["text"]) <= MESSAGE_LIMIT
        assert "& <retention> rules -> compliance" in pieces[0]["text"]


async def test_a_note_longer_than_a_message_is_split_with_continued(fake_api, tmp_path):
    """A chunk far over 4096 units (astral characters, long paragraphs) through the real app."""
    text = "\n\n".join(f"Paragraph {i} about vault <locks> & -> " + "🔒 " * 400 for i in range(12))
    searcher = ListSearcher([make_chunk("huge1", "Vault & <Lock>", text)])
    async for bot in start_bot(fake_api, searcher, tmp_path / "data"):
        [card] = await bot.send_and_wait(fake_api.build.private_message(ALICE, "vault"), ALICE.id)
        before = len(bot.sent(ALICE.id))
        await bot.press(ALICE, card, button_data(card, "Full note"))
        await bot.settle()
        pieces = bot.sent(ALICE.id)[before:]
        assert len(pieces) >= 3
        for index, piece in enumerate(pieces):
            assert utf16_len(piece["text"]) <= MESSAGE_LIMIT
            assert piece["text"].startswith("(continued)") == (index > 0)
        whole = "".join(p["text"] for p in pieces)
        assert [f"Paragraph {i} about vault <locks> & ->" in whole for i in range(12)] == [
            True
        ] * 12


async def test_group_answers_only_when_addressed(bot):
    api = bot.api
    username = api.bot_user.username
    chat = STUDY_GROUP
    api.push_update(api.build.group_message(chat, ALICE, "anyone studying lambda tonight?"))
    await bot.settle()
    assert bot.sent(chat.id) == []

    [reply] = await bot.send_and_wait(
        api.build.group_message(chat, ALICE, f"/search@{username} vpc peering"), chat.id
    )
    assert "peering" in reply["text"].lower()
    assert reply.get("reply_to_message", {}).get("from", {}).get("id") == ALICE.id

    [mention] = await bot.send_and_wait(
        api.build.group_message(chat, BOB, f"@{username} S3 object lock"), chat.id
    )
    assert "lock" in mention["text"].lower()

    [follow_up] = await bot.send_and_wait(
        api.build.group_message(chat, ALICE, "kinesis", reply_to_message_id=reply["message_id"]),
        chat.id,
    )
    assert "kinesis" in follow_up["text"].lower()

    api.push_update(api.build.group_message(chat, BOB, "/search@some_other_bot kinesis"))
    api.push_update(api.build.group_message(chat, BOB, "@someone_else kinesis"))
    await bot.settle()
    assert len(bot.sent(chat.id)) == 3


async def test_inline_query_returns_up_to_ten_unique_articles(bot):
    api = bot.api
    update = api.build.inline_query(BOB, "lambda concurrency")
    query_id = update["inline_query"]["id"]
    api.push_update(update)
    answer = await api.wait_for(lambda: api.inline_answers.get(query_id), 10)
    results = answer["results"]
    assert 1 <= len(results) <= 10
    assert len({r["id"] for r in results}) == len(results)
    assert all(r["type"] == "article" and r["title"] for r in results)
    assert str(answer.get("is_personal")).lower() == "true"
    assert int(answer.get("cache_time")) <= 30
    button = answer.get("button")
    assert button is not None

    empty = api.build.inline_query(BOB, "")
    api.push_update(empty)
    starter = await api.wait_for(lambda: api.inline_answers.get(empty["inline_query"]["id"]), 10)
    assert len(starter["results"]) <= 10


async def test_start_deep_link_runs_the_search_and_plain_start_explains(bot):
    api = bot.api
    payload = encode_query("S3 Object Lock")
    assert decode_query(payload) == "S3 Object Lock"
    [card] = await bot.send_and_wait(api.build.command(ALICE, "start", payload), ALICE.id)
    assert "lock" in card["text"].lower()
    [hello] = await bot.send_and_wait(api.build.command(ALICE, "start"), ALICE.id)
    assert "Studybot" in hello["text"] and "/lang" in hello["text"]
    [garbage] = await bot.send_and_wait(api.build.command(ALICE, "start", "q!!!"), ALICE.id)
    assert "Studybot" in garbage["text"]


@pytest.mark.backends("sqlite", "postgresql")
async def test_lang_switch_changes_the_language_and_survives_in_the_database(bot):
    api = bot.api
    [menu] = await bot.send_and_wait(api.build.command(ALICE, "lang"), ALICE.id)
    await bot.press(ALICE, menu, button_data(menu, "Español"))
    await api.wait_for(lambda: "español" in api.message(ALICE.id, menu["message_id"])["text"])
    [hello] = await bot.send_and_wait(api.build.command(ALICE, "help"), ALICE.id)
    assert "Soy Studybot" in hello["text"]
    from bot.db.users import user_language

    async with bot.services.db.session() as session:
        assert await user_language(session, ALICE.id) == "es"


async def test_spanish_telegram_users_get_spanish_without_choosing(bot):
    api = bot.api
    [reply] = await bot.send_and_wait(api.build.private_message(BOB, "xyzzyqq"), BOB.id)
    assert "No encontré nada" in reply["text"]


async def test_edits_channel_posts_and_empty_searches_are_handled_sensibly(bot):
    api = bot.api
    first = api.push_update(api.build.private_message(ALICE, "kinesis"))
    await api.wait_for(lambda: len(bot.sent(ALICE.id)) == 1)
    api.push_update(api.build.edited_message(ALICE.id, first["message"]["message_id"], "lambda"))
    api.push_update(api.build.channel_post(NOTES_CHANNEL, "lambda"))
    await bot.settle()
    assert len(bot.sent(ALICE.id)) == 1  # an edit is not a new question
    assert bot.sent(NOTES_CHANNEL.id) == []

    [ask] = await bot.send_and_wait(
        api.build.group_message(STUDY_GROUP, BOB, f"/search@{api.bot_user.username}"),
        STUDY_GROUP.id,
    )
    assert "¿Qué busco?" in ask["text"]
    [hint] = await bot.send_and_wait(
        api.build.group_message(STUDY_GROUP, ALICE, f"@{api.bot_user.username}"), STUDY_GROUP.id
    )
    assert "Tell me what to look for" in hint["text"]
