"""A day of the month is not asked (trivia, and a weekday can give it away), wrong options for
years are years (the year 3000 gave the answer away in a blind grading), and a student's own
labels ("Pendiente: …", "Condiciones terribles: …") are not terms to ask about."""

from __future__ import annotations

import pytest

from index.quiz.candidates import looks_like_term
from index.quiz.distractors import calendar_kind, numeric_options


@pytest.mark.parametrize(
    ("number", "question", "kind"),
    [
        ("28", "Completa: ___ julio 1821: declara la independencia del Perú", "day"),
        ("4", "Complete: July ___, 1776: the Declaration is adopted", "day"),
        ("23", "Completa: Cepeda: ___ de octubre de 1859", "day"),
        ("1800", "12th Amendment (1804): after the ___ Jefferson–Burr tie", "year"),
        ("1853", "Completa: la Constitución se sanciona en ___", "year"),
        ("2048", "Complete: RSA keys of ___ bits in 2015", None),  # a power of two: a size
        ("1500", "Complete: the pool holds ___ connections", None),  # no year beside it
        ("40", "Complete: ___ julio hay que entregar", None),  # no such day
    ],
)
def test_days_and_years_are_told_from_other_numbers(number, question, kind):
    assert calendar_kind(number, "", question) == kind


def test_a_day_of_the_month_is_not_asked():
    question = "[San Martín] Completa: ___ julio 1821: declara la independencia del Perú"
    assert numeric_options("28", "", "", "count", (), question, "seed") is None
    # the same count elsewhere in a line is a figure to learn
    other = "[Glucólisis] Completa: la glucólisis tiene ___ reacciones en el citosol"
    assert numeric_options("28", "", "", "count", (), other, "seed") is not None


def test_a_year_gets_other_years_not_far_and_not_in_the_future():
    question = "12th Amendment (1804): separate votes (after the ___ Jefferson–Burr tie)"
    options = numeric_options("1800", "", "", "count", (), question, "seed")
    assert options is not None and len(options) == 3
    assert all(1770 <= int(option) <= 1830 and option != "1804" for option in options)


@pytest.mark.parametrize(
    "label",
    [
        "Pendiente",
        "TODO",
        "Ver también",
        "Referencias",
        "Links",
        "Condiciones terribles",
        "Acero barato",
        "Nuevos países líderes",
        "Main features",
    ],
)
def test_a_students_own_labels_are_not_terms(label):
    assert not looks_like_term(label)


@pytest.mark.parametrize("name", ["New Deal", "Segunda Internacional", "Log Group", "Key pair"])
def test_names_with_a_common_adjective_are_still_terms(name):
    assert looks_like_term(name)


def test_a_numbered_or_long_heading_still_names_its_section():
    from index.quiz.kinds import _clean_title

    long = "3. Ciclo de Krebs (= ciclo del ácido cítrico = ciclo de los ácidos tricarboxílicos)"
    assert _clean_title(long) == "Ciclo de Krebs"
    assert _clean_title("IV) Mitosis") == "Mitosis"
    assert (
        _clean_title("Amazon S3 (Simple Storage Service)") == "Amazon S3 (Simple Storage Service)"
    )


def test_a_stem_that_shares_a_long_words_root_with_the_key_gives_it_away():
    from index.quiz.giveaway import shared_stem

    stem = "¿Qué término corresponde a: «partículas grandes; forma un fagosoma»?"
    options = ["Pinocitosis", "Exocitosis", "Endocitosis"]
    assert shared_stem(stem, "Fagocitosis", options) == "fagocitosis"
    assert shared_stem(stem.replace("fagosoma", "vesícula"), "Fagocitosis", options) is None


def test_a_short_line_that_starts_its_own_entry_is_not_joined_to_the_line_above():
    from index.quiz.candidates import _logical_lines

    raw = [
        "      29 julio 1966: Noche de los Bastones Largos (intervención universidades)",
        "      mayo 1969: Cordobazo",
        "      the long line above would otherwise continue here, as wrapped prose does",
    ]
    texts = [text.strip() for _, text, _ in _logical_lines(raw)]
    assert texts[:2] == [raw[0].strip(), "mayo 1969: Cordobazo"]


def test_a_line_of_slash_separated_items_is_not_joined_to_the_next():
    from index.quiz.candidates import _logical_lines

    raw = [
        "Scalable Reads / Automated Backups / Auto Scaling Cluster / Multi master support",
        "stores 6 copies of data to 3 AZs",
    ]
    assert [text for _, text, _ in _logical_lines(raw)] == raw
