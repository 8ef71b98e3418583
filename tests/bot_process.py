"""``studybot run`` as a child process for the tests: a clean environment (none of the caller's
STUDYBOT_/TELEGRAM_ settings or DATABASE_URL leak in) and the start command."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bot_env(tmp_path: Path, token: str, api_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a bot that talks to ``api_url`` and keeps its data under ``tmp_path``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STUDYBOT_", "TELEGRAM_")) and key != "DATABASE_URL"
    }
    env |= {
        "TELEGRAM_BOT_TOKEN": token,
        "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
        "STUDYBOT_CORPUS_DIR": str(ROOT / "corpus"),
    }
    if api_url is not None:
        env["TELEGRAM_API_URL"] = api_url
    return env | extra


async def start_bot(
    tmp_path: Path, env: dict[str, str], *args: str, merge_stderr: bool = True
) -> asyncio.subprocess.Process:
    """``python -m bot.cli run ARGS`` in ``tmp_path``, its output piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        *args,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT if merge_stderr else asyncio.subprocess.PIPE,
    )
