"""Near-duplicate items: one fact asked twice because two files or two sections state it.

Two items ask the same fact when they share the key and are about the same subject: their
headings share a word and so do their lines ("[AWS Lambda In-depth] Lambda Package - 50MB
zipped" and "[Lambda Limits per Region] Lambda function Deployment size: 50 MB"), or their
lines are the same once normalised. The same key under unrelated headings ("5 minutes" for an
API cache and for a DynamoDB cache) is two facts, and both stay.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from index.quiz.kinds import Candidate
from index.quiz.text import normalise, stem, word_list

# Kinds whose key is one of a few fixed choices ("A or B", "which is NOT"): a shared key is
# the design, not a repeated fact.
CHOICE_KINDS = frozenset({"compare", "not_in_list", "define"})
_SMALL = frozenset(
    word_list(
        "a an the of for and or to in on with by at as is are be it its from this that these "
        "can has have per not no de del la el los las para con en y o por un una unos unas se "
        "es son su sus al lo que como sin más mas"
    )
)


def _words(text: str, skip: frozenset[str]) -> frozenset[str]:
    return frozenset(
        stem(word)
        for word in normalise(text).split()
        if word not in _SMALL and word not in skip and (len(word) >= 3 or not word.isalpha())
    )


def _key(candidate: Candidate) -> str:
    return normalise(candidate.item.correct_option).replace(" ", "")


def same_fact(first: Candidate, second: Candidate) -> bool:
    """True when the two candidates ask one fact (see the module docstring)."""
    if first.item.kind in CHOICE_KINDS or second.item.kind in CHOICE_KINDS:
        return False
    if _key(first) != _key(second):
        return False
    if normalise(first.line.text) == normalise(second.line.text):
        return True
    answer = frozenset(normalise(first.item.correct_option).split())
    heading_a = _words(first.item.path[-1] if first.item.path else "", answer)
    heading_b = _words(second.item.path[-1] if second.item.path else "", answer)
    lines_a = _words(first.line.text, answer)
    lines_b = _words(second.line.text, answer)
    return bool(heading_a & heading_b) and bool(lines_a & lines_b)


def drop_duplicates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates less the near-duplicates of a better one (higher score, then id)."""
    ranked = sorted(candidates, key=lambda c: (-c.score, c.item.id))
    kept: list[Candidate] = []
    by_key: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in ranked:
        rivals: Sequence[Candidate] = by_key[_key(candidate)]
        if any(same_fact(candidate, other) for other in rivals):
            continue
        by_key[_key(candidate)].append(candidate)
        kept.append(candidate)
    return kept
