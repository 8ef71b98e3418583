"""Notes written with LaTeX: a one-symbol formula ("$m$ filas", "a set $S$") is read as the
symbol, and the "$ " that closes a formula is no shell prompt; heading items keep out a
distractor whose own name the key's definition uses ("filas" and Matriz fila)."""

from __future__ import annotations

from index.chunker import chunk_text
from index.model import Chunk
from index.quiz.candidates import note_lines, with_plain_symbols
from index.quiz.sections import heading_candidates
from index.quiz.text import is_meta_line

COLUMN = "Una matriz columna es una matriz con una sola columna y $m$ filas."


def zettel(notes: dict[str, str]) -> list[Chunk]:
    chunks: list[Chunk] = []
    for number, (title, body) in enumerate(notes.items()):
        chunks += chunk_text(f"vault/{number}.md", f"# {title}\n\n{body}\n")
    return chunks


def test_a_closing_formula_is_not_a_shell_prompt():
    assert not is_meta_line(COLUMN)
    assert is_meta_line("$ ls -la lists the files")
    assert is_meta_line("Run it as $ sudo make install")


def test_a_one_symbol_formula_reads_as_the_symbol():
    assert with_plain_symbols(COLUMN) == (
        "Una matriz columna es una matriz con una sola columna y m filas."
    )
    assert with_plain_symbols("The set $S$ holds $n$ items") == "The set S holds n items"
    assert with_plain_symbols("The set $S_1$ holds items") is None  # a subscript is markup
    assert with_plain_symbols("The inverse $A^{-1}$ of $A$ exists") is None  # a real formula
    assert with_plain_symbols("No formula here") is None


def test_a_line_with_one_symbol_formulas_is_a_fact_line():
    lines = note_lines(zettel({"Matriz columna": COLUMN}))
    kept = [line for line in lines if line.problem is None]
    assert [line.text for line in kept] == [
        "Una matriz columna es una matriz con una sola columna y m filas."
    ]


def test_a_line_with_a_real_formula_stays_code_or_markup():
    lines = note_lines(zettel({"Matriz inversa": "La inversa $A^{-1}$ cumple $AA^{-1}=I$."}))
    assert all(line.problem == "code or markup" for line in lines)


MATRICES = {
    "Matriz rectangular": "Una matriz rectangular es una matriz que tiene un número distinto "
    "de filas y columnas.",
    "Matriz fila": "Una matriz fila es una matriz con una sola fila y n columnas.",
    "Matriz escalar": "Una matriz escalar es una matriz diagonal en la que todos los elementos "
    "de la diagonal son iguales.",
    "Matriz triangular superior": "Una matriz triangular superior es una matriz cuadrada en la "
    "que los elementos por debajo de la diagonal principal son cero.",
    "Matriz triangular inferior": "Una matriz triangular inferior es una matriz cuadrada en la "
    "que los elementos por encima de la diagonal principal son cero.",
}


def test_a_distractor_named_in_the_definition_is_left_out():
    items = [c.item for c in heading_candidates(note_lines(zettel(MATRICES)))]
    asked = {item.correct_option: item for item in items}
    assert "Matriz rectangular" in asked
    # a row matrix also has a number of rows distinct from its columns: a second answer
    assert "Matriz fila" not in asked["Matriz rectangular"].options
