"""Ranking quality of a search function over relevance cases: MRR@k, hit@1, hit@3, per-case ranks.

A search function takes (query, k) and returns ranked passages: anything with ``source``,
``line_start`` and ``line_end`` (a ``Chunk`` does). A passage is relevant when its source is a
target's file and its line range contains one of the target's acceptable lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class Passage(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def line_start(self) -> int: ...
    @property
    def line_end(self) -> int: ...


class TargetLike(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def lines(self) -> tuple[int, ...]: ...


class CaseLike(Protocol):
    @property
    def query(self) -> str: ...
    @property
    def targets(self) -> tuple[TargetLike, ...]: ...
    @property
    def category(self) -> str: ...


SearchFn = Callable[[str, int], Sequence[Passage]]
# Turns a ranked passage into (source, line numbers of the shipped notes) it covers; the default
# is the passage itself. The synthetic corpus uses it to map variant files back to the notes.
Resolver = Callable[[Passage], Iterable[tuple[str, Iterable[int]]]]


def _identity(passage: Passage) -> list[tuple[str, range]]:
    return [(passage.source, range(passage.line_start, passage.line_end + 1))]


def is_relevant(passage: Passage, case: CaseLike, resolve: Resolver = _identity) -> bool:
    """True when the passage covers an acceptable line of one of the case's targets."""
    for source, covered in resolve(passage):
        covered_lines = covered if isinstance(covered, range) else set(covered)
        for target in case.targets:
            if target.source == source and any(line in covered_lines for line in target.lines):
                return True
    return False


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: CaseLike
    rank: int | None  # 1-based rank of the first relevant passage within k, else None
    returned: tuple[str, ...]  # "source:start-end" of what came back, for failure reports

    @property
    def reciprocal_rank(self) -> float:
        return 1.0 / self.rank if self.rank else 0.0


@dataclass(frozen=True)
class RelevanceReport:
    k: int
    results: tuple[CaseResult, ...]
    by_category: dict[str, tuple[float, float]] = field(default_factory=dict)  # MRR, hit@3

    @property
    def count(self) -> int:
        return len(self.results)

    @property
    def mrr(self) -> float:
        return _mean(r.reciprocal_rank for r in self.results)

    def hit_at(self, n: int) -> float:
        return _mean(1.0 if r.rank is not None and r.rank <= n else 0.0 for r in self.results)

    @property
    def hit_at_1(self) -> float:
        return self.hit_at(1)

    @property
    def hit_at_3(self) -> float:
        return self.hit_at(3)

    def misses(self, worse_than: int = 1) -> list[CaseResult]:
        """Cases whose first relevant passage is missing or ranked below ``worse_than``."""
        return [r for r in self.results if r.rank is None or r.rank > worse_than]

    def describe_misses(self, worse_than: int = 1) -> str:
        lines = []
        for result in self.misses(worse_than):
            case = result.case
            rank = result.rank if result.rank is not None else f">{self.k}"
            wanted = "; ".join(f"{t.source}:{_compact(t.lines)}" for t in case.targets)
            lines.append(f"[{case.category}] rank {rank}: {case.query!r}")
            lines.append(f"    wanted {wanted}")
            lines.append(f"    got    {', '.join(result.returned) or '(nothing)'}")
        return "\n".join(lines)

    def summary(self) -> str:
        return (
            f"{self.count} cases: MRR@{self.k} {self.mrr:.3f}, hit@1 {self.hit_at_1:.3f}, "
            f"hit@3 {self.hit_at_3:.3f}"
        )


def evaluate(
    search_fn: SearchFn,
    cases: Sequence[CaseLike],
    k: int = 5,
    *,
    resolve: Resolver = _identity,
) -> RelevanceReport:
    """Run every case through ``search_fn`` and score the first relevant passage's rank."""
    results = []
    for case in cases:
        passages = list(search_fn(case.query, k))[:k]
        rank = next(
            (i for i, passage in enumerate(passages, 1) if is_relevant(passage, case, resolve)),
            None,
        )
        returned = tuple(f"{p.source}:{p.line_start}-{p.line_end}" for p in passages)
        results.append(CaseResult(case=case, rank=rank, returned=returned))
    by_category: dict[str, tuple[float, float]] = {}
    for category in sorted({r.case.category for r in results}):
        members = [r for r in results if r.case.category == category]
        by_category[category] = (
            _mean(r.reciprocal_rank for r in members),
            _mean(1.0 if r.rank is not None and r.rank <= 3 else 0.0 for r in members),
        )
    return RelevanceReport(k=k, results=tuple(results), by_category=by_category)


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def _compact(lines: Sequence[int]) -> str:
    if not lines:
        return "-"
    ordered = sorted(lines)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{ordered[0]}-{ordered[-1]}"
    return ",".join(str(n) for n in ordered)
