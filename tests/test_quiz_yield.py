"""More material from other people's notes: Spanish prose with "todos" is not a TODO marker,
sections opening "Consiste en …"/"Son los …" define their heading, and terms defined in one
chapter of a note are distractors for each other."""

from __future__ import annotations

from index.chunker import chunk_text
from index.model import Chunk
from index.quiz import build_question_bank
from index.quiz.candidates import note_lines
from index.quiz.rules import problems
from index.quiz.sections import heading_candidates, heading_definitions

MATRICES = {
    "Matriz triangular superior": "Una matriz triangular superior es una matriz cuadrada en la "
    "que todos los elementos por debajo de la diagonal principal son cero.",
    "Matriz triangular inferior": "Una matriz triangular inferior es una matriz cuadrada en la "
    "que todos los elementos por encima de la diagonal principal son cero.",
    "Matriz rectangular": "Una matriz rectangular es una matriz que tiene un número distinto "
    "de filas y columnas.",
    "Matriz elemental": "Una matriz elemental es una matriz cuadrada que se obtiene de la "
    "identidad al efectuar una sola operación elemental.",
}
METHODS = {
    "Método de sustitución": "Consiste en despejar una de las incógnitas de una ecuación y "
    "sustituirla en la otra ecuación.",
    "Método de igualación": "Consiste en despejar la misma incógnita en ambas ecuaciones para "
    "igualar las expresiones obtenidas.",
    "Método de reducción": "Consiste en multiplicar las ecuaciones por números que igualen un "
    "coeficiente y restarlas después.",
    "Método de Gauss": "Consiste en transformar el sistema en uno escalonado mediante "
    "operaciones elementales entre filas.",
    "Regla de Cramer": "Consiste en calcular cada incógnita como un cociente de determinantes "
    "de la matriz del sistema.",
}
CELL_BIOLOGY = """# Cell Biology

## Organelles

The mitochondrion is the organelle that produces most of the chemical energy of the cell.

The ribosome is the structure that assembles proteins from messenger RNA.

### Membranes

The lysosome is a vesicle that holds digestive enzymes to break down waste.

The nucleus is the compartment that stores the genetic material of the cell.

## History

Cell theory was proposed by Schleiden and Schwann.
"""


def zettel(notes: dict[str, str]) -> list[Chunk]:
    """One note per term, titled by it, as a Zettelkasten keeps them."""
    chunks: list[Chunk] = []
    for number, (title, body) in enumerate(notes.items()):
        chunks += chunk_text(f"vault/{number}.md", f"# {title}\n\n{body}\n")
    return chunks


def test_spanish_todos_does_not_read_as_a_todo_marker():
    defined = {d.term for d in heading_definitions(note_lines(zettel(MATRICES)))}
    assert {"Matriz triangular superior", "Matriz triangular inferior"} <= defined


def test_a_todo_marker_still_keeps_a_definition_out():
    notes = dict(MATRICES)
    notes["Matriz rectangular"] = "Una matriz rectangular es una matriz TODO completar esto."
    defined = {d.term for d in heading_definitions(note_lines(zettel(notes)))}
    assert "Matriz rectangular" not in defined


def test_a_section_opening_consiste_en_defines_its_heading():
    found = {d.term: d.description for d in heading_definitions(note_lines(zettel(METHODS)))}
    assert found["Método de igualación"].startswith("despejar la misma incógnita")
    assert len(found) == len(METHODS)


def test_a_section_opening_son_los_defines_its_heading():
    notes = {
        "Deciles": "Son los valores que separan en diez partes iguales el total de los datos.",
        "Cuartiles": "Son los valores que separan en cuatro partes iguales el total de datos.",
    }
    found = {d.term: d.description for d in heading_definitions(note_lines(zettel(notes)))}
    assert found["Deciles"].startswith("los valores que separan en diez")


def test_consiste_en_items_ask_the_method_with_other_methods_as_options():
    items = [c.item for c in heading_candidates(note_lines(zettel(METHODS)))]
    asked = {item.correct_option: item for item in items}
    assert "Método de igualación" in asked
    item = asked["Método de igualación"]
    assert item.question.startswith("¿Qué término corresponde a:")
    assert set(item.options) <= set(METHODS)
    assert "Regla de Cramer" not in item.options  # a rule, not one of the methods
    assert "Consiste" not in item.question


def test_terms_defined_in_one_chapter_are_each_others_distractors():
    chunks = chunk_text("biology/cells.md", CELL_BIOLOGY)
    items = [c.item for c in heading_candidates(note_lines(chunks))]
    by_key = {item.correct_option: item for item in items}
    assert "Lysosome" in by_key  # defined under "Membranes", siblings under "Organelles"
    options = set(by_key["Lysosome"].options)
    assert options == {"Lysosome", "Mitochondrion", "Ribosome", "Nucleus"}
    assert all("Cell theory" not in item.options for item in items)  # another chapter


def test_chapter_siblings_in_another_note_are_not_distractors():
    first, _, rest = CELL_BIOLOGY.partition("### Membranes")
    chunks = chunk_text("biology/a.md", first) + chunk_text(
        "biology/b.md", "# Cell Biology\n\n## Organelles\n\n### Membranes" + rest
    )
    keys = {c.item.correct_option for c in heading_candidates(note_lines(chunks))}
    assert "Lysosome" not in keys  # two of its own file: fewer than three distractors


def test_new_items_pass_every_rule_in_the_bank():
    bank = build_question_bank(
        zettel(MATRICES) + zettel(METHODS) + chunk_text("biology/cells.md", CELL_BIOLOGY)
    )
    assert bank
    for item in bank:
        assert problems(item) == []
        assert "todos" not in item.correct_option
