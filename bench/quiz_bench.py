"""Quiz section of ``make bench``: bank size, questions per KB and files covered per corpus,
where candidates are lost (lines and items each rule rejects), the share of each kind, and the
filters' precision on the labelled set in ``tests/quiz_labelled.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.table import Table
from index.chunker import load_chunks
from index.quiz import QuizItem, build_question_bank
from index.quiz.funnel import Funnel, funnel
from index.quiz.text import normalise

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS = ROOT / "corpus"
SHARED_CORPORA = ROOT.parent / "shared" / "corpora"
LABELLED = ROOT / "tests" / "quiz_labelled.json"
NOTE_SUFFIXES = (".md", ".txt")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("quiz section")
    group.add_argument(
        "--corpora", type=Path, default=SHARED_CORPORA, help="folder of shared note corpora"
    )


@dataclass(frozen=True, slots=True)
class CorpusBank:
    name: str
    note_bytes: int
    files: int
    bank: list[QuizItem]
    funnel: Funnel

    @property
    def per_kb(self) -> float:
        return len(self.bank) / max(self.note_bytes / 1024, 1e-9)

    @property
    def files_covered(self) -> int:
        return len({item.source for item in self.bank})


def corpus_dirs(shared: Path) -> dict[str, Path]:
    """The shipped notes, then every folder of ``shared`` (when it exists), by name."""
    found = {"shipped": SHIPPED_CORPUS}
    if shared.is_dir():
        found.update((path.name, path) for path in sorted(shared.iterdir()) if path.is_dir())
    return found


def bank_for(name: str, folder: Path) -> CorpusBank:
    notes = [p for p in folder.rglob("*") if p.is_file() and p.suffix in NOTE_SUFFIXES]
    logging.getLogger("index").setLevel(logging.ERROR)  # "skipping LICENSE" is noise here
    chunks = load_chunks(folder)
    return CorpusBank(
        name=name,
        note_bytes=sum(p.stat().st_size for p in notes),
        files=len(notes),
        bank=build_question_bank(chunks),
        funnel=funnel(chunks),
    )


def item_key(question: str, answer: str) -> str:
    return normalise(question) + "\x1f" + normalise(answer)


def load_labels(path: Path = LABELLED) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["items"]


@dataclass(frozen=True, slots=True)
class Precision:
    labelled: int
    shipped_grades: Counter[str]
    rejected_grades: Counter[str]

    @property
    def shipped(self) -> int:
        return sum(self.shipped_grades.values())

    def share_good_shipped(self) -> float | None:
        return self.shipped_grades["GOOD"] / self.shipped if self.shipped else None

    def share_bad_shipped(self) -> float | None:
        return self.shipped_grades["BAD"] / self.shipped if self.shipped else None

    def share_bad_rejected(self) -> float | None:
        bad = self.shipped_grades["BAD"] + self.rejected_grades["BAD"]
        return self.rejected_grades["BAD"] / bad if bad else None


def shipped_label(label: Mapping, by_id: Mapping[str, QuizItem], by_text: set[str]) -> bool:
    """Whether the bank still holds the labelled item: same id, else same stem and answer."""
    if label["id"] in by_id:
        return True
    return item_key(label["question"], label["answer"]) in by_text


def precision(labels: Iterable[Mapping], banks: Mapping[str, Sequence[QuizItem]]) -> Precision:
    """How the labelled items fare against the current banks (labels of absent corpora skipped)."""
    shipped: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    indexes = {
        name: (
            {item.id: item for item in bank},
            {item_key(item.question, item.correct_option) for item in bank},
        )
        for name, bank in banks.items()
    }
    count = 0
    for label in labels:
        if label["corpus"] not in indexes:
            continue
        count += 1
        by_id, by_text = indexes[label["corpus"]]
        target = shipped if shipped_label(label, by_id, by_text) else rejected
        target[label["grade"]] += 1
    return Precision(count, shipped, rejected)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def run(args: argparse.Namespace) -> list[Table]:
    banks = [bank_for(name, folder) for name, folder in corpus_dirs(args.corpora).items()]
    sizes = Table(
        "Quiz bank per corpus",
        ["corpus", "KB", "files", "questions", "per KB", "files covered"],
    )
    for corpus in banks:
        sizes.add_row(
            corpus.name,
            round(corpus.note_bytes / 1024),
            corpus.files,
            len(corpus.bank),
            round(corpus.per_kb, 3),
            f"{corpus.files_covered}/{corpus.files}",
        )
    sizes.notes.append("Target: at least one good question per 2 KB (0.5 per KB).")
    tables = [sizes, *funnel_tables(banks)]
    labels = load_labels()
    by_corpus = {corpus.name: corpus.bank for corpus in banks}
    quality = Table(
        "Quiz filters on the labelled set",
        ["corpus", "labelled", "shipped", "GOOD of shipped", "BAD of shipped", "BAD rejected"],
    )
    names = sorted({label["corpus"] for label in labels} & set(by_corpus))
    for name in [*names, "all"]:
        subset = [label for label in labels if name == "all" or label["corpus"] == name]
        result = precision(subset, by_corpus)
        quality.add_row(
            name,
            result.labelled,
            result.shipped,
            _pct(result.share_good_shipped()),
            _pct(result.share_bad_shipped()),
            _pct(result.share_bad_rejected()),
        )
    for lang in ("en", "es"):
        subset = [label for label in labels if label.get("lang") == lang]
        result = precision(subset, by_corpus)
        quality.add_row(
            f"all, {lang}",
            result.labelled,
            result.shipped,
            _pct(result.share_good_shipped()),
            _pct(result.share_bad_shipped()),
            _pct(result.share_bad_rejected()),
        )
    quality.notes.append(
        "Shipped = the bank still holds the item (same id, else same stem and answer)."
    )
    return [*tables, quality]


def funnel_tables(banks: Sequence[CorpusBank]) -> list[Table]:
    """Where each corpus loses its material: the funnel, then the line and item rules by count,
    then the kinds of the items shipped."""
    stages = Table(
        "Quiz funnel per corpus",
        [
            "corpus",
            "lines",
            "fact lines",
            "candidates",
            "below bar",
            "rule-rejected",
            "same line",
            "shipped",
        ],
    )
    for corpus in banks:
        f = corpus.funnel
        stages.add_row(
            corpus.name,
            f.lines,
            f.fact_lines,
            sum(f.candidates.values()),
            sum(f.below_bar.values()),
            sum(f.rule_rejections.values()),
            f.duplicates,
            sum(f.shipped.values()),
        )
    stages.notes.append(
        "Fact lines: lines no line rule sets aside. Same line: passing candidates that lost to a "
        "better one about the same line or the same fact."
    )
    names = [corpus.name for corpus in banks]
    lines_table = _histogram(
        "Note lines set aside, by line rule", names, [c.funnel.line_rejections for c in banks]
    )
    rules_table = _histogram(
        "Candidates rejected, by the first item rule broken",
        names,
        [c.funnel.rule_rejections for c in banks],
    )
    kinds = sorted({kind for c in banks for kind in c.funnel.candidates})
    shares = Table("Share of shipped items per kind", ["corpus", *kinds])
    candidates = Table("Candidates per kind (shipped/generated)", ["corpus", *kinds])
    for corpus in banks:
        f = corpus.funnel
        total = sum(f.shipped.values())
        shares.add_row(
            corpus.name, *(_pct(f.shipped[kind] / total if total else None) for kind in kinds)
        )
        candidates.add_row(
            corpus.name, *(f"{f.shipped[kind]}/{f.candidates[kind]}" for kind in kinds)
        )
    return [stages, lines_table, rules_table, candidates, shares]


def _histogram(title: str, names: Sequence[str], counts: Sequence[Counter[str]]) -> Table:
    table = Table(title, ["rule", *names])
    total: Counter[str] = Counter()
    for count in counts:
        total.update(count)
    for rule, _ in total.most_common():
        table.add_row(rule, *(count[rule] for count in counts))
    return table
