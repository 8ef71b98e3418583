"""Search buttons across a restart, through the real Application and the strict fake Bot API: a
card sent by one run is paged (▶, "did you mean") by the next run on the same database."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import button_data, start_bot
from tests.fakebot import ALICE


@pytest.mark.backends("sqlite", "postgresql")
async def test_next_button_of_a_card_sent_before_a_restart_shows_the_next_hit(
    fake_api, notes_searcher, tmp_path, e2e_db_url
):
    api = fake_api
    data_dir = tmp_path / "data"
    async for bot in start_bot(api, notes_searcher, data_dir, e2e_db_url):
        [card] = await bot.send_and_wait(
            api.build.private_message(ALICE, "permission boundaries"), ALICE.id
        )
        [typo] = await bot.send_and_wait(api.build.private_message(ALICE, "cloudfromt"), ALICE.id)
        break  # stops the first Application (the generator's finally closes its database)
    assert "result 1 of" in card["text"]

    # a new process: empty memory
    async for bot in start_bot(api, notes_searcher, data_dir, e2e_db_url):
        query_id = await bot.press(ALICE, card, button_data(card, "▶"))
        answer = api.callback_queries[query_id].answers[0]
        assert "expired" not in answer.get("text", "")
        await api.wait_for(
            lambda: "result 2 of" in api.message(ALICE.id, card["message_id"])["text"]
        )
        edited = api.message(ALICE.id, card["message_id"])
        assert button_data(edited, "◀") == button_data(card, "▶").rsplit(":", 1)[0] + ":0"

        await bot.press(ALICE, typo, button_data(typo, "Did you mean"))
        await api.wait_for(
            lambda: "Did you mean" not in str(api.message(ALICE.id, typo["message_id"]))
        )
        assert "cloudfront" in api.message(ALICE.id, typo["message_id"])["text"].lower()

        stale = api.build.callback_query(ALICE, card, "s1:AAAAAAAAAAAA:1", check_button=False)
        api.push_update(stale)
        stale_id = stale["callback_query"]["id"]
        await api.wait_for(lambda: api.callback_queries[stale_id].answered, 10)  # noqa: B023
        assert "expired" in api.callback_queries[stale_id].answers[0].get("text", "")
        assert len(bot.sent(ALICE.id)) == 2  # both cards edited in place, nothing new sent
        assert not api.unanswered_callback_queries()
        break
