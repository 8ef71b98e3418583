"""Search buttons across a restart, through the real Application and the strict fake Bot API: a
card sent by one run is paged (▶, "did you mean") by the next run on the same database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

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


@pytest.mark.backends("sqlite", "postgresql")
async def test_a_cards_button_search_is_saved_with_the_record_of_the_reply(
    fake_api, notes_searcher, tmp_path, e2e_db_url, monkeypatch
):
    """No write of its own: the search behind a card's buttons lands in the transaction that
    records the reply sent, so a reply recorded has working buttons on every instance."""
    import bot.core.search_memory
    from bot.core.inbox import current_handling
    from bot.db.inbox import DONE
    from bot.db.models import InboxUpdate, SavedSearch

    own_writes: list[int] = []
    real_save = bot.core.search_memory.save_searches

    async def counted(*args, **kwargs):
        if current_handling() is not None:
            own_writes.append(1)
        return await real_save(*args, **kwargs)

    monkeypatch.setattr(bot.core.search_memory, "save_searches", counted)
    async for bot_ in start_bot(fake_api, notes_searcher, tmp_path / "data", e2e_db_url):
        update = fake_api.build.private_message(ALICE, "permission boundaries")
        [card] = await bot_.send_and_wait(update, ALICE.id)
        await bot_.settle()
        key = button_data(card, "▶").split(":")[1]
        async with bot_.services.db.session() as session:
            saved = await session.get(SavedSearch, key)
            rows = list(await session.scalars(select(InboxUpdate)))
        break
    assert saved is not None and saved.query == "permission boundaries"
    [row] = [row for row in rows if row.update_id == update["update_id"]]
    assert row.state == DONE and row.replies_sent == 1
    assert own_writes == []
