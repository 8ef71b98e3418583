"""A chat's note files in the database: added, replaced by path, removed, isolated per chat,
and a failed batch leaves nothing behind; on SQLite and PostgreSQL (the ``db`` fixture)."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.db.notebook_files import (
    chats_with_notes,
    keeps_demo,
    note_contents,
    note_files,
    notes_total_size,
    put_note_files,
    remove_note_files,
    set_keep_demo,
    stored_notes,
)


async def test_same_path_replaces_and_other_chats_are_untouched(db: Database) -> None:
    async with db.session() as session:
        await put_note_files(session, 1, [("a.md", b"# A\none"), ("sub/b.txt", b"two")])
        await put_note_files(session, 2, [("a.md", b"# other chat")])
    async with db.session() as session:
        await put_note_files(session, 1, [("a.md", b"# A\nnew")])
    async with db.session() as session:
        assert await note_contents(session, 1) == {"a.md": b"# A\nnew", "sub/b.txt": b"two"}
        assert await note_contents(session, 2) == {"a.md": b"# other chat"}
        assert [note.path for note in await note_files(session, 1)] == ["a.md", "sub/b.txt"]
        assert await notes_total_size(session, 1) == len(b"# A\nnew") + 3
        assert await chats_with_notes(session) == [1, 2]


async def test_remove_one_then_all(db: Database) -> None:
    async with db.session() as session:
        await put_note_files(session, 1, [("a.md", b"a"), ("b.md", b"b")])
    async with db.session() as session:
        assert await remove_note_files(session, 1, ["a.md"]) == 1
        assert list(await note_contents(session, 1)) == ["b.md"]
        assert await remove_note_files(session, 1) == 1
        assert await note_contents(session, 1) == {}
        assert await chats_with_notes(session) == []


async def test_a_failed_batch_adds_nothing(db: Database) -> None:
    async with db.session() as session:
        await put_note_files(session, 1, [("old.md", b"old")])
    with pytest.raises(RuntimeError):
        async with db.session() as session:
            await put_note_files(session, 1, [("new.md", b"new"), ("old.md", b"changed")])
            raise RuntimeError("the index could not be built")
    async with db.session() as session:
        assert await note_contents(session, 1) == {"old.md": b"old"}


async def test_keep_demo_flag(db: Database) -> None:
    async with db.session() as session:
        assert not await keeps_demo(session, 5)
        await set_keep_demo(session, 5, True)
    async with db.session() as session:
        assert await keeps_demo(session, 5)
        await set_keep_demo(session, 5, False)
    async with db.session() as session:
        assert not await keeps_demo(session, 5)


async def test_a_vault_of_many_files_lands_in_one_batch_and_replaces_by_path(db: Database) -> None:
    files = [(f"vault/n{i:04d}.md", f"# Note {i}\n".encode()) for i in range(1200)]
    async with db.session() as session:
        await put_note_files(session, 5, files)
    async with db.session() as session:
        await put_note_files(session, 5, [("vault/n0007.md", b"# Seven again\n")])
    async with db.session() as session:
        stored = await note_files(session, 5)
        contents = await note_contents(session, 5)
    assert len(stored) == 1200
    assert contents["vault/n0007.md"] == b"# Seven again\n"
    assert contents["vault/n1199.md"] == b"# Note 1199\n"


async def test_the_check_before_requests_reads_what_a_session_reads(db: Database) -> None:
    """``stored_notes`` (one query on the claims' own connection) against ``note_files`` and
    ``keeps_demo`` in a session: same files, sizes, hashes and instants, same demo choice."""
    assert await stored_notes(db, 1) == ([], False)
    async with db.session() as session:
        await put_note_files(session, 1, [("b.md", b"bee"), ("a.md", b"# A")])
        await put_note_files(session, 2, [("c.md", b"other chat")])
    for keep in (False, True):
        async with db.session() as session:
            await set_keep_demo(session, 1, keep)
        async with db.session() as session:
            expected = (await note_files(session, 1), await keeps_demo(session, 1))
        assert await stored_notes(db, 1) == expected
        assert [note.path for note in expected[0]] == ["a.md", "b.md"]
        assert expected[1] is keep
    assert (await stored_notes(db, 2))[1] is False  # no options row: the demo is off
