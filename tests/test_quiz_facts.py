"""Facts only: examples, exercises, lab steps, opinions, code, fragments, typos and mixed lines
never become questions; each rule is checked alone and through the bank."""

from __future__ import annotations

import pytest

from index.model import Chunk
from index.quiz import build_question_bank
from index.quiz.candidates import note_lines
from index.quiz.facts import (
    TypoSpotter,
    code_or_markup,
    dangling_start,
    example_or_hypothetical,
    fact_problem,
    fragment,
    lab_step,
    mixed_language,
    opinion,
    practice_section,
)
from index.quiz.text import clean_line

FILLER = [
    "Queue retention is a setting of every queue in the service.",
    "Visibility timeout hides a message while one consumer works on it.",
]


def chunk(text: str, *, path=("Queues", "Retention"), source="notes.txt", lang="en") -> Chunk:
    lines = text.split("\n")
    return Chunk(
        id=f"c{abs(hash((text, path, source))) % 10**8}",
        source=source,
        line_start=1,
        line_end=len(lines),
        path=path,
        title=path[-1],
        text=text,
        lang=lang,
    )


def questions_for(line: str, **kwargs) -> list[str]:
    """Numeric questions the bank ships for ``line`` among neutral filler lines."""
    bank = build_question_bank([chunk("\n".join([*FILLER, line]), **kwargs)])
    return [item.question for item in bank if item.kind == "numeric"]


CLEAN = "Messages are kept for up to 14 days in a standard queue"


def test_a_clean_fact_is_asked():
    assert questions_for(CLEAN) == [
        "[Retention] Complete: Messages are kept for up to ___ in a standard queue"
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Suppose messages are kept for 14 days in the queue", "example or hypothetical"),
        ("Si los mensajes se guardan 14 días en la cola", "example or hypothetical"),
        ("Por ejemplo los mensajes se guardan 14 días en la cola", "example or hypothetical"),
        ("Retention of messages in the queue (example) is 14 days", "example or hypothetical"),
        ("Create a queue and keep messages for 14 days", "lab step"),
        ("Ante una alarma de CPU, agregá 2 colas más al grupo", "lab step"),
        ("The best queue keeps messages for 14 days, amazing!", "opinion"),
        ("I keep messages in my queue for 14 days", "opinion"),
        ("Queues are 400% faster and keep messages for 14 days", "opinion"),
        ("Messages are kept for `14` days in a [[queue]] note", "code or markup"),
        ("Messages are kept for $14$ days in the queue", "code or markup"),
        ("messages are kept for 14 days in the queue", "fragment"),
        ("Both are kept for 14 days in the queue", "dangling first word"),
        ("Messages are kept for 14 días en la cola", "mixed language"),
        ("Messages are currently kept for 14 days in the queue", "dated or course-specific"),
        ("Hoy en día los mensajes se guardan 14 días en la cola", "dated or course-specific"),
        ("El profe dijo que los mensajes se guardan 14 días", "dated or course-specific"),
        ("In lecture, messages were kept for 14 days in the queue", "dated or course-specific"),
    ],
)
def test_lines_that_are_not_facts_are_never_asked(line, reason):
    assert fact_problem(clean_line(line), ("Queues", "Retention"), "notes.txt") == reason
    assert questions_for(line) == []


def test_notes_to_study_for_an_exam_are_notes_and_an_exam_is_practice():
    assert practice_section(("Examen parcial matemática discreta 2022",), "notes.md")
    assert practice_section(("Quiz 3",), "notes.md")
    assert practice_section(("Cells", "Solutions to problem set 2"), "notes.md")
    assert not practice_section(("General Chemistry - exam 1 review",), "notes.md")
    assert not practice_section(("Biología celular - apuntes parcial 2",), "notes.md")
    assert not practice_section(("Historia constitucional (parcial)",), "notes.md")
    assert not practice_section(("EC2 for solutions architects",), "notes.md")
    assert questions_for(CLEAN, path=("Midterm review", "Retention")) != []


def test_currently_before_a_participle_is_not_a_date():
    line = "The queue lists the currently waiting messages, kept for 14 days"
    assert fact_problem(line, ("Queues", "Retention"), "notes.txt") is None


def test_practice_sections_and_files_are_never_asked():
    assert practice_section(("Queues", "[DEMO] Retention"), "notes.txt")
    assert practice_section(("Grafos",), "vault/1706786259-ejercicio-5-grafos.md")
    assert practice_section(("Worked examples",), "notes.md")
    assert not practice_section(("Queues", "Retention"), "notes.txt")
    assert questions_for(CLEAN, path=("Queues", "Lab: retention")) == []
    assert questions_for(CLEAN, source="ejercicio-3.md") == []


def test_rule_helpers_tell_facts_from_the_rest():
    assert example_or_hypothetical("e.g. a queue that keeps messages")
    assert not example_or_hypothetical("A queue keeps messages for 14 days")
    assert lab_step("Choose source endpoint for source DB")
    assert not lab_step("Queues keep messages for 14 days")
    assert opinion("Flannel: facilidad de uso, muy popular")
    assert not opinion("Calico: centrado en la eficiencia de comunicaciones")
    assert code_or_markup("addi $sp, $sp, -8 # adjust stack pointer")
    assert code_or_markup("| 34 | print integer | `$a0` |")
    assert not code_or_markup("Fanout -> 1 SNS -> many SQS queues")  # arrows are prose
    assert fragment("scarcity of addresses. These addresses are 128 bit which means that there are")
    assert not fragment("These addresses are 128 bit long.")
    assert dangling_start("Ambos integran la red") == "pointing"
    assert dangling_start("Uses Lambda to validate the token") == "verb"
    assert dangling_start("Lambda validates the token") is None
    assert mixed_language("7 days retention by default (se puede incrementar a 35 días)")
    assert not mixed_language("Hasta 15 replicas de lectura (solo 5 para RDS)")


def test_wrapped_paragraph_lines_are_joined_back_into_one_sentence():
    text = "\n".join(
        [
            "The addresses of this protocol are 128 bit long, which means that",
            "there are enough of them for every device.",
        ]
    )
    [line] = [line for line in note_lines([chunk(text)]) if "128" in line.text]
    assert line.text.endswith("for every device.") and line.problem is None


def test_wikilinks_and_emphasis_are_read_as_their_text():
    assert clean_line("Un [[1706786979-grafo-conexo|grafo conexo]] con *rwx*") == (
        "Un grafo conexo con rwx"
    )
    assert clean_line("See [[Logic/Semantic#Model]] and _Write data_") == "See Model and Write data"


def test_typos_are_rare_words_one_slip_from_a_common_one():
    texts = ["the collection of logs", "a collection of metrics", "collection again"] * 2
    spotter = TypoSpotter([*texts, "collectioin from functions logs", "costs and cost"])
    assert spotter.typo("collectioin") == "collection"  # a letter added
    assert spotter.has_typo("collectioin from functions logs")
    swapped = TypoSpotter(["archivos grandes"] * 3 + ["acrhivos"])
    assert swapped.typo("acrhivos") == "archivos"  # two letters swapped
    dropped = TypoSpotter(["Elastic Beanstalk"] * 3 + ["Elastic Beanstal"])
    assert dropped.typo("Beanstal") == "beanstalk"  # a letter dropped
    assert TypoSpotter(["cost"] * 3 + ["costs"]).typo("costs") is None  # a plural is a word


def test_a_line_with_a_typo_is_not_asked():
    lines = [*FILLER, "Archivos grandes se guardan en la cola"] * 3
    bank_text = "\n".join([*lines, "Acrhivos grandes se guardan hasta 14 días en la cola"])
    bank = build_question_bank([chunk(bank_text, lang="es")])
    assert not [item for item in bank if "14" in item.explanation]


@pytest.mark.parametrize(
    "line",
    [
        "Maximum execution time of a queue worker: 900 seconds (15 minutes)",
        "Convertible reservations - the instance type can change - 54%",
        "Retention is a) 4 days by default, b) 14 days at most in a standard queue",
        "Queues keep messages for up to 14 days, standard ones deliver at least once, FIFO ones "
        "deliver exactly once in order, both are billed per request and per transfer out of the "
        "region where they live",
    ],
)
def test_figures_given_away_or_lost_in_their_line_are_not_asked(line):
    assert fact_problem(clean_line(line), ("Queues", "Retention"), "notes.txt") is None
    assert questions_for(line) == []


def test_a_letter_changed_in_a_long_word_is_a_typo():
    spotter = TypoSpotter(["optimized for reads"] * 3 + ["Cloud Oprimized"])
    assert spotter.typo("Oprimized") == "optimized"
    assert TypoSpotter(["content"] * 3 + ["context"]).typo("context") is None  # short: a word


def test_a_line_under_a_misspelt_heading_is_not_asked():
    lines = "\n".join([*FILLER, "Alarms fire on metrics."] * 3 + [CLEAN])
    assert questions_for_text(lines, path=("Queues", "Alarms"))
    assert not questions_for_text(lines, path=("Queues", "Alarsm"))


def questions_for_text(text: str, **kwargs) -> list[str]:
    return [i.question for i in build_question_bank([chunk(text, **kwargs)]) if i.kind == "numeric"]
