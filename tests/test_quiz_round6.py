"""Rules from the sixth blind grade, on notes the generator had not seen: a sequence or a
compound time around the blank, a chronology's years, an article's number, a question to
oneself, and the language of a line of bare jargon."""

from __future__ import annotations

import dataclasses

import pytest

from index.chunker import chunk_text
from index.lang import word_ending_lang
from index.quiz import QuizItem
from index.quiz.bank import build_question_bank
from index.quiz.candidates import note_lines, number_facts
from index.quiz.distractors import calendar_kind
from index.quiz.kinds import numeric_candidate
from index.quiz.rules import problems, sequence_gives_it
from index.quiz.text import is_meta_line

NUMERIC = QuizItem(
    id="0123456789abcdef",
    kind="numeric",
    lang="es",
    question="[Prefijos] Completa: 9 non- · 10 dec- · ___ undec- · 12 dodec- · 20 eicos-",
    options=("11", "14", "15", "13"),
    answer=0,
    explanation="9 non- · 10 dec- · 11 undec- — q.md:3",
    source="q.md",
    path=("Química",),
    chunk_id="c1",
    line=3,
)


def test_numbers_stepping_evenly_through_the_blank_give_it_away():
    assert sequence_gives_it(NUMERIC.question, 11)
    assert sequence_gives_it("Complete: 2, 4, 6, ___ and so on", 8)
    assert not sequence_gives_it("Complete: 3 members tolerate 1; ___ members tolerate 2", 5)
    rule = "the numbers around the blank step evenly through the answer"
    assert rule in problems(NUMERIC)
    other = dataclasses.replace(NUMERIC, question="[Alcanos] Completa: el decano tiene ___ C")
    assert rule not in problems(other)


def _bank(text: str, source: str = "n.md") -> list[QuizItem]:
    return build_question_bank(chunk_text(source, text))


def test_a_blank_inside_a_compound_time_is_not_asked():
    text = (
        "# Tierra\n\n## Movimientos\n\n"
        "- El día sidéreo dura 23 h 56 min 4 s respecto a las estrellas lejanas.\n"
        "- La órbita de la Luna alrededor de la Tierra dura unos 27 días sidéreos.\n"
    )
    asked = [item.correct_option for item in _bank(text) if item.kind == "numeric"]
    assert "56 min" not in asked and "4 s" not in asked


def test_a_number_opening_an_entry_of_singular_words_is_a_label_not_a_count():
    text = (
        "# Derecho\n\n## Artículos de la Sección 1ª\n\n"
        "- 15 vida e integridad física y moral; abolida la pena de muerte\n"
        "- 10 reacciones forman la glucólisis completa en el citosol de la célula\n"
    )
    lines = note_lines(chunk_text("n.md", text))
    asked = {}
    for line in lines:
        fact = number_facts(line)[0]
        asked[fact.number] = numeric_candidate(fact, ())
    assert asked["15"] is None
    assert asked["10"] is not None


def test_a_chronologys_year_gets_years():
    assert calendar_kind("1931", "", "Completa: ___ Constitución de la II República") == "year"
    assert calendar_kind("1500", "", "Complete: the pool holds ___ connections") is None


@pytest.mark.parametrize(
    ("line", "meta"),
    [
        ("??? difference between Endpoints and EndpointSlices (max 100 per slice)", True),
        ("EndpointSlices hold at most 100 endpoints per slice by default.", False),
        ("Why does a slice hold 100 endpoints? Because of the API object size.", False),
    ],
)
def test_questions_to_oneself_are_meta(line, meta):
    assert is_meta_line(line) is meta


def test_a_pointer_to_the_course_is_cut_from_the_line():
    from index.quiz.text import clean_line

    assert clean_line("EndpointSlices scale better. Look at lecture 41 again.") == (
        "EndpointSlices scale better."
    )
    assert clean_line("- 100 endpoints per slice (check video 12)") == "100 endpoints per slice"


def test_a_line_of_bare_jargon_takes_the_language_of_its_word_endings():
    assert word_ending_lang("Reliability: 11 nines durability / 99.99% availability") == "en"
    assert word_ending_lang("Escalabilidad, replicación") == "es"
    assert word_ending_lang("S3, EBS, EFS") is None
    text = (
        "# Bases de Datos en AWS\n\nLas bases de datos que hay que saber para el examen.\n\n"
        "## S3\n\n- Reliability: 99.999999999% durability / 99.99% availability, Multi AZ\n"
    )
    chunks = chunk_text("apuntes.txt", text)
    line = next(line for line in note_lines(chunks) if line.text.startswith("Reliability"))
    assert line.lang == "en"


def test_a_run_of_slash_separated_facts_is_not_a_stem():
    text = (
        "# API Gateway\n\n## Caching\n\n"
        "- Caching is configured per stage / Default TTL 5 minutes / can be up to 1 hour\n"
        "- The default cache time to live of a stage is 300 seconds for every method.\n"
    )
    lines = note_lines(chunk_text("n.md", text))
    asked = {}
    for line in lines:
        for fact in number_facts(line):
            asked[fact.number + fact.joiner + fact.unit] = numeric_candidate(fact, ())
    assert asked["5 minutes"] is None
    assert asked["300 seconds"] is not None


@pytest.mark.parametrize(
    ("text", "typo"),
    [
        ("- S3 IA should be used for for data not accessed often, for 30 days at least", True),
        ("- El límite es de de 300 mensajes por segundo sin batching", True),
        ("- S3 IA should be used for data not accessed often, for 30 days at least", False),
    ],
)
def test_a_doubled_word_is_a_slip(text, typo):
    (line,) = note_lines(chunk_text("n.md", "# S3\n\n" + text + "\n"))
    assert (line.problem == "typo") is typo
