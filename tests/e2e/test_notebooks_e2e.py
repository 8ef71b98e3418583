"""Each chat studies its own notes, through the real Application and the strict fake Bot API:
a document message, getFile and the file download; search, /quiz and "Read the note" over the
chat's notes; a zip; replace and remove in /notes; isolation between users and a group; bad
files refused with the old notes intact; a restart."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from tests.e2e.conftest import BotHarness, button_data, buttons, start_bot
from tests.fakebot import ALICE, BOB, CAROL, STUDY_GROUP, FakeBotAPI, User
from tests.test_notebook_intake import blank_pdf

CELLS = """# Cell biology

## Mitochondria
The mitochondrion is the organelle that produces ATP through oxidative phosphorylation.
Mitochondria have their own circular DNA, inherited from the mother.
A typical liver cell holds about 2000 mitochondria.

## Ribosomes
Ribosomes translate messenger RNA into proteins.
A eukaryotic ribosome sediments at 80S; a bacterial ribosome sediments at 70S.
Polysomes are several ribosomes reading one messenger RNA.

## Membranes
The plasma membrane is a phospholipid bilayer about 7 nm thick.
Aquaporins are channel proteins that let water cross the membrane.
The sodium-potassium pump moves 3 sodium ions out for every 2 potassium ions in.
Cholesterol keeps the membrane fluid at low temperatures.
"""

ROMANS = """# Ancient Rome

## The Republic
The Roman Republic was governed by two consuls elected every year.
The Senate advised the consuls on war and finance.

## Aqueducts
Roman aqueducts carried water into the city by gravity alone.
The Aqua Appia was the first aqueduct of Rome.
"""

DEMO_QUERY = "permission boundaries"  # found in the shipped notes, not in these
DEMO_WORDS = "aws-saa-apuntes.txt"  # the shipped file that passage comes from
OWN_QUERY, OWN_WORDS = "mitochondria ATP", "oxidative phosphorylation"
ROME_QUERY, ROME_WORDS = "aqueducts water", "by gravity alone"


def zipped(members: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16) | 0
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


async def upload(
    bot: BotHarness, user: User, content: bytes, name: str, chat_id: int | None = None, **kw: Any
) -> dict[str, Any]:
    """Send a file; wait until the progress message settles on ✅ or ⚠️; return that message."""
    api = bot.api
    where = chat_id if chat_id is not None else user.id
    before = {m["message_id"] for m in bot.sent(where)}
    api.push_update(api.build.document_message(user, content, name, **kw))

    def settled() -> dict[str, Any] | None:
        for message in bot.sent(where):
            text = message.get("text", "")
            if message["message_id"] not in before and text.startswith(("✅", "⚠️")):
                return message
        return None

    return await api.wait_for(settled, 60)


async def search_text(bot: BotHarness, user: User, query: str, timeout: float = 10.0) -> str:
    message = bot.api.build.private_message(user, query)
    [card] = await bot.send_and_wait(message, user.id, timeout=timeout)
    return card["text"]


async def test_private_upload_then_search_and_quiz_use_the_chats_own_notes(bot: BotHarness):
    api = bot.api
    done = await upload(bot, ALICE, CELLS.encode(), "cells.md")
    assert "1 file, 2 passages, 1 question ready" in done["text"], done["text"]
    edits = [c.params["text"] for c in api.calls_to("editMessageText") if c.ok]
    assert any("building the index" in text for text in edits), edits
    # searchable first, then the questions: the message says so on the way
    assert any("2 passages searchable now; making the questions" in text for text in edits)
    assert "Try a search" in done["text"]

    assert OWN_WORDS in (await search_text(bot, ALICE, OWN_QUERY))
    assert DEMO_WORDS not in (await search_text(bot, ALICE, DEMO_QUERY))
    assert DEMO_WORDS in (await search_text(bot, BOB, DEMO_QUERY))  # Bob: the demo

    await bot.send_and_wait(api.build.command(ALICE, "/quiz"), ALICE.id)
    poll = next(m for m in reversed(api.messages(ALICE.id)) if "poll" in m)
    assert "sodium" in poll["poll"]["question"].lower() or "membrane" in str(poll).lower()


async def test_a_zip_keeps_sub_folders_and_skips_what_is_not_a_note(bot: BotHarness):
    content = zipped(
        {
            "vault/biology/cells.md": CELLS.encode(),
            "vault/history/rome.md": ROMANS.encode(),
            "vault/.obsidian/app.json": b"{}",
            "vault/picture.png": b"\x89PNG",
        }
    )
    done = await upload(bot, ALICE, content, "vault.zip")
    assert done["text"].startswith("✅") and "2 files" in done["text"], done["text"]
    assert ROME_WORDS in (await search_text(bot, ALICE, ROME_QUERY))
    await bot.send_and_wait(bot.api.build.command(ALICE, "/notes"), ALICE.id)
    listing = bot.sent(ALICE.id)[-1]["text"]
    assert "vault/biology/cells.md" in listing and "vault/history/rome.md" in listing


async def test_same_name_replaces_and_notes_removes_one_file_then_all(bot: BotHarness):
    api = bot.api
    await upload(bot, ALICE, CELLS.encode(), "cells.md")
    await upload(bot, ALICE, ROMANS.encode(), "rome.md")
    await upload(
        bot, ALICE, b"# Cell biology\n\nGolgi bodies package proteins for export.\n", "cells.md"
    )
    assert "package proteins for export" in (await search_text(bot, ALICE, "golgi bodies"))
    assert OWN_WORDS not in (await search_text(bot, ALICE, OWN_QUERY))

    [listing] = await bot.send_and_wait(api.build.command(ALICE, "/notes"), ALICE.id)
    assert "cells.md" in listing["text"] and "rome.md" in listing["text"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(listing))
    await bot.press(ALICE, listing, button_data(listing, "rome.md"))
    await api.wait_for(
        lambda: "rome.md" not in api.message(ALICE.id, listing["message_id"])["text"]
    )
    assert ROME_WORDS not in (await search_text(bot, ALICE, ROME_QUERY))

    current = api.message(ALICE.id, listing["message_id"])
    await bot.press(ALICE, current, button_data(current, "Remove all"))
    await api.wait_for(lambda: "demo notes" in api.message(ALICE.id, listing["message_id"])["text"])
    assert DEMO_WORDS in (await search_text(bot, ALICE, DEMO_QUERY))  # the demo again


async def test_demo_notes_switch_back_on_beside_the_chats_own(bot: BotHarness):
    api = bot.api
    await upload(bot, ALICE, CELLS.encode(), "cells.md")
    [listing] = await bot.send_and_wait(api.build.command(ALICE, "/notes"), ALICE.id)
    await bot.press(ALICE, listing, button_data(listing, "Demo notes on"))
    # switching on rebuilds the chat's notebook with the 230 KB demo notes beside its own:
    # seconds on a loaded machine
    await api.wait_for(
        lambda: "Demo notes off" in str(api.message(ALICE.id, listing["message_id"])),
        timeout=40,
    )
    # the first search waits for the index of both sets of notes (the shipped ones are 230 KB),
    # built in a worker process: seconds on a loaded machine
    assert DEMO_WORDS in (await search_text(bot, ALICE, DEMO_QUERY, timeout=40))
    assert OWN_WORDS in (await search_text(bot, ALICE, OWN_QUERY))


async def test_a_press_whose_work_is_slow_is_answered_before_its_edit(bot: BotHarness, monkeypatch):
    import asyncio

    import bot.features.notebooks.feature as notebooks_feature
    import bot.telegram.handlers as handlers

    real_switch = notebooks_feature.switch_demo
    finished = asyncio.Event()

    async def slow_switch(*args: Any, **kw: Any) -> Any:
        await asyncio.sleep(1.0)  # a rebuild of the chat's notes that takes a while
        try:
            return await real_switch(*args, **kw)
        finally:
            finished.set()

    monkeypatch.setattr(handlers, "SLOW_BUTTON_SECONDS", 0.2)
    monkeypatch.setattr(notebooks_feature, "switch_demo", slow_switch)
    api = bot.api
    await upload(bot, ALICE, CELLS.encode(), "cells.md")
    [listing] = await bot.send_and_wait(api.build.command(ALICE, "/notes"), ALICE.id)
    query_id = await bot.press(ALICE, listing, button_data(listing, "Demo notes on"))
    assert not finished.is_set()  # the query was answered while the work went on
    await api.wait_for(
        lambda: "Demo notes off" in str(api.message(ALICE.id, listing["message_id"])), 40
    )
    assert len(api.callback_queries[query_id].answers) == 1  # once, and not again at the end


async def test_a_notes_button_carried_to_another_chat_has_expired(bot: BotHarness):
    api = bot.api
    await upload(bot, ALICE, CELLS.encode(), "cells.md")
    await upload(bot, BOB, CELLS.encode(), "cells.md")
    [listing] = await bot.send_and_wait(api.build.command(ALICE, "/notes"), ALICE.id)
    data = button_data(listing, "Remove all")
    [bobs] = await bot.send_and_wait(api.build.command(BOB, "/notes"), BOB.id)
    forged = data[:-1] + ("0" if data[-1] != "0" else "1")
    for user, message, pressed in ((BOB, bobs, data), (ALICE, listing, forged)):
        # Alice's button replayed in Bob's chat; a forged tag in Alice's own
        update = api.build.callback_query(user, message, pressed, check_button=False)
        query_id = update["callback_query"]["id"]
        api.push_update(update)
        await bot.settle()
        [answer] = api.callback_queries[query_id].answers
        assert answer.get("text") in ("This button has expired.", "Este botón ha caducado.")
    assert OWN_WORDS in (await search_text(bot, BOB, OWN_QUERY))
    assert OWN_WORDS in (await search_text(bot, ALICE, OWN_QUERY))


async def test_a_users_notes_stay_out_of_a_group_and_its_inline_results(bot: BotHarness):
    api = bot.api
    await upload(bot, ALICE, CELLS.encode(), "cells.md")
    api.add_chat(STUDY_GROUP)
    api.set_member(STUDY_GROUP.id, ALICE, "administrator")
    await upload(bot, ALICE, ROMANS.encode(), "rome.md", chat_id=STUDY_GROUP.id, chat=STUDY_GROUP)
    [answer] = await bot.send_and_wait(
        api.build.group_message(STUDY_GROUP, BOB, f"@{api.bot_user.username} {OWN_QUERY}"),
        STUDY_GROUP.id,
    )
    assert OWN_WORDS not in answer["text"]
    [answer] = await bot.send_and_wait(
        api.build.group_message(STUDY_GROUP, BOB, f"@{api.bot_user.username} {ROME_QUERY}"),
        STUDY_GROUP.id,
    )
    assert ROME_WORDS in answer["text"]
    assert ROME_WORDS not in (await search_text(bot, ALICE, ROME_QUERY))

    update = api.build.inline_query(ALICE, "aqueducts")
    api.push_update(update)
    query_id = update["inline_query"]["id"]
    await api.wait_for(lambda: query_id in api.inline_answers)
    assert "Ancient Rome" not in str(api.inline_answers[query_id])
    update = api.build.inline_query(ALICE, "mitochondria")
    api.push_update(update)
    query_id = update["inline_query"]["id"]
    await api.wait_for(lambda: query_id in api.inline_answers)
    assert "Cell biology" in str(api.inline_answers[query_id])


async def test_a_members_file_in_a_group_is_ignored_quietly(bot: BotHarness):
    api = bot.api
    api.add_chat(STUDY_GROUP)
    api.set_member(STUDY_GROUP.id, CAROL, "member")
    before = len(bot.sent(STUDY_GROUP.id))
    api.push_update(api.build.document_message(CAROL, CELLS.encode(), "cells.md", chat=STUDY_GROUP))
    await bot.settle()
    assert len(bot.sent(STUDY_GROUP.id)) == before
    assert not api.calls_to("getFile")
    [answer] = await bot.send_and_wait(
        api.build.group_message(STUDY_GROUP, CAROL, f"@{api.bot_user.username} {OWN_QUERY}"),
        STUDY_GROUP.id,
    )
    assert OWN_WORDS not in answer["text"]


BAD_FILES = [
    (b"\x00\x01\x02\x03\xff\xfe" * 200, "photo.md", "not text"),
    (b"  \n\n ", "empty.txt", "empty"),
    (zipped({"../escape.md": CELLS.encode()}), "evil.zip", "outside its folder"),
    (zipped({"/etc/cron.md": CELLS.encode()}), "abs.zip", "outside its folder"),
    (zipped({"notes/a.md": CELLS.encode()}, links=("notes/link.md",)), "link.zip", "link"),
    (zipped({f"n{i}.md": b"x" for i in range(30)}), "many.zip", "over 20 files"),
    (zipped({"big.md": b"a" * 300_000}), "bomb.zip", "unpacks to over"),
    (b"%PDF-1.4 not really a pdf", "broken.pdf", "PDF can't be read"),
    (blank_pdf(), "scan.pdf", "no text layer"),
    (blank_pdf("secret"), "locked.pdf", "locked with a password"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "locked.docx", "locked with a password"),
    (b"not a word file", "broken.docx", ".docx can't be read"),
    (b"PK\x03\x04 broken", "broken.zip", "can't be opened"),
    (b"binary", "photo.jpg", "I read .md, .txt, .zip, .pdf and .docx"),
]


async def test_bad_files_are_answered_and_the_old_notes_work_as_before(
    fake_api: FakeBotAPI, notes_searcher, tmp_path: Path
):
    overrides = {"STUDYBOT_MAX_ZIP_MEMBERS": "20", "STUDYBOT_MAX_ZIP_BYTES": "200000"}
    async for bot in start_bot(fake_api, notes_searcher, tmp_path / "data", **overrides):
        await upload(bot, ALICE, CELLS.encode(), "cells.md")
        for content, name, reason in BAD_FILES:
            answer = await upload(bot, ALICE, content, name)
            assert answer["text"].startswith("⚠️") and reason in answer["text"], (name, answer)
            assert "as they were" in answer["text"]
            assert OWN_WORDS in (await search_text(bot, ALICE, OWN_QUERY)), name  # intact
        [listing] = await bot.send_and_wait(fake_api.build.command(ALICE, "/notes"), ALICE.id)
        assert "cells.md" in listing["text"] and "photo" not in listing["text"]
        assert OWN_WORDS in (await search_text(bot, ALICE, OWN_QUERY))


async def test_a_file_over_the_download_limit_is_refused_before_downloading(
    fake_api: FakeBotAPI, notes_searcher, tmp_path: Path
):
    overrides = {"STUDYBOT_MAX_DOWNLOAD_BYTES": "1000"}
    async for bot in start_bot(fake_api, notes_searcher, tmp_path / "data", **overrides):
        answer = await upload(bot, ALICE, CELLS.encode() * 3, "cells.md")
        assert "over" in answer["text"] and "MB" in answer["text"]
        assert not fake_api.calls_to("getFile")


async def test_undecodable_bytes_are_replaced_with_a_note(bot: BotHarness):
    content = CELLS.encode() + b"\nThe \xff\xfe enzyme catalase splits hydrogen peroxide.\n"
    done = await upload(bot, ALICE, content, "cells.md")
    assert done["text"].startswith("✅") and "replaced" in done["text"]


async def test_the_notes_survive_a_restart(fake_api: FakeBotAPI, notes_searcher, tmp_path: Path):
    data = tmp_path / "data"
    async for bot in start_bot(fake_api, notes_searcher, data):
        await upload(bot, ALICE, CELLS.encode(), "cells.md")
    async for bot in start_bot(fake_api, notes_searcher, data):
        assert OWN_WORDS in (await search_text(bot, ALICE, OWN_QUERY))
    (data / "notebooks").rename(tmp_path / "gone")  # the disk cache lost: rebuilt from the DB
    async for bot in start_bot(fake_api, notes_searcher, data):
        assert OWN_WORDS in (await search_text(bot, ALICE, OWN_QUERY))


async def test_read_the_note_of_a_chats_own_question_is_expired_in_another_chat(bot: BotHarness):
    api = bot.api
    await upload(bot, ALICE, CELLS.encode(), "cells.md")
    await bot.send_and_wait(api.build.command(ALICE, "/quiz"), ALICE.id)
    poll_message = next(m for m in reversed(api.messages(ALICE.id)) if "poll" in m)
    data = button_data(poll_message, "Read the note")
    before = len(api.messages(ALICE.id))
    await bot.press(ALICE, poll_message, data)
    await api.wait_for(lambda: len(api.messages(ALICE.id)) > before, 10)
    assert "sodium" in api.messages(ALICE.id)[-1]["text"]

    [bobs] = await bot.send_and_wait(api.build.command(BOB, "/help"), BOB.id)
    update = api.build.callback_query(BOB, bobs, data, check_button=False)  # carried to Bob
    query_id = update["callback_query"]["id"]
    bob_before = len(api.messages(BOB.id))
    api.push_update(update)
    await api.wait_for(lambda: api.callback_queries[query_id].answered, 10)
    await bot.settle()
    assert len(api.messages(BOB.id)) == bob_before  # no passage of Alice's notes


async def test_help_says_the_demo_notes_until_the_chat_sends_its_own(bot: BotHarness):
    api = bot.api
    [before] = await bot.send_and_wait(api.build.command(ALICE, "/help"), ALICE.id)
    assert "demo notes until you send your own" in before["text"]
    await upload(bot, ALICE, CELLS.encode(), "cells.md")
    [after] = await bot.send_and_wait(api.build.command(ALICE, "/help"), ALICE.id)
    assert "demo notes until" not in after["text"] and "/notes" in after["text"]


async def test_a_file_sent_while_the_last_is_read_is_answered_and_the_first_lands(
    bot: BotHarness,
):
    api = bot.api
    await upload(bot, ALICE, CELLS.encode(), "cells.md")
    before = len(bot.sent(ALICE.id))
    api.push_update(api.build.document_message(ALICE, ROMANS.encode(), "rome.md"))
    api.push_update(api.build.document_message(ALICE, b"# Golgi\n\nGolgi bodies.\n", "golgi.md"))

    def answers() -> list[str] | None:
        texts = [m.get("text", "") for m in bot.sent(ALICE.id)[before:]]
        done = [t for t in texts if t.startswith(("✅", "⚠️", "⏳ I'm still reading"))]
        return done if len(done) >= 2 else None

    done = await api.wait_for(answers, 60)
    assert sum("still reading" in text for text in done) == 1, done
    assert sum(text.startswith("✅") for text in done) == 1, done
    [listing] = await bot.send_and_wait(api.build.command(ALICE, "/notes"), ALICE.id)
    assert "cells.md" in listing["text"]  # the earlier notes stay
    assert ("rome.md" in listing["text"]) != ("golgi.md" in listing["text"])  # one of the two


WALK = """# A walk

We went out early and walked along the river until the sun was high.
Then we sat down under a tree, talked for a while and ate what we had brought.
Later it got warm, so we walked back slowly and stopped now and then to look at the water.
Nobody was in a hurry, and the day felt long in a good way.

## Home
When we got home we were tired but happy, and we made some tea.
My sister told a story about her friends from school, and we laughed a lot.
After dinner we played cards in the kitchen while it rained outside.
Nobody won very often, but that did not matter to anyone at the table.

## The next morning
The next morning was grey and quiet, and we stayed inside for most of it.
We read our books, cleaned the house a little and called our parents.
In the afternoon the sky cleared, so we went out again for a short walk.
It was not as long as the first one, but it was just as nice.
"""


async def test_quiz_on_notes_too_short_for_questions_says_so_not_still_reading(bot: BotHarness):
    api = bot.api
    done = await upload(bot, ALICE, b"# Shopping\n\nBuy milk and bread.\n", "list.md")
    assert "0 questions ready" in done["text"], done["text"]
    [reply] = await bot.send_and_wait(api.build.command(ALICE, "/quiz"), ALICE.id)
    assert "still being read" not in reply["text"]
    assert "gave no questions" in reply["text"] and "too short (4 words)" in reply["text"]
    assert "poll" not in reply


async def test_quiz_on_notes_with_nothing_to_ask_says_why_in_spanish(bot: BotHarness):
    api = bot.api
    done = await upload(bot, BOB, WALK.encode(), "paseo.md")
    assert done["text"].startswith("✅"), done["text"]
    [reply] = await bot.send_and_wait(api.build.command(BOB, "/quiz"), BOB.id)
    assert "aún estoy leyendo" not in reply["text"]
    assert "Estos apuntes no dan preguntas" in reply["text"]
    assert "definiciones" in reply["text"] and "demasiado cortos" not in reply["text"]
