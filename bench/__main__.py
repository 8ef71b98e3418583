"""``python -m bench``: run the registered bench sections and print their tables.

A section is a module with ``run(args) -> list[Table]`` and, optionally,
``add_arguments(parser)`` for its own options. To add one, append it to ``SECTIONS``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Sequence
from types import ModuleType

# (name for --only, module); run in this order.
SECTIONS: list[tuple[str, str]] = [
    ("search", "bench.search_bench"),
    ("bot", "bench.bot_bench"),
    ("daily", "bench.daily_bench"),
    ("quiz", "bench.quiz_bench"),
    ("notebooks", "bench.notebooks_bench"),
    ("bigfile", "bench.bigfile_bench"),
    ("crash", "bench.crash_bench"),
    ("scale", "bench.scale_bench"),
]


def load_sections() -> dict[str, ModuleType]:
    return {name: importlib.import_module(module) for name, module in SECTIONS}


def build_parser(sections: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        action="append",
        choices=list(sections),
        metavar="SECTION",
        help=f"run only this section (repeatable): {', '.join(sections)}",
    )
    parser.add_argument("--quick", action="store_true", help="smaller workloads, for a quick look")
    for module in sections.values():
        add_arguments = getattr(module, "add_arguments", None)
        if add_arguments is not None:
            add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    sections = load_sections()
    args = build_parser(sections).parse_args(argv)
    chosen = args.only or list(sections)
    print(
        f"Studybot bench: Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs{', quick' if args.quick else ''}"
    )
    print()
    for name in chosen:
        started = time.perf_counter()
        tables = sections[name].run(args)
        for table in tables:
            print(table.render())
            print()
        print(f"[{name}: {time.perf_counter() - started:.1f} s]")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
