"""A day's quiz mixes kinds: a bank that is mostly figures still asks terms and acronyms among
the first questions, both in ``studybot quiz`` and in the bot's order of new items."""

from __future__ import annotations

import dataclasses
from collections import Counter

import index.quiz.bank as bank_module
from bot.core.question_bank import QuizBank
from index.quiz import QuizItem
from index.quiz.mix import mix_quiz_items


def _item(number: int, kind: str) -> QuizItem:
    return QuizItem(
        id=f"{kind[:4]}{number:012d}",
        kind=kind,
        lang="en",
        question=f"Question {number}?",
        options=(f"key {number}", "b", "c", "d"),
        answer=0,
        explanation=f"line {number} — notes.md:{number}",
        source=f"file{number % 3}.md",
        path=("Topic",),
        chunk_id="c",
        line=number,
    )


BANK = [_item(n, "numeric") for n in range(40)] + [
    _item(100 + n, kind) for n, kind in enumerate(["acronym"] * 6 + ["match"] * 3 + ["compare"])
]


def test_the_first_questions_mix_kinds_by_share():
    first = Counter(item.kind for item in mix_quiz_items(BANK, 20))
    assert 8 <= first["numeric"] <= 12, first
    assert first["acronym"] >= 3 and first["match"] >= 2, first
    assert first["compare"] <= 1, first  # a two-option item at a third of its share


def test_every_item_comes_once_and_kinds_keep_their_order():
    mixed = mix_quiz_items(BANK)
    assert sorted(item.id for item in mixed) == sorted(item.id for item in BANK)
    numeric = [item.line for item in mixed if item.kind == "numeric"]
    assert numeric == sorted(numeric)


def test_the_bots_new_item_order_mixes_kinds_and_is_stable():
    bank = QuizBank(BANK)
    order = bank.new_item_order(bank.item_ids, 42)
    assert order == bank.new_item_order(bank.item_ids, 42)
    assert sorted(order) == sorted(bank.item_ids)
    first = Counter(item.kind for i in order[:10] if (item := bank.get(i)) is not None)
    assert first["numeric"] <= 7, first  # of 40 numeric items in 50, ten in a row unmixed


def test_a_quiz_takes_one_item_per_section_before_a_second(monkeypatch):
    tables = [
        dataclasses.replace(_item(200 + n, "match"), path=("Volume types",), source="a.md")
        for n in range(3)
    ]
    others = [
        dataclasses.replace(_item(300 + n, "numeric"), path=(f"Topic {n}",)) for n in range(6)
    ]
    monkeypatch.setattr(bank_module, "build_question_bank", lambda chunks: tables + others)
    quiz = bank_module.generate_quiz([], count=6, seed=11)
    assert len(quiz) == 6
    assert sum(item.path == ("Volume types",) for item in quiz) == 1
    assert len(bank_module.generate_quiz([], count=9, seed=11)) == 9


def test_two_option_items_come_at_a_third_of_their_share():
    bank = [_item(n, "match") for n in range(20)] + [_item(100 + n, "compare") for n in range(20)]
    first = Counter(item.kind for item in mix_quiz_items(bank, 20))
    assert 3 <= first["compare"] <= 7 and first["match"] >= 13, first
    assert len(mix_quiz_items(bank)) == 40  # none dropped, only later
