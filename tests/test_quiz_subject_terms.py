"""The notes' own subject words are learned, not listed: a word in a fifth of the passages, or
a prefix that opens many of the notes' names, is never the term a question asks for."""

from __future__ import annotations

from index.chunker import chunk_text
from index.quiz.candidates import definitions, note_lines, subject_terms

SECTIONS = [
    ("Mitocondria", "La célula obtiene ATP en la mitocondria, que tiene doble membrana."),
    ("Ribosoma", "La célula sintetiza proteínas en el ribosoma a partir del ARN mensajero."),
    ("Lisosoma", "La célula digiere partículas en el lisosoma gracias a enzimas hidrolíticas."),
    ("Núcleo", "La célula guarda su ADN en el núcleo, rodeado por la envoltura nuclear."),
    ("Resumen", "Célula: unidad estructural y funcional básica de todos los seres vivos."),
]


def _chunks():
    text = "# Biología\n\n" + "\n\n".join(
        f"## {title}\n{body}\n" + ("Más detalle sobre el tema y sus partes. " * 6)
        for title, body in SECTIONS
    )
    return chunk_text("bio.md", text)


def test_a_word_in_most_passages_is_the_notes_subject_and_a_rare_one_is_not():
    chunks = _chunks()
    found = subject_terms(chunks, frozenset({"acme"}))
    assert "celula" in found
    assert "ribosoma" not in found and "lisosoma" not in found
    assert "acme" in found  # the learned name prefixes are generic too


def test_a_definition_of_the_subject_itself_is_not_a_question_term():
    chunks = _chunks()
    lines = note_lines(chunks)
    terms = {d.term for d in definitions(lines)}
    assert "Célula" in terms  # the line does read as a definition
    generic = subject_terms(chunks, frozenset())
    assert "Célula" not in {d.term for d in definitions(lines, generic=generic)}
