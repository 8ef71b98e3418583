"""Mix the kinds of question in a day's quiz, so a bank that is mostly figures does not ask
nineteen figures in a row.

Items are taken in their given order (already spread over files and sections), one kind at a
time: the next kind is the one furthest below its share, a kind's share growing with the square
root of how many items it holds. Fifty numeric items and eight acronyms give about seven
figures for every three acronyms, not fifty for eight; a kind that runs out leaves the rest to
the others. Two-option items (compare) get a third of their share.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from index.quiz.item import QuizItem

T = TypeVar("T")


# Two options are a coin toss: a strict examiner grades them FAIR at best, so a note full of
# "X vs Y" sections gets a few of them in a quiz, not a third of it.
KIND_WEIGHT = {"compare": 0.35}


def mix_kinds(
    items: Iterable[T],
    kind_of: Callable[[T], str],
    count: int | None = None,
    kind_weight: Mapping[str, float] | None = None,
) -> list[T]:
    """Up to ``count`` (default: all) of ``items``, reordered so kinds alternate by share;
    ``kind_weight`` scales a kind's share (default 1)."""
    kind_weight = kind_weight or {}
    queues: dict[str, deque[tuple[int, T]]] = defaultdict(deque)
    for position, item in enumerate(items):
        queues[kind_of(item)].append((position, item))
    weights = {
        kind: math.sqrt(len(queue)) * kind_weight.get(kind, 1.0) for kind, queue in queues.items()
    }
    total = sum(len(queue) for queue in queues.values())
    limit = total if count is None else min(count, total)
    taken: Counter[str] = Counter()
    out: list[T] = []
    while len(out) < limit:
        kind = min(
            (kind for kind, queue in queues.items() if queue),
            key=lambda k: ((taken[k] + 1) / weights[k], queues[k][0][0]),
        )
        out.append(queues[kind].popleft()[1])
        taken[kind] += 1
    return out


def mix_quiz_items(items: Sequence[QuizItem], count: int | None = None) -> list[QuizItem]:
    return mix_kinds(items, lambda item: item.kind, count, KIND_WEIGHT)
