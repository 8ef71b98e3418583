"""The terminal chat: every feature on stdin/stdout, plain text, numbered choices that keep
their number while a message is paged, pictures saved as PNG files, jobs arriving in the chat."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

from PIL import Image

from bot.core.notebooks import DEMO, Notebook, NotebookRegistry
from bot.core.question_bank import QuizBank, QuizBankHolder
from bot.db.chats import upsert_chat
from bot.db.daily import subscribe_daily
from bot.features.catalog import HELP_LINES
from bot.features.daily.fanout import post_due_daily_quizzes
from bot.settings import Settings
from bot.terminal.chat import TERMINAL_USER_ID, chat_loop, open_chat
from tests.botfakes import ListSearcher, make_chunk, services_for
from tests.test_quizbot_services import make_chunks, make_items

ROOT = Path(__file__).resolve().parents[1]

CHUNKS = [
    make_chunk(f"c{i}", f"Topic {i}", f"Lambda & <concurrency> -> detail {i}.") for i in range(1, 4)
]


class FakeStdin(io.StringIO):
    def isatty(self) -> bool:
        return False


async def converse(lines: list[str], searcher=None, tmp_path: Path | None = None) -> str:
    out = io.StringIO()
    settings = Settings(_env_file=None, STUDYBOT_DATA_DIR=str(tmp_path)) if tmp_path else None
    services = services_for(searcher or ListSearcher(CHUNKS), settings=settings)
    code = await chat_loop(services, FakeStdin("".join(f"{line}\n" for line in lines)), out)
    assert code == 0
    return out.getvalue()


async def test_text_is_a_search_shown_as_plain_text_with_numbered_buttons():
    output = await converse(["lambda"])
    assert "SECTION › Topic 1" in output
    assert "Lambda & <concurrency> -> detail 1." in output  # unescaped, no tags
    assert "<b>" not in output and "&amp;" not in output
    assert "[1] ▶" in output and "[2] 📖 Full note" in output


async def test_a_button_keeps_its_number_while_its_message_is_paged():
    output = await converse(["lambda", "1", "1"])
    assert "result 2 of 3" in output and "result 3 of 3" in output  # "1" is ▶ both times
    second_card = output[output.index("result 2 of 3") :]
    assert "[1] ▶" in second_card and "[2] 📖 Full note" in second_card
    assert "[3] ◀" in second_card  # a new button gets a new number


async def test_a_number_that_is_no_button_says_so_and_searches_nothing():
    searcher = ListSearcher(CHUNKS)
    output = await converse(["lambda", "7", "42"], searcher)
    assert output.count("There is no button") == 2
    assert searcher.calls == ["lambda"]  # "7" and "42" were not searched


async def test_full_note_and_commands():
    output = await converse(["lambda", "2", "/help", "/search detail 3", "/nope"])
    assert output.count("Lambda & <concurrency> -> detail 1.") >= 2  # card + full note
    assert "/lang" in output
    assert "Topic 3" in output
    assert "I don't know that command" in output


async def test_lang_switches_to_spanish_and_quit_ends_the_chat():
    output = await converse(["/lang", "2", "zzzz", "/quit", "lambda"])
    assert "A partir de ahora te hablaré en español." in output
    assert "No encontré nada" in output
    assert "detail 1." not in output  # nothing after /quit


async def test_every_command_help_lists_is_answered_in_the_terminal(tmp_path):
    listed = sorted(set(re.findall(r"/([a-z]+)", " ".join(HELP_LINES))))
    assert {"quiz", "streak", "stats", "daily", "top", "timezone", "remind", "lang"} <= set(listed)
    output = await converse([f"/{name}" for name in listed], tmp_path=tmp_path)
    assert "I don't know that command" not in output


async def test_stats_saves_the_picture_and_prints_a_path_that_opens(tmp_path):
    output = await converse(["/stats"], tmp_path=tmp_path)
    [path] = re.findall(r"🖼 (\S+\.png)", output)
    assert Path(path).is_relative_to(tmp_path)
    with Image.open(path) as image:
        assert image.format == "PNG"


async def test_the_daily_quiz_arrives_in_the_terminal_and_no_other_chat_is_claimed():
    holder = QuizBankHolder(QuizBank(make_items(), make_chunks()))
    services = services_for(ListSearcher(CHUNKS))
    services.notebooks = NotebookRegistry([Notebook(DEMO, ListSearcher(CHUNKS), holder)])
    out = io.StringIO()
    chat = await open_chat(services, out)
    async with services.db.session() as s:
        await upsert_chat(s, -100123, "group", "elsewhere")
        for chat_id in (TERMINAL_USER_ID, -100123):
            await subscribe_daily(s, chat_id, time(0, 0), "UTC", 1)
    noon = datetime.now(UTC).replace(hour=12, minute=0)
    report = await post_due_daily_quizzes(services, chat.sender, now=noon)
    assert report.due == 1  # the group is not this terminal's to post to, nor to claim
    assert report.posted_chats == 1 and report.polls_sent == 1
    assert "[1]" in out.getvalue() and "[4]" in out.getvalue()


def test_studybot_chat_subprocess_exits_zero_on_eof(tmp_path):
    env = {
        **os.environ,
        "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
        "STUDYBOT_CORPUS_DIR": str(ROOT / "corpus"),
        "LANG": "en_US.UTF-8",
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input="s3 object lock\n1\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Studybot" in result.stdout
    assert "result 1 of" in result.stdout and "result 2 of" in result.stdout


async def test_add_a_folder_then_notes_lists_it_and_search_finds_it(tmp_path: Path):
    folder = tmp_path / "vault"
    (folder / "biology").mkdir(parents=True)
    (folder / "biology" / "cells.md").write_text(
        "# Cells\n\nThe mitochondrion produces ATP through oxidative phosphorylation.\n",
        encoding="utf-8",
    )
    (folder / "empty.md").write_text("", encoding="utf-8")
    output = await converse(
        [f"/add {folder}", "/notes", "mitochondrion ATP", f"/add {tmp_path / 'missing'}"],
        tmp_path=tmp_path / "data",
    )
    assert "1 file, 1 passage" in output
    assert "biology/cells.md" in output
    assert "oxidative phosphorylation" in output
    assert "not a file or a folder" in output and "as they were" in output
