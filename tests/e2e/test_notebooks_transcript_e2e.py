"""The transcript of a private and a group session with own notes (bench/notebooks_transcript.py)
says, in order, what a student and a study group see: the upload's progress edits, /notes, a
search and /quiz over their notes, a removal; a member's file ignored, an admin's accepted."""

from __future__ import annotations

from pathlib import Path

from bench.notebooks_transcript import Line, record


def _index(lines: list[Line], who: str, part: str, start: int = 0) -> int:
    for number, line in enumerate(lines[start:], start=start):
        if line.who.endswith(who) and part in line.text:
            return number
    raise AssertionError(f"no {who} line with {part!r} after line {start}")


async def test_the_transcript_shows_both_sessions_message_by_message(tmp_path: Path):
    private, group = await record(tmp_path)
    lines = private.lines()
    step = _index(lines, "Alice", "sends the file cells.md")
    for part in ("Reading cells.md", "building the index", "searchable now", "✅ 1 file"):
        step = _index(lines, "Studybot", part, step + 1)
    step = _index(lines, "Studybot", "cells.md:", _index(lines, "Alice", "/notes", step))
    step = _index(lines, "Studybot", "oxidative phosphorylation", step)
    step = _index(lines, "Studybot", "[quiz]", _index(lines, "Alice", "/quiz", step))
    step = _index(lines, "Studybot", "Removed cells.md", _index(lines, "Alice", "presses", step))
    last = lines[_index(lines, "Alice", "mitochondria ATP", step) + 1 :]
    assert last and "oxidative phosphorylation" not in last[0].text  # the demo notes again
    rendered = private.render("private")
    assert rendered.count("👤 Alice") >= 7 and "🤖 Studybot" in rendered

    lines = group.lines()
    carol = _index(lines, "Carol", "sends the file rome.md")
    alice = _index(lines, "Alice", "(an administrator)")
    assert all(not line.who.endswith("Studybot") for line in lines[carol:alice])  # ignored
    step = _index(lines, "Studybot", "✅ 1 file", _index(lines, "Alice", "sends the file cells.md"))
    step = _index(lines, "Studybot", "oxidative phosphorylation", _index(lines, "Bob", "ATP", step))
    step = _index(lines, "Studybot", "[quiz]", _index(lines, "Bob", "/quiz", step))
    step = _index(lines, "Studybot", "cells.md:", _index(lines, "Carol", "/notes", step))
    assert "rome.md" not in lines[step].text
