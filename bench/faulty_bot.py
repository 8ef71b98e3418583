"""``studybot run`` with an injected storage fault, for the crash bench: while the file named by
``STUDYBOT_BENCH_DISK_FULL`` exists, every write to SQLite fails as a full disk does
(``sqlite3.OperationalError: database or disk is full``), through sessions and the claim
connection alike. Bench-only: production code has no such hook."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

FLAG = Path(os.environ.get("STUDYBOT_BENCH_DISK_FULL", "/nonexistent"))
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _full() -> None:
    if FLAG.exists():
        raise sqlite3.OperationalError("database or disk is full")


@event.listens_for(Engine, "before_cursor_execute")
def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    if statement.lstrip().upper().startswith(WRITES):
        _full()


def _install() -> None:
    from bot.db import claim_writers

    original = claim_writers.SqliteClaimWriter._write

    def write(self: Any, batch: Any, now: Any) -> Any:
        _full()
        return original(self, batch, now)

    claim_writers.SqliteClaimWriter._write = write  # type: ignore[method-assign]


if __name__ == "__main__":
    _install()
    from bot.cli import main

    sys.exit(main(sys.argv[1:]))
