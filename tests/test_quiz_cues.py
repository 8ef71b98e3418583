"""Cues beside the blank that give the key away: a grammar note naming its form ("(plural:
loci)"), a numbered reference ("(17.4)", "art. 12.1"), or the key's irregular plural or
singular written in the stem. Each test fails when its rule is switched off."""

from __future__ import annotations

import dataclasses

import pytest

from index.quiz import QuizItem
from index.quiz.giveaway import cue_beside_blank, number_form_leak
from index.quiz.rules import problems

TERM = QuizItem(
    id="0123456789abcdef",
    kind="cloze",
    lang="en",
    question="[Genetics] Complete: The fixed position of a gene on a chromosome is its ___.",
    options=("allele", "locus", "codon", "intron"),
    answer=1,
    explanation="The fixed position of a gene on a chromosome is its locus — genes.md:4",
    source="genes.md",
    path=("Genetics",),
    chunk_id="c1",
    line=4,
)


def _with(question: str) -> list[str]:
    return problems(dataclasses.replace(TERM, question=question))


def test_the_plain_item_passes():
    assert problems(TERM) == []


@pytest.mark.parametrize(
    "question",
    [
        "[Genetics] Complete: The fixed position (plural: loci) of a gene is its ___.",
        "[Genetics] Complete: The ___ (pl. loci) is the fixed position of a gene.",
        "[Genética] Completa: La posición fija de un gen es su ___ (plural: loci).",
    ],
)
def test_a_grammar_note_beside_the_blank_is_a_giveaway(question):
    assert "a grammar note beside the blank gives the answer away" in _with(question)


@pytest.mark.parametrize(
    "question",
    [
        "[Contracts] Complete: A delay beyond the term allows ___ (17.4) of the contract.",
        "[Contratos] Completa: Según el art. 17.4, el retraso permite la ___ del contrato.",
        "[Contracts] Complete: Under § 2.3 a late delivery allows ___ of the contract.",
    ],
)
def test_a_numbered_reference_beside_the_blank_is_a_giveaway(question):
    assert cue_beside_blank(question) == "numbered reference"


def test_a_reference_far_from_the_blank_and_decimals_of_a_figure_stay():
    far = "(see 17.4) A delay beyond the agreed term of delivery, long after, allows ___."
    assert cue_beside_blank(far) is None
    assert cue_beside_blank("Complete: Availability is ___ (99.99) per year", False) is None


def test_the_keys_irregular_plural_in_the_stem_is_a_giveaway():
    question = "[Genetics] Complete: Of the many loci on a chromosome, a gene sits at one ___."
    assert "the question writes the answer in its other number" in _with(question)
    assert number_form_leak("Criteria for a ___ are given", "criterion")
    assert number_form_leak("Los análisis de ___ varían", "analisis") is False
