"""Where quiz material is lost, for the bench: lines each line rule sets aside, candidates per
kind, those under their kind's bar, those each item rule rejects, and the items shipped."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.model import Chunk
from index.quiz.bank import MIN_SCORE, _candidates, build_question_bank
from index.quiz.candidates import note_lines
from index.quiz.rules import problems


@dataclass
class Funnel:
    lines: int = 0
    line_rejections: Counter[str] = field(default_factory=Counter)  # line rule → lines
    candidates: Counter[str] = field(default_factory=Counter)  # kind → candidates
    below_bar: Counter[str] = field(default_factory=Counter)  # kind → under MIN_SCORE
    rule_rejections: Counter[str] = field(default_factory=Counter)  # first rule broken → items
    shipped: Counter[str] = field(default_factory=Counter)  # kind → items in the bank

    @property
    def fact_lines(self) -> int:
        return self.lines - sum(self.line_rejections.values())

    @property
    def duplicates(self) -> int:
        """Passing candidates left out because a better one asks about the same line or the
        same fact (index.quiz.duplicates)."""
        passing = sum(self.candidates.values()) - sum(self.below_bar.values())
        return passing - sum(self.rule_rejections.values()) - sum(self.shipped.values())


def rule_name(problem: str) -> str:
    """A rule's message without the quoted words of one item: "options 'A' and 'B' are …"."""
    return re.sub(r"(?<=\s)'[^']*'|\s*\([^)]*\)", "…", problem).strip()


def funnel(chunks: Sequence[Chunk]) -> Funnel:
    result = Funnel()
    lines = note_lines(chunks)
    result.lines = len(lines)
    result.line_rejections.update(line.problem for line in lines if line.problem is not None)
    candidates, expansions, brands = _candidates(chunks)
    for candidate in candidates:
        kind = candidate.item.kind
        result.candidates[kind] += 1
        if candidate.score < MIN_SCORE[kind]:
            result.below_bar[kind] += 1
            continue
        broken = problems(candidate.item, expansions, brands)
        if broken:
            result.rule_rejections[rule_name(broken[0])] += 1
    result.shipped.update(item.kind for item in build_question_bank(chunks))
    return result
