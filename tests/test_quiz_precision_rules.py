"""Precision rules from the fresh grading of issue 9 (seed 97 on the shipped notes): a value one
chooses or observed once, the lone precise figure, a code's letters in the stem, category
headings as subjects, a labelled line naming its own subject, and an outsider of another kind.
Each test fails when its rule is switched off."""

from __future__ import annotations

import dataclasses

import pytest

from index.model import Chunk
from index.quiz import QuizItem
from index.quiz.candidates import NoteLine
from index.quiz.facts import fact_problem, mixed_clauses
from index.quiz.giveaway import code_letters_leak, lone_precise_number, significant_digits
from index.quiz.kinds import subject_prefix
from index.quiz.rules import problems
from index.quiz.structured import foreign_outsider

NUMERIC = QuizItem(
    id="0123456789abcdef",
    kind="numeric",
    lang="en",
    question="[Kinesis Streams] Complete: Data retention is 1 day by default, can go up to ___.",
    options=("30 days", "7 days", "14 days", "2 days"),
    answer=1,
    explanation="Data retention is 1 day by default, can go up to 7 days. — notes.txt:3",
    source="notes.txt",
    path=("Kinesis Streams",),
    chunk_id="c1",
    line=3,
)
MATCH = dataclasses.replace(
    NUMERIC,
    kind="match",
    question="[EBS volume types] Which term matches: “Provisioned IOPS (expensive)”?",
    options=("GP2", "SC1", "IO1", "ST1"),
    answer=2,
)


def test_the_base_items_pass():
    assert problems(NUMERIC) == [] and problems(dataclasses.replace(MATCH, answer=0)) == []


@pytest.mark.parametrize(
    "before",
    [
        "El default cooldown es de 300 segundos, se puede bajar a ___.",
        "The timeout can be set to ___.",
        "Creating a replica has no downtime - takes ___",
        "La migración tarda ___",
    ],
)
def test_a_value_one_chooses_or_observed_once_is_not_a_fact(before):
    found = problems(dataclasses.replace(NUMERIC, question=f"[X] Complete: {before}"))
    assert "the blank is a value one chooses or observed once, not a fact" in found


def test_a_count_a_step_takes_is_a_fact():
    item = dataclasses.replace(
        NUMERIC,
        question="[Pipeline] Complete: Each instruction takes ___ clock cycles to complete",
        options=("6", "5", "8", "4"),
    )
    assert problems(item) == []


def test_a_limit_up_to_a_value_is_a_fact():
    assert problems(NUMERIC) == []  # "can go up to ___" is the limit itself


def test_the_lone_precise_figure_among_round_ones_gives_itself_away():
    assert significant_digits(5120) == 3 and significant_digits(2500) == 2
    assert significant_digits(5.334) == 4 and significant_digits(10000) == 1
    assert lone_precise_number([5120, 10000, 2500, 7500], 0)
    assert not lone_precise_number([64, 32, 40, 120], 0)
    assert not lone_precise_number([99.999999, 99.9999999, 99.99999], 1)
    item = dataclasses.replace(
        NUMERIC,
        question="[Route 53 Health Checks] Complete: the first ___ of the response are checked",
        options=("5120 bytes", "10000 bytes", "2500 bytes", "7500 bytes"),
        answer=0,
    )
    assert "the answer is the lone precise figure among round ones" in problems(item)


def test_a_codes_letters_opening_a_word_of_the_stem_give_it_away():
    assert code_letters_leak("Provisioned IOPS (expensive)", "IO1", ["GP2", "SC1", "ST1"])
    assert not code_letters_leak("Cold HDD, lowest cost", "SC1", ["GP2", "IO1", "ST1"])
    assert not code_letters_leak("General purpose SSD", "GP2", ["GP3", "IO1", "ST1"])
    assert "the answer's letters open a word of the question" in problems(MATCH)


def _line(text: str, path: tuple[str, ...]) -> NoteLine:
    chunk = Chunk("c1", "notes.txt", 1, 5, path, path[-1], text, "en")
    return NoteLine(chunk=chunk, chunk_index=0, line_no=2, text=text, lang="en")


def test_an_all_capitals_category_heading_is_no_subject():
    line = _line("Switch between modes once per 24 hrs", ("AWS notes", "DATABASES"))
    assert subject_prefix(line, "24 hrs", frozenset({"aws notes"})) is None  # the file's title
    covered = _line("Switch between modes once per 24 hrs", ("DATABASES", "DynamoDB Modes"))
    assert subject_prefix(covered, "24 hrs") == "[DynamoDB Modes] "
    assert subject_prefix(_line("Max 5 keys", ("Notes", "KMS")), "5") == "[KMS] "


def test_a_labelled_line_names_its_own_subject_over_a_heading_that_does_not_cover_it():
    line = _line("Spot Instances: discount up to 90% compared to On-Demand", ("EC2", "On Demand"))
    assert subject_prefix(line, "90%") == ""


def test_an_outsider_of_another_family_of_names_is_never_offered():
    steps = ("Viewer Request", "Origin Request", "Origin Response", "Viewer Response")
    assert foreign_outsider(steps, "Mongo DB")
    assert not foreign_outsider(steps, "Viewer Timeout")
    assert not foreign_outsider(("Lambda", "SQS", "SNS"), "Mongo DB")  # no family to betray


@pytest.mark.parametrize(
    ("text", "mixed"),
    [
        ("High durability (99.9999999%) de los objetos a través de múltiple AZ", True),
        ("Data retention is 1 day by default, can go up to 7 days.", False),
        ("Alta disponibilidad, escalable, caro (sale 3x gp2), se paga por uso.", False),
        ("Menos de 100 ms de latencia (en ALB son 400 ms)", False),
    ],
)
def test_a_line_of_an_english_and_a_spanish_clause_is_mixed(text, mixed):
    assert mixed_clauses(text) is mixed
    assert (fact_problem(text, ("Storage",), "notes.txt") == "mixed language") is mixed


def test_a_blank_opening_the_line_needs_enough_said_of_it():
    cloze = dataclasses.replace(
        MATCH,
        kind="cloze",
        question="[AWS CLI, SDK, IAM Roles] Completa: ___ Hardware appliance se puede comprar.",
        options=("Storage Gateway", "Snowball Edge", "EBS Volumes", "Instance Store"),
        answer=0,
    )
    thin = "the blank is the line's subject and too little is said of it"
    assert thin in problems(cloze)
    told = "Completa: ___ replica los datos de forma asíncrona entre regiones para recuperación."
    assert thin not in problems(dataclasses.replace(cloze, question="[S3] " + told))
