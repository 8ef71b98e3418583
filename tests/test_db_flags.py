"""Quiz flags in the database (SQLite and PostgreSQL): one per student, item and chat; retired
at once in the flagging chat, for every chat of the same notes at N different students, never
across notes; the owner's counts and list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db import Database
from bot.db.flags import (
    askable,
    flag_counts,
    flag_item,
    flagged_items,
    retired_by_chat,
    retired_items,
)

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
GROUP, OTHER_GROUP = -1001, -1002
ALICE, BOB, CAROL = 11, 12, 13


async def flag(db: Database, user: int, chat: int, item: str = "q1", scope: str = "demo") -> bool:
    async with db.session() as s:
        return await flag_item(
            s,
            scope=scope,
            item_id=item,
            chat_id=chat,
            user_id=user,
            question=f"What is {item}?",
            at=NOW + timedelta(seconds=user),
        )


async def retired(db: Database, chat: int, scope: str = "demo", threshold: int = 2) -> set[str]:
    async with db.session() as s:
        return await retired_items(s, scope=scope, chat_id=chat, threshold=threshold)


async def test_a_flag_is_recorded_once_per_student_item_and_chat(db):
    assert await flag(db, ALICE, GROUP) is True
    assert await flag(db, ALICE, GROUP) is False
    assert await flag(db, ALICE, ALICE) is True  # the same item in her private chat
    async with db.session() as s:
        counts = await flag_counts(s, threshold=2)
    assert (counts.flags, counts.items, counts.retired_everywhere) == (2, 1, 0)


async def test_one_flag_retires_the_item_in_its_chat_only(db):
    await flag(db, ALICE, GROUP)
    assert await retired(db, GROUP) == {"q1"}
    assert await retired(db, OTHER_GROUP) == set()
    assert await retired(db, BOB) == set()


async def test_n_different_students_retire_it_for_every_chat_of_the_same_notes(db):
    await flag(db, ALICE, GROUP)
    await flag(db, ALICE, ALICE)  # the same student twice counts once
    assert await retired(db, OTHER_GROUP) == set()
    await flag(db, BOB, BOB)
    assert await retired(db, OTHER_GROUP) == {"q1"}
    assert await retired(db, CAROL) == {"q1"}
    assert await retired(db, CAROL, threshold=3) == set()
    assert await retired(db, CAROL, scope="chat-1003") == set()  # other notes: not retired


async def test_flags_of_other_notes_do_not_retire_the_same_id(db):
    await flag(db, ALICE, GROUP, scope="chat-1001")
    await flag(db, BOB, GROUP, scope="chat-1001")
    assert await retired(db, GROUP, scope="demo") == set()
    assert await retired(db, GROUP, scope="chat-1001") == {"q1"}


async def test_retired_by_chat_matches_retired_items_for_each_chat(db):
    await flag(db, ALICE, GROUP, "q1")
    await flag(db, BOB, OTHER_GROUP, "q2")
    await flag(db, CAROL, OTHER_GROUP, "q2")
    await flag(db, CAROL, GROUP, "q3", scope="chat-1001")
    scopes = {GROUP: "demo", OTHER_GROUP: "demo", ALICE: "demo", -1003: "chat-1003"}
    async with db.session() as s:
        batch = await retired_by_chat(s, scopes, threshold=2)
        empty = await retired_by_chat(s, {}, threshold=2)
    assert batch == {GROUP: {"q1", "q2"}, OTHER_GROUP: {"q2"}, ALICE: {"q2"}, -1003: set()}
    for chat, scope in scopes.items():
        assert batch[chat] == await retired(db, chat, scope)
    assert empty == {}


async def test_flagged_items_lists_the_most_flagged_first(db):
    await flag(db, ALICE, GROUP, "q1")
    await flag(db, BOB, GROUP, "q2")
    await flag(db, CAROL, OTHER_GROUP, "q2")
    async with db.session() as s:
        listed = await flagged_items(s)
        counts = await flag_counts(s, threshold=2)
    assert [(f.item_id, f.students, f.chats) for f in listed] == [("q2", 2, 2), ("q1", 1, 1)]
    assert listed[0].question == "What is q2?" and listed[0].retired_everywhere(2)
    assert not listed[1].retired_everywhere(2)
    assert (counts.flags, counts.items, counts.retired_everywhere) == (3, 2, 1)


def test_askable_drops_retired_ids_and_keeps_the_order():
    assert askable(["a", "b", "c", "d"], {"b", "d"}) == ["a", "c"]
