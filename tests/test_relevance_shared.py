"""Ranking quality per shared corpus (tests/relevance_shared.py), each labelled before tuning."""

from __future__ import annotations

import pytest

from tests.relevance_shared import SHARED_CASES


@pytest.mark.parametrize("corpus", sorted(SHARED_CASES))
def test_every_label_names_lines_of_a_note_in_its_corpus(corpus):
    folder, cases = SHARED_CASES[corpus]
    assert len(cases) >= 25
    for case in cases:
        for target in case.targets:
            note = folder / target.source
            assert note.is_file(), f"{case.query!r}: {note} is missing"
            line_count = len(note.read_text(encoding="utf-8").splitlines())
            assert 1 <= min(target.lines) and max(target.lines) <= line_count, case.query
