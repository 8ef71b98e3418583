"""Genus definitions ("X es un grafo en el que …") asked with other terms of the same genus."""

from __future__ import annotations

from index.chunker import chunk_text
from index.model import Chunk
from index.quiz import build_question_bank
from index.quiz.candidates import note_lines
from index.quiz.genus import genus_candidates, genus_definitions
from index.quiz.rules import problems

GRAPHS = """# Grafos

Apuntes de teoría de grafos.

- Un pseudografo es un grafo en el que pueden existir lazos.
- Un multigrafo es un grafo en el que puede haber aristas paralelas entre dos vértices.
- Un grafo bipartito es un grafo cuyos vértices se dividen en dos conjuntos disjuntos.
- Un torneo es un grafo dirigido en el que cada par de vértices está unido por un arco.
"""
FLOWS = """# Network Flow

Notes from the lecture on flows in networks.

- An integral flow is a flow where all flow values are integers on every edge.
- A circulation is a flow with demands where every node conserves what enters it.
- A preflow is a flow in which a node may receive more than it sends on.
- A blocking flow is a flow in which every path from source to sink has a saturated edge.
"""


def chunks(text: str, name: str = "notes.md") -> list[Chunk]:
    return chunk_text(name, text)


def genus_items(text: str) -> list:
    return [item for item in build_question_bank(chunks(text)) if item.kind == "genus"]


def test_a_genus_definition_is_read_with_its_head_noun_as_kind():
    found = {d.term: d for d in genus_definitions(note_lines(chunks(FLOWS + "\n" + GRAPHS)))}
    assert found["Integral flow"].genus == "flow"
    assert (
        found["Integral flow"].description
        == "a flow where all flow values are integers on every edge"
    )
    assert found["Torneo"].genus == "grafo"  # Spanish puts the head noun first: "grafo dirigido"
    assert found["Pseudografo"].description.startswith("un grafo en el que")


def test_genus_items_offer_only_terms_of_the_same_genus():
    for text, lang, members in (
        (GRAPHS, "es", {"Pseudografo", "Multigrafo", "Grafo bipartito", "Torneo"}),
        (FLOWS, "en", {"Integral flow", "Circulation", "Preflow", "Blocking flow"}),
    ):
        items = [c.item for c in genus_candidates(note_lines(chunks(text)))]
        assert len(items) == 4
        assert len([item for item in items if not problems(item)]) >= 3
        for item in items:
            assert item.lang == lang
            assert set(item.options) <= members | {"Network Flow"}  # a title naming the genus
            assert item.correct_option.casefold() not in item.question.casefold()


def test_the_bank_ships_genus_items():
    assert len(genus_items(FLOWS)) >= 3


def test_a_term_of_another_genus_is_never_a_distractor():
    three = "\n".join(GRAPHS.splitlines()[:-1]) + "\n"
    three += "- Un recorrido es un camino en el que no se repite ninguna arista del grafo.\n"
    assert genus_candidates(note_lines(chunks(three))) == []  # three grafos and a camino


def test_an_exercise_title_is_never_a_distractor():
    text = GRAPHS.replace("- Un torneo", "## Dada la grafo siguiente\n\n- Un torneo")
    for item in genus_items(text):
        assert not any(option.startswith("Dada") for option in item.options)


def test_a_description_ending_in_a_colon_is_not_asked():
    text = GRAPHS + "- Un grafo plano es un grafo que cumple lo siguiente:\n"
    assert all("siguiente" not in item.question for item in genus_items(text))
