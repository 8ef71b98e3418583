"""Near-duplicate items: one fact asked twice because two files or two sections state it.

Two items ask the same fact when they share the key and are about the same subject: their
headings share a word and so do their lines ("[AWS Lambda In-depth] Lambda Package - 50MB
zipped" and "[Lambda Limits per Region] Lambda function Deployment size: 50 MB"), or their
lines are the same once normalised. The same key under unrelated headings ("5 minutes" for an
API cache and for a DynamoDB cache) is two facts, and both stay. Words found in many headings
or lines of the notes ("Refresher", "Overview", "time") say nothing about the subject and are
not counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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


COMMON_SHARE = 0.1  # a word in more than this share of headings (or lines) is not a subject
COMMON_LEAST = 3


def _heading(candidate: Candidate) -> str:
    return candidate.item.path[-1] if candidate.item.path else ""


def common_words(texts: Iterable[str]) -> frozenset[str]:
    """Words found in more than a tenth (and at least three) of the distinct ``texts``."""
    distinct = set(texts)
    counts: Counter[str] = Counter()
    for text in distinct:
        counts.update(_words(text, frozenset()))
    bar = max(COMMON_LEAST, COMMON_SHARE * len(distinct))
    return frozenset(word for word, count in counts.items() if count > bar)


def same_fact(first: Candidate, second: Candidate, common: frozenset[str] = frozenset()) -> bool:
    """True when the two candidates ask one fact (see the module docstring); ``common`` are
    words too widespread in the notes to tie two items to one subject."""
    if first.item.kind in CHOICE_KINDS or second.item.kind in CHOICE_KINDS:
        return False
    if _key(first) != _key(second):
        return False
    if normalise(first.line.text) == normalise(second.line.text):
        return True
    answer = frozenset(normalise(first.item.correct_option).split()) | common
    heading_a = _words(_heading(first), answer)
    heading_b = _words(_heading(second), answer)
    lines_a = _words(first.line.text, answer)
    lines_b = _words(second.line.text, answer)
    return bool(heading_a & heading_b) and bool(lines_a & lines_b)


def drop_duplicates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates less the near-duplicates of a better one (higher score, then id)."""
    ranked = sorted(candidates, key=lambda c: (-c.score, c.item.id))
    common = common_words(_heading(c) for c in ranked) | common_words(c.line.text for c in ranked)
    kept: list[Candidate] = []
    by_key: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in ranked:
        rivals: Sequence[Candidate] = by_key[_key(candidate)]
        if any(same_fact(candidate, other, common) for other in rivals):
            continue
        by_key[_key(candidate)].append(candidate)
        kept.append(candidate)
    return kept
