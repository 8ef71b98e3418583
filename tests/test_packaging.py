"""The wheel carries everything studybot needs at run time: it is built from a copy of the
sources, installed into a fresh venv (no system site-packages) and run from outside the checkout."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.db.migrate import alembic_config
from bot.i18n import LANGUAGES, load_catalog

ROOT = Path(__file__).resolve().parents[1]
# what the build needs; a copy, so a stale build/ folder in the checkout cannot leak into the wheel
SOURCES = ("pyproject.toml", "README.md", "bot", "index", "migrations")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would point Python back at the checkout."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"} and not key.startswith("STUDYBOT")
    }
    env.pop("DATABASE_URL", None)
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return {**env, **extra}


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv with the studybot wheel (and its dependencies) installed; its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    wheels = work / "wheels"
    pip = (sys.executable, "-m", "pip")
    _run(*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels, source, cwd=work)
    (wheel,) = wheels.glob("studybot-*.whl")
    _run(sys.executable, "-m", "venv", "--without-pip", work / "venv", cwd=work)
    python = work / "venv" / "bin" / "python"
    _run(*pip, "--python", python, "install", "--quiet", wheel, cwd=work, env=_clean_env())
    return python.parent


def test_installed_package_runs_from_the_venv_not_the_checkout(venv: Path, tmp_path: Path):
    out = _run(
        venv / "python",
        "-c",
        "import bot, index, migrations; print(bot.__file__, index.__file__, migrations.__file__)",
        cwd=tmp_path,
        env=_clean_env(),
    )
    for module_file in out.split():
        assert Path(module_file).is_relative_to(venv.parent), module_file


def test_db_upgrade_from_the_wheel_builds_the_schema_at_head(venv: Path, tmp_path: Path):
    data = tmp_path / "data"
    done = subprocess.run(
        [str(venv / "studybot"), "db", "upgrade"],
        cwd=tmp_path,
        env=_clean_env(STUDYBOT_DATA_DIR=str(data)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with sqlite3.connect(data / "studybot.db") as conn:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert revision == head
    assert {"users", "chats", "answers", "streaks"} <= tables


def test_translation_catalogs_ship_in_the_wheel(venv: Path, tmp_path: Path):
    for lang in LANGUAGES:
        out = _run(
            venv / "python",
            "-c",
            f"from bot.i18n import load_catalog; print(len(load_catalog({lang!r})))",
            cwd=tmp_path,
            env=_clean_env(),
        )
        assert int(out) == len(load_catalog(lang)) > 0
