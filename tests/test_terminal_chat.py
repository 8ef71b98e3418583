"""The terminal chat: the same core on stdin/stdout, plain text, numbered choices."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.core.replies import Asker
from bot.terminal import TerminalSession, chat_loop, handle_line
from tests.botfakes import ListSearcher, make_chunk, services_for

ROOT = Path(__file__).resolve().parents[1]

CHUNKS = [
    make_chunk(f"c{i}", f"Topic {i}", f"Lambda & <concurrency> -> detail {i}.") for i in range(1, 4)
]


class FakeStdin(io.StringIO):
    def isatty(self) -> bool:
        return False


async def converse(lines: list[str], searcher=None) -> str:
    out = io.StringIO()
    services = services_for(searcher or ListSearcher(CHUNKS))
    code = await chat_loop(services, FakeStdin("".join(f"{line}\n" for line in lines)), out)
    assert code == 0
    return out.getvalue()


async def test_text_is_a_search_shown_as_plain_text_with_numbered_buttons():
    output = await converse(["lambda"])
    assert "SECTION › Topic 1" in output
    assert "Lambda & <concurrency> -> detail 1." in output  # unescaped, no tags
    assert "<b>" not in output and "&amp;" not in output
    assert "[1] ▶" in output and "[2] 📖 Full note" in output


async def test_typing_a_number_presses_that_button_of_the_last_reply():
    output = await converse(["lambda", "1", "2"])
    assert "result 2 of 3" in output
    assert "[1] ◀" in output
    # "2" on the second card is ▶ → the third result
    assert "result 3 of 3" in output


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
    assert "Topic 1" not in output  # nothing after /quit


async def test_numbers_without_choices_are_searches():
    out = io.StringIO()
    session = TerminalSession(services_for(ListSearcher(CHUNKS)), Asker(1, 1), out)
    assert await handle_line(session, "42")
    assert "I found nothing" in out.getvalue()


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
