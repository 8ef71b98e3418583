"""The health report served at /healthz: the database reachable, the live index generation, the
open notebooks; unhealthy (ok False) when the database does not answer or no index is live."""

from __future__ import annotations

from pathlib import Path

from bot.core.health import health_report
from bot.db import Database
from bot.settings import Settings
from index.store import ensure_index
from tests.botfakes import ListSearcher, make_chunk, services_for


def _settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, STUDYBOT_DATA_DIR=str(tmp_path / "data"))


async def test_health_reports_database_index_and_notebooks(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "vpc.md").write_text("# VPC\n\nA virtual private cloud is a network.\n")
    ensure_index(notes, settings.index_dir)
    services = services_for(ListSearcher([make_chunk("c1", "Note", "text")]), settings=settings)
    try:
        report = await health_report(services)
    finally:
        await services.db.close()
    assert report["ok"] is True and report["database"] == "ok"
    assert report["index_generation"].startswith("gen-")
    assert report["notebooks_open"] == services.notebooks.open_count()
    assert report["instance"] == services.instance_id and report["stopping"] is False


async def test_health_is_not_ok_without_a_database_or_an_index(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    (tmp_path / "a-folder.db").mkdir()  # a database path that cannot be opened
    broken = Database(f"sqlite+aiosqlite:///{tmp_path / 'a-folder.db'}")
    services = services_for(ListSearcher([]), db=broken, settings=settings)
    report = await health_report(services)
    assert report["ok"] is False
    assert report["database"].startswith("error:")
    assert report["index_generation"] is None
