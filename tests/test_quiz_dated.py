"""Prices and what counts "for the exam" are not facts an examiner accepts: the line rule for
dated or course-specific figures sets them aside, and the notes' plain figures stay."""

from __future__ import annotations

import pytest

from index.quiz.facts import dated_or_course, fact_problem

DATED = "dated or course-specific"


@pytest.mark.parametrize(
    "line",
    [
        "User keys created in the key service cost $1/month each.",
        "Cold storage costs 0,004 USD por GB al mes.",
        "The licence is 30 euros for a year of use.",
        "Remember for the exam: the cell cycle has 4 phases.",
        "Para el parcial: la célula tiene 2 membranas.",
        "This semester the lab covers 12 experiments.",
    ],
)
def test_prices_and_exam_notes_are_set_aside(line):
    assert dated_or_course(line)


@pytest.mark.parametrize(
    "line",
    [
        "The number $1/-3$ is definable in $R$.",
        "El examen será positivo sólo en el 2% de los sanos.",
        "Pricing is per processing unit of 4 vCPU and 16 GB of memory.",
    ],
)
def test_math_medical_tests_and_pricing_models_stay(line):
    assert fact_problem(line, ("Notes",), "notes.md") != DATED
