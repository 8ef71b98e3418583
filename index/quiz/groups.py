"""Sibling groups read from the notes' structure: runs of definitions and the items of a list.

Items of one group are one kind (GP2 / IO1 / ST1 / SC1), so they are the only fair distractors
for each other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from index.quiz.candidates import Definition, NoteLine, looks_like_term, tidy_term
from index.quiz.text import normalise

MAX_GAP = 2  # lines between two definitions of one run (a blank line is allowed)
MIN_GROUP = 4  # the answer and three distractors


@dataclass(frozen=True, slots=True)
class Group:
    """Terms of one kind, in note order, with the line that heads them ("" when none)."""

    terms: tuple[str, ...]
    head: str
    lines: tuple[NoteLine, ...]
    head_line: NoteLine | None = None  # the "…:" line above a list

    def term_keys(self) -> frozenset[str]:
        return frozenset(normalise(term) for term in self.terms)


def _distinct(terms: Sequence[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for term in terms:
        key = normalise(term)
        if key and key not in seen:
            seen.add(key)
            out.append(term)
    return tuple(out)


def definition_runs(defs: Sequence[Definition]) -> list[Group]:
    """Definitions next to each other in one chunk: a definition list, a glossary, a table."""
    ordered = sorted(defs, key=lambda d: (d.line.chunk_index, d.line.line_no))
    runs: list[list[Definition]] = []
    for definition in ordered:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last.line.chunk_index == definition.line.chunk_index
            and 0 < definition.line.line_no - last.line.line_no <= MAX_GAP
            # "Telofase: …" then "  - Animal: …" under "Citocinesis": a sub-item is not a phase
            and definition.line.parent == last.line.parent
        ):
            runs[-1].append(definition)
        else:
            runs.append([definition])
    groups = []
    for run in runs:
        terms = _distinct([d.term for d in run])
        if len(terms) >= MIN_GROUP:
            groups.append(Group(terms, "", tuple(d.line for d in run)))
    return groups


_HEAD = re.compile(r"^(?P<head>[^:]{3,60}):\s*$")


def _item_term(line: NoteLine) -> str | None:
    text = line.text
    for separator in (" - ", ": ", " – ", " — "):
        if separator in text:
            text = text.split(separator, 1)[0]
            break
    term = tidy_term(text)
    return term if looks_like_term(term) else None


def list_groups(lines: Sequence[NoteLine]) -> list[Group]:
    """The items of a list headed by a "…:" line, when every item starts with a term."""
    groups = []
    index = 0
    while index < len(lines):
        head = _HEAD.match(lines[index].text)
        if head is None:
            index += 1
            continue
        items: list[NoteLine] = []
        cursor = index + 1
        last_line_no = lines[index].line_no
        while cursor < len(lines):
            line = lines[cursor]
            if line.chunk_index != lines[index].chunk_index or not line.bullet:
                break
            if line.line_no - last_line_no > MAX_GAP:
                break
            last_line_no = line.line_no
            cursor += 1
            if items and line.parent != items[0].parent:
                continue  # "  - Animal: …" under "Citocinesis": a sub-item, not an item
            items.append(line)
        terms = [_item_term(line) for line in items]
        if items and all(terms) and len(_distinct([t for t in terms if t])) >= MIN_GROUP - 1:
            groups.append(
                Group(
                    _distinct([t for t in terms if t]),
                    head.group("head").strip(),
                    tuple(items),
                    lines[index],
                )
            )
        index = max(cursor, index + 1)
    return groups


def groups_by_term(groups: Sequence[Group]) -> dict[str, list[Group]]:
    found: dict[str, list[Group]] = defaultdict(list)
    for group in groups:
        for key in group.term_keys():
            found[key].append(group)
    return found
