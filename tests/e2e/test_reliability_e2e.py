"""Telegram correctness through the real Application: expired/forged buttons, duplicate updates,
429 and 5xx during a reply, 403 and membership changes, command menus, failures apologised for."""

from __future__ import annotations

import logging

import pytest

from bot.db.chats import is_chat_active
from tests.botfakes import ListSearcher, make_chunk
from tests.e2e.conftest import start_bot
from tests.fakebot import ALICE, BOB, STUDY_GROUP


async def test_forged_stale_and_foreign_buttons_are_answered_as_expired(bot):
    api = bot.api
    [card] = await bot.send_and_wait(api.build.private_message(ALICE, "kinesis"), ALICE.id)
    for data in (
        "s1:AAAAAAAAAAAA:0",
        "s1:xx:99",
        "n1:no-such-chunk",
        "zz9:whatever",
        "x" * 64,
        "l1:fr",
        "s1:key:1:2",
    ):
        update = api.build.callback_query(ALICE, card, data, check_button=False)
        query_id = update["callback_query"]["id"]
        api.push_update(update)
        await api.wait_for(lambda: api.callback_queries[query_id].answered, 10)  # noqa: B023
        answer = api.callback_queries[query_id].answers[0]
        assert "expired" in answer.get("text", ""), (data, answer)
    await bot.settle()
    assert len(bot.sent(ALICE.id)) == 1  # nothing new sent, the card untouched
    assert not api.unanswered_callback_queries()


@pytest.mark.backends("sqlite", "postgresql")
async def test_the_same_update_delivered_twice_is_answered_once(bot):
    api = bot.api
    update = api.build.private_message(ALICE, "vpc peering")
    await bot.send_and_wait(update, ALICE.id)
    api.push_update(dict(update))  # redelivery of an already handled update
    twin = api.build.private_message(ALICE, "kinesis")
    api.push_update(twin)
    api.push_update(dict(twin))  # a duplicate inside the same batch
    await bot.settle(0.8)
    assert len(bot.sent(ALICE.id)) == 2


async def test_429_during_a_reply_delays_it_and_it_arrives_exactly_once(bot):
    api = bot.api
    api.fail_next("sendMessage", 429, retry_after=1)
    [reply] = await bot.send_and_wait(api.build.private_message(ALICE, "lambda"), ALICE.id)
    await bot.settle()
    assert len(bot.sent(ALICE.id)) == 1
    statuses = [call.status for call in api.calls_to("sendMessage")]
    assert statuses == [429, 200]
    assert "lambda" in reply["text"].lower()


async def test_5xx_during_a_reply_is_retried_and_it_arrives_exactly_once(bot):
    api = bot.api
    api.fail_next("sendMessage", 502, times=1)
    api.fail_next("sendMessage", 500, times=1)
    await bot.send_and_wait(api.build.private_message(ALICE, "cloudfront"), ALICE.id)
    await bot.settle()
    assert len(bot.sent(ALICE.id)) == 1
    assert [call.status for call in api.calls_to("sendMessage")] == [502, 500, 200]


async def test_5xx_while_editing_a_card_is_retried(bot):
    api = bot.api
    [card] = await bot.send_and_wait(api.build.private_message(ALICE, "lambda"), ALICE.id)
    api.fail_next("editMessageText", 503)
    next_data = [b for row in card["reply_markup"]["inline_keyboard"] for b in row][0]
    await bot.press(ALICE, card, next_data["callback_data"])
    await api.wait_for(lambda: "result 2 of" in api.message(ALICE.id, card["message_id"])["text"])
    await bot.settle()
    assert len(bot.sent(ALICE.id)) == 1


async def test_a_user_who_blocked_the_bot_is_marked_inactive(bot):
    api = bot.api
    await bot.send_and_wait(api.build.private_message(ALICE, "lambda"), ALICE.id)
    api.block_chat(ALICE.id)
    api.push_update(api.build.private_message(ALICE, "kinesis"))
    await api.wait_for(lambda: any(c.status == 403 for c in api.calls_to("sendMessage")), 10)
    await bot.settle()

    async def active() -> bool:
        async with bot.services.db.session() as session:
            return await is_chat_active(session, ALICE.id)

    assert not await active()
    assert len(api.calls_to("sendMessage")) == 2  # no retries, no apology into a 403


async def test_membership_changes_track_whether_the_bot_may_post(bot):
    api = bot.api

    async def active(chat_id: int) -> bool:
        async with bot.services.db.session() as session:
            return await is_chat_active(session, chat_id)

    api.push_update(api.build.my_chat_member(STUDY_GROUP, ALICE, "member"))
    await bot.settle()
    assert await active(STUDY_GROUP.id)
    api.push_update(api.build.my_chat_member(STUDY_GROUP, ALICE, "kicked"))
    await bot.settle()
    assert not await active(STUDY_GROUP.id)
    api.push_update(api.build.my_chat_member(STUDY_GROUP, ALICE, "administrator"))
    await bot.settle()
    assert await active(STUDY_GROUP.id)
    api.push_update(api.build.my_chat_member(STUDY_GROUP, ALICE, "left"))
    await bot.settle()
    assert not await active(STUDY_GROUP.id)


async def test_command_menus_are_set_per_scope_and_language(bot):
    api = bot.api

    def names(scope: str, lang: str = "") -> dict[str, str]:
        commands = api.commands({"type": scope}, lang)
        return {c["command"]: c["description"] for c in commands}

    private_en = names("all_private_chats", "en")
    assert {"start", "help", "search", "lang"} <= set(private_en)
    assert names("all_private_chats") == private_en  # the default menu is English
    assert names("all_private_chats", "es")["lang"] == "Cambiar el idioma"
    groups = names("all_group_chats", "es")
    assert "search" in groups and "start" not in groups
    assert set(groups) <= set(names("all_chat_administrators", "es"))


class ExplodingSearcher(ListSearcher):
    def search(self, query: str, limit: int = 5):
        if "boom" in query:
            raise RuntimeError("search backend exploded")
        return super().search(query, limit)


async def test_a_failure_is_logged_with_context_and_the_user_gets_an_apology(
    fake_api, tmp_path, caplog
):
    searcher = ExplodingSearcher([make_chunk("a", "Alpha", "alpha text")])
    caplog.set_level(logging.ERROR, logger="bot.telegram.errors")
    async for bot in start_bot(fake_api, searcher, tmp_path / "data"):
        [reply] = await bot.send_and_wait(fake_api.build.private_message(BOB, "boom"), BOB.id)
        assert "Lo siento" in reply["text"]
        [ok] = await bot.send_and_wait(fake_api.build.private_message(BOB, "alpha"), BOB.id)
        assert "Alpha" in ok["text"]
    record = next(r for r in caplog.records if "error while handling" in r.getMessage())
    assert f"chat {BOB.id}" in record.getMessage() and "message" in record.getMessage()
    assert fake_api.token not in caplog.text
