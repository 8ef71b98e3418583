"""The bench result table renders aligned text and refuses malformed rows."""

from __future__ import annotations

import pytest

from bench.table import Table, format_cell


def test_columns_are_aligned_and_numbers_right_aligned():
    table = Table("Title", ["engine", "p50 ms"])
    table.add_row("studybot", "0.512")
    table.add_row("fts5 baseline", "12.300")
    lines = table.render().splitlines()
    assert lines[0] == "Title"
    header, rule, first, second = lines[2:6]
    assert header.index("p50 ms") == rule.index("------", len("-------------"))
    assert first.endswith(" 0.512") and second.endswith("12.300")
    assert len(first) == len(second)
    assert first.startswith("studybot ")


def test_notes_follow_the_rows():
    table = Table("T", ["a"], notes=["measured twice"])
    table.add_row(1)
    assert table.render().splitlines()[-1] == "measured twice"


def test_a_row_of_the_wrong_width_is_refused():
    table = Table("T", ["a", "b"])
    with pytest.raises(ValueError):
        table.add_row(1)
    table.rows.append((1, 2, 3))
    with pytest.raises(ValueError):
        table.render()


def test_cells_are_formatted_readably():
    assert format_cell(None) == "-"
    assert format_cell(0.12345) == "0.123"
    assert format_cell(123.456) == "123.5"
    assert format_cell(True) == "yes"
    assert format_cell("48.2×") == "48.2×"
