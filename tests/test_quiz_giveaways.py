"""The giveaway filter: a shared stem or spelt-out initials, an option odd in form, a lone power
of two, a stem that lists what it counts. Each rule alone, and as ``problems`` reports it."""

from __future__ import annotations

import dataclasses

import pytest

from index.quiz import QuizItem
from index.quiz.distractors import numeric_options
from index.quiz.giveaway import (
    enumerates_count,
    initials_leak,
    is_power_of_two,
    number_word_leak,
    odd_form,
    shared_stem,
    word_parts,
)
from index.quiz.rules import problems

BASE = QuizItem(
    id="0123456789abcdef",
    kind="match",
    lang="en",
    question="[Purchase options] Which term matches: “Pay per second, no commitment”?",
    options=("Reserved", "On-Demand", "Spot", "Dedicated"),
    answer=1,
    explanation="On-Demand - Pay per second — notes.txt:3",
    source="notes.txt",
    path=("EC2",),
    chunk_id="c1",
    line=3,
)


def item(**changes) -> QuizItem:
    return dataclasses.replace(BASE, **changes)


def test_the_base_item_passes():
    assert problems(BASE) == []


def test_camel_case_answers_are_split_into_their_words():
    assert word_parts("MemRead") == ["mem", "read"]
    assert word_parts("Elastic IPs") == ["elastic", "ips"]
    assert word_parts("FailureTolerance") == ["failure", "tolerance"]
    assert word_parts("SSE-KMS") == ["sse", "kms"]


@pytest.mark.parametrize(
    ("question", "answer", "distractors"),
    [
        ("Enables memory read", "MemRead", ["RegDst", "MemWrite", "RegWrite"]),
        ("Selects destination register", "RegDst", ["MemRead", "MemWrite", "MemtoReg"]),
        ("spread instances en diferentes particiones", "Partition", ["Cluster", "Spread x"]),
        ("minimum number of stacks that if failed", "FailureTolerance", ["RetainStacks"]),
        ("looking a match based on location", "Geolocation", ["Weighted", "Latency-based"]),
        ("es una IP fija para una instancia", "Elastic IPs", ["Spot Instances", "EC2 Connect"]),
        ("capacidad óptima para el número de instancias", "CapacityOptimized", ["LowestPrice"]),
    ],
)
def test_a_shared_stem_gives_the_answer_away(question, answer, distractors):
    assert shared_stem(question, answer, distractors)
    options = (answer, *distractors, "Other Term")[:4]
    flagged = problems(
        item(question=f"[Topic] Which term matches: “{question}”?", options=options, answer=0)
    )
    assert any("stem" in problem or "word" in problem for problem in flagged), flagged


def test_a_stem_the_distractors_share_gives_nothing_away():
    assert shared_stem("Enables memory write", "MemWrite", ["MemRead", "RegWrite"]) is None
    assert shared_stem("Pay per second, no commitment", "On-Demand", ["Spot Instances"]) is None


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("SSD de propósito general para variadas cargas", "GP2"),
        ("AWS Key management Service", "SSE-KMS"),
        ("Server Name Indication in the handshake", "SNI"),
    ],
)
def test_initials_spelt_out_in_any_order_give_an_acronym_away(question, answer):
    assert initials_leak(question, answer)
    options = (answer, "IO1X", "ST1X", "SC1X") if answer == "GP2" else (answer, "ABC", "DEF", "XYZ")
    flagged = problems(
        item(question=f"[Topic] Which term matches: “{question}”?", options=options, answer=0)
    )
    assert "question spells out the answer's initials" in flagged


def test_initials_that_do_not_spell_the_acronym_are_fine():
    assert not initials_leak("Bajo costo para acceso frecuente", "ST1")
    assert not initials_leak("provisioned IOPS for databases", "GP2")


def test_one_option_odd_in_form_is_a_tell():
    assert odd_form(["gp2", "ST1", "SC1", "IO1"]) == "capitalisation"
    assert odd_form(["ELB", "GP2", "ST1", "SC1"]) == "digits"
    assert odd_form(["GP2", "ST1", "SC1", "IO1"]) is None
    flagged = problems(item(options=("gp2", "ST1", "SC1", "IO1"), answer=0))
    assert "one option differs from the others in capitalisation" in flagged


def numeric(question: str, options: tuple[str, ...], answer: int = 0) -> QuizItem:
    return item(kind="numeric", question=question, options=options, answer=answer)


def test_the_lone_power_of_two_is_a_tell():
    assert is_power_of_two(64) and is_power_of_two(16) and not is_power_of_two(2)
    assert not is_power_of_two(60)
    lone = numeric("Complete: Glue DPU has 4 vCPU and ___ RAM", ("16GB", "9GB", "30GB", "24GB"))
    assert "the answer is the lone power of two" in problems(lone)
    company = numeric("Complete: Glue DPU has 4 vCPU and ___ RAM", ("16GB", "8GB", "30GB", "24GB"))
    assert "the answer is the lone power of two" not in problems(company)


def test_distractors_of_a_power_of_two_include_another_one():
    for number, unit in (("16", "GB"), ("64", "MB"), ("128", "")):
        options = numeric_options(number, unit, "", "size", [], "Complete: ___", f"key{number}")
        assert options is not None
        values = [float(option.rstrip("GBM")) for option in options]
        assert any(is_power_of_two(value) for value in values), options


def test_a_stem_that_lists_what_it_counts_gives_the_count_away():
    pillars = "Completa: ___ pilares - Costs, Performance, Reliability, Security, Operations."
    assert enumerates_count(pillars, 5)
    assert not enumerates_count(pillars, 4)
    columns = "Completa: los permisos tienen ___ columnas (propietario, grupo y otros)"
    assert enumerates_count(columns, 3)
    flagged = problems(numeric(pillars, ("5", "7", "4", "8")))
    assert "the question lists what it asks to count" in flagged
    plain = numeric("Complete: Maximum ___ connections per LAG", ("4", "6", "7", "3"))
    assert "the question lists what it asks to count" not in problems(plain)


@pytest.mark.parametrize(
    "text", ["[[note|Link]] text", "![[image.png]]", "<img src=x>", "$$x$$", "**bold**", "`code`"]
)
def test_raw_markup_never_reaches_a_question_or_option(text):
    assert "raw markup in the question or an option" in problems(
        item(question=f"Which term matches: “{text}”?")
    )
    options = (f"{text}"[:12], "On-Demand", "Spot", "Dedicated")
    assert "raw markup in the question or an option" in problems(item(options=options, answer=1))


def test_a_power_of_two_spelt_as_bits_or_a_count_of_one_per_thing_is_given_away():
    derivable = numeric(
        "Complete: out of ___ input values (4 bits), 10 are valid", ("16", "8", "24", "10")
    )
    assert "the question gives the bits the answer is two to the power of" in problems(derivable)
    plain = numeric("Complete: ___ values fit in a nibble", ("16", "8", "24", "10"))
    assert "the question gives the bits the answer is two to the power of" not in problems(plain)
    per_input = numeric(
        "Complete: There are ___ rows in the AND plane (one for each input)", ("3", "6", "5", "7")
    )
    assert "a count of one per something the question does not give" in problems(per_input)


def test_a_short_code_written_small_is_given_away_by_the_words_it_abbreviates():
    assert initials_leak("[Fields] Which term matches: “register destination operand”?", "rd")
    assert initials_leak("Which term matches: “1st register source operand”?", "rs")
    assert not initials_leak("Which term matches: “basic operation of the instruction”?", "op")


def test_a_key_compounded_from_a_word_of_the_stem_is_given_away():
    stem = "[Mitocondria] ¿Qué término corresponde a: «la zona entre las dos membranas»?"
    options = ["Matriz mitocondrial", "Crestas mitocondriales", "Espacio perinuclear"]
    assert shared_stem(stem, "Espacio intermembrana", options) == "intermembrana"
    assert shared_stem(stem.replace("membranas", "capas"), "Espacio intermembrana", options) is None
    # a distractor built on the same word takes the hint away
    rivals = ["Membrana interna", "Crestas mitocondriales", "Espacio perinuclear"]
    assert shared_stem(stem, "Espacio intermembrana", rivals) is None


def test_an_answer_spelling_out_the_questions_figures_is_given_away():
    question = "[Early government] Which term matches: “counted 3/5 of enslaved people”?"
    rivals = ["Great Compromise", "Articles of Confederation", "Bill of Rights"]
    assert number_word_leak(question, "Three-Fifths Compromise", rivals)
    assert not number_word_leak(question.replace("3/5", "most"), "Three-Fifths Compromise", rivals)
    # among other numbered options the number word tells nothing
    numbered = ["First Amendment", "Great Compromise", "Bill of Rights"]
    assert not number_word_leak(question, "Three-Fifths Compromise", numbered)
    leaky = item(question=question, options=("Three-Fifths Compromise", *rivals), answer=0)
    assert "the answer spells out a figure of the question" in problems(leaky)


@pytest.mark.parametrize("key", ["64", "16", "256"])
def test_a_size_that_is_a_power_of_two_gets_powers_of_two(key):
    question = "[HDFS] Complete: a block is a segment of data on HDFS (___)"
    options = numeric_options(key, "MB", "", "size", (), question, "seed")
    assert options is not None and len(options) == 3
    values = [int(option.removesuffix("MB")) for option in options]
    assert all(is_power_of_two(value) for value in values), options
    assert len({*values, int(key)}) == 4


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("[DNS] Complete: ___ root servers (a.root-servers.net … m.root-servers.net)", True),
        ("[Grades] Complete: ___ grades, from A to E", True),
        ("[Levels] Complete: ___ levels (1 - 7) in the OSI model", True),
        ("[DNS] Complete: ___ root server identities, hundreds of instances", False),
        ("[Levels] Complete: ___ layers, with TCP at layer 4 and HTTP at 7", False),
    ],
)
def test_a_range_in_the_stem_that_spans_the_count_gives_it_away(question, counted):
    answer = {"DNS": "13", "Grades": "5", "Levels": "7"}[question[1:].split("]")[0]]
    numeric = item(
        kind="numeric",
        question=question,
        options=(answer, "9", "20", "25"),
        answer=0,
    )
    assert ("a range in the question counts the answer" in problems(numeric)) is counted
