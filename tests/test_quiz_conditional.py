"""Conditional definitions ("Un grafo es completo si …") asked by blanking the defined word, with
other words the notes apply to the same noun as distractors."""

from __future__ import annotations

from index.chunker import chunk_text
from index.quiz import build_question_bank
from index.quiz.candidates import note_lines
from index.quiz.conditional import CONDITION_FRAME, condition_candidates, conditional_definitions
from index.quiz.kinds import BLANK
from index.quiz.rules import problems

GRAPHS = """# Tipos de grafos

- Un grafo es completo si cada par de vértices está unido por una arista.
- Un grafo es conexo si existe un camino entre cualquier pareja de vértices.
- Un grafo es bipartito si sus vértices se reparten en dos conjuntos sin aristas dentro de cada uno.
- Un grafo es euleriano si existe un recorrido que pasa por todas las aristas una sola vez.
"""
SYSTEMS = """# Linear Systems

- The system is consistent if its solution set is not empty.
- The system is inconsistent if its solution set is empty.
- The system is determined if its solution set holds exactly one solution.
- A linear system is said to be overdetermined if it has more equations than unknowns.
"""


def items(text: str) -> list:
    return [
        item for item in build_question_bank(chunk_text("n.md", text)) if item.kind == "condition"
    ]


def test_a_conditional_definition_is_read_with_its_noun_and_word():
    found = conditional_definitions(note_lines(chunk_text("n.md", SYSTEMS)))
    assert [(d.noun, d.word) for d in found] == [
        ("system", "consistent"),
        ("system", "inconsistent"),
        ("system", "determined"),
        ("system", "overdetermined"),
    ]


def test_the_defined_word_is_blanked_and_the_options_are_words_of_the_same_noun():
    for text, lang, words in (
        (GRAPHS, "es", {"completo", "conexo", "bipartito", "euleriano"}),
        (SYSTEMS, "en", {"consistent", "inconsistent", "determined", "overdetermined"}),
    ):
        shipped = items(text)
        assert len(shipped) >= 3
        for item in shipped:
            assert item.lang == lang
            assert item.question.startswith(CONDITION_FRAME[lang].split("{")[0])
            assert BLANK in item.question and item.correct_option not in item.question
            assert set(item.options) <= words and len(item.options) == 4
            assert problems(item) == []


def test_a_word_of_another_noun_is_never_a_distractor():
    mixed = "\n".join(GRAPHS.splitlines()[:4]) + "\n"
    mixed += "- Una matriz es singular si su determinante es igual a cero en todo caso.\n"
    assert condition_candidates(note_lines(chunk_text("n.md", mixed))) == []


def test_a_line_that_repeats_the_defined_word_is_not_asked():
    text = GRAPHS + "- Un grafo es hamiltoniano si admite un ciclo hamiltoniano que lo recorre.\n"
    candidates = condition_candidates(note_lines(chunk_text("n.md", text)))
    assert len(candidates) == 4
    assert all(c.item.correct_option != "hamiltoniano" for c in candidates)
