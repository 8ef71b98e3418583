"""A small result table for ``make bench``: title, column names and rows, rendered aligned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

Cell = str | int | float | None
# Cells that read as numbers ("12", "0.913", "48.2×", "-") are right-aligned.
_NUMERIC = re.compile(r"^(-|[-+]?\d[\d,]*(\.\d+)?\s*(×|x|%|ms|s)?)$")


@dataclass
class Table:
    title: str
    columns: Sequence[str]
    rows: list[Sequence[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # printed under the table

    def add_row(self, *cells: Cell) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"expected {len(self.columns)} cells, got {len(cells)}")
        self.rows.append(cells)

    def render(self) -> str:
        """The table as aligned plain text: text left-aligned, numbers right-aligned."""
        header = [str(c) for c in self.columns]
        body = [[format_cell(cell) for cell in row] for row in self.rows]
        widths = [len(name) for name in header]
        for row in body:
            if len(row) != len(widths):
                raise ValueError(f"row {row!r} has {len(row)} cells, expected {len(widths)}")
            widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
        numeric = [
            bool(body) and all(_NUMERIC.match(row[i]) for row in body) for i in range(len(widths))
        ]

        def line(cells: Sequence[str]) -> str:
            parts = [
                cell.rjust(width) if right else cell.ljust(width)
                for cell, width, right in zip(cells, widths, numeric, strict=True)
            ]
            return "  ".join(parts).rstrip()

        rule = "  ".join("-" * w for w in widths)
        out = [self.title, "=" * max(len(self.title), len(rule)), line(header), rule]
        out.extend(line(row) for row in body)
        out.extend(self.notes)
        return "\n".join(out)


def format_cell(cell: Cell) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float):
        return f"{cell:.3f}" if abs(cell) < 10 else f"{cell:.1f}"
    return str(cell)
