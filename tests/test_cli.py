"""The ``studybot`` command line itself: help text, argument checks, quiet migrations, and one
clear line (exit 2) for a bad setting."""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main, shorten


def studybot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STUDYBOT_", "TELEGRAM_")) and key != "DATABASE_URL"
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**clean, "STUDYBOT_DATA_DIR": str(cwd / "data"), **env},
        cwd=cwd,  # no project .env is picked up
        timeout=120,
    )


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_command_and_option_has_help_text():
    parser = build_parser()
    subparsers = _subparsers(parser)
    assert set(subparsers) == {"index", "search", "quiz", "chat", "run", "db", "notes", "start"}
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    helped = {choice.dest for choice in commands._choices_actions if choice.help}
    assert helped == set(subparsers)
    for name, subparser in subparsers.items():
        for action in subparser._actions:
            assert action.help and action.help.strip(), f"{name} {action.dest} has no help"


def test_top_level_help_is_plain_text(tmp_path):
    done = studybot(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert "``" not in done.stdout
    for command in ("index", "search", "quiz", "chat", "run", "db", "start"):
        assert f"    {command} " in done.stdout
    assert "TELEGRAM_BOT_TOKEN" in done.stdout


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["quiz", "--count", "0"], "--count"),
        (["quiz", "--count", "-3"], "--count"),
        (["quiz", "--count", "many"], "--count"),
        (["search", "--limit", "0", "aurora"], "--limit"),
        (["search", "--limit", "-1", "aurora"], "--limit"),
        (["run", "--port", "0"], "--port"),
        (["run", "--port", "70000"], "--port"),
    ],
)
def test_counts_limits_and_ports_are_checked_before_anything_runs(argv, option, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    error = captured.err.strip().splitlines()[-1]
    assert error.startswith(f"studybot {argv[0]}: error: argument {option}")
    assert argv[argv.index(option) + 1] in error


def test_shorten_keeps_short_text_and_cuts_long_text_with_an_ellipsis():
    assert shorten("presigned url") == "presigned url"
    assert shorten("a\nb\t c") == "a b c"
    cut = shorten("x" * 20_000)
    assert len(cut) == 80 and cut.endswith("…")
    assert shorten("word " * 100, 20) == "word word word word…"


def test_db_upgrade_is_quiet_and_builds_the_schema(tmp_path):
    done = studybot(tmp_path, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")
    with sqlite3.connect(tmp_path / "data" / "studybot.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()


def test_db_upgrade_verbose_shows_each_migration(tmp_path):
    done = studybot(tmp_path, "db", "upgrade", "-v")
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stderr.splitlines() if "Running upgrade" in line]
    assert len(steps) >= 3
    assert "setup plugin" not in done.stderr


def test_db_upgrade_to_an_unknown_revision_is_one_line(tmp_path):
    done = studybot(tmp_path, "db", "upgrade", "nosuchrevision")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "studybot db upgrade: Can't locate revision identified by 'nosuchrevision'"
    ]


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("STUDYBOT_TIMEZONE", "Mars/Olympus_Mons", "unknown time zone"),
        ("DATABASE_URL", "not a url", "not a database URL"),
        ("DATABASE_URL", "sqlite:///sync-driver.db", "async driver"),
        ("DATABASE_URL", "postgresql+nodriver://admin:hunter2@db/studybot", "unknown database"),
        ("STUDYBOT_ADMIN_IDS", "12, me", "numeric Telegram user ids"),
        ("STUDYBOT_LOG_LEVEL", "LOUD", "unknown level"),
        ("TELEGRAM_API_URL", "api.telegram.org", "http:// or https://"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2(tmp_path, variable, value, says):
    done = studybot(tmp_path, "run", **{variable: value, "TELEGRAM_BOT_TOKEN": "1:x"})
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"studybot: invalid setting {variable}: ")
    assert says in lines[0]
    assert "hunter2" not in done.stderr


def test_notes_add_list_remove_seed_a_chats_notes_from_a_folder(tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "demo.md").write_text("# Demo\n\nShipped words.\n", encoding="utf-8")
    vault = tmp_path / "vault"
    (vault / "history").mkdir(parents=True)
    (vault / "history" / "rome.md").write_text(
        "# Rome\n\nRoman aqueducts carried water into the city by gravity alone.\n",
        encoding="utf-8",
    )
    env = {"STUDYBOT_CORPUS_DIR": str(demo)}
    added = studybot(tmp_path, "notes", "add", "--chat", "-100123", str(vault), **env)
    assert added.returncode == 0, added.stderr
    assert "1 file, 1 passage" in added.stdout
    listed = studybot(tmp_path, "notes", "list", "--chat", "-100123", **env)
    assert listed.stdout.startswith("history/rome.md\t"), listed.stderr
    assert studybot(tmp_path, "notes", "list", "--chat", "42", **env).stdout == ""
    bad = studybot(tmp_path, "notes", "add", "--chat", "-100123", str(tmp_path / "no"), **env)
    assert bad.returncode == 1 and "not a file or a folder" in bad.stderr
    removed = studybot(tmp_path, "notes", "remove", "--chat", "-100123", "history/rome.md", **env)
    assert removed.returncode == 0 and "0 files left" in removed.stdout, removed.stderr
    assert studybot(tmp_path, "notes", "list", "--chat", "-100123", **env).stdout == ""


def test_quiz_flagged_lists_what_students_flagged(tmp_path):
    import asyncio
    from datetime import UTC, datetime

    from bot.db import Database
    from bot.db.flags import flag_item

    url = f"sqlite+aiosqlite:///{tmp_path / 'flags.db'}"

    async def seed() -> None:
        db = Database(url)
        await db.start()
        async with db.session() as s:
            at = datetime(2026, 12, 2, tzinfo=UTC)
            for user in (1, 2):
                await flag_item(
                    s,
                    scope="demo",
                    item_id="abc123",
                    chat_id=user,
                    user_id=user,
                    question="Which term matches: the <b>bad</b> one?",
                    at=at,
                )
            await flag_item(
                s,
                scope="chat-5",
                item_id="def456",
                chat_id=-5,
                user_id=3,
                question="Once flagged?",
                at=at,
            )
        await db.close()

    empty = studybot(tmp_path, "quiz", "--flagged", DATABASE_URL=url)
    assert empty.returncode == 0, empty.stderr
    assert "No question has been flagged." in empty.stdout
    asyncio.run(seed())
    done = studybot(tmp_path, "quiz", "--flagged", DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("abc123  [demo] 2 students, retired everywhere")
    assert "the <b>bad</b> one?" in lines[1]
    assert lines[2].startswith("def456  [chat-5] 1 student, retired in the chats that flagged it")
    as_json = studybot(tmp_path, "quiz", "--flagged", "--json", DATABASE_URL=url)
    assert '"retired_everywhere": true' in as_json.stdout.splitlines()[0]
