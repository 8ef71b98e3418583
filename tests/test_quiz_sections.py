"""Kinds from other people's notes, through the real Markdown parser: table rows (term ↔ cell,
same-column options) and headings whose section opens by defining them."""

from __future__ import annotations

from index.chunker import chunk_text
from index.model import Chunk
from index.quiz import QuizItem, build_question_bank
from index.quiz.bank import file_titles
from index.quiz.candidates import note_lines
from index.quiz.kinds import MATCH_FRAME
from index.quiz.rules import _RAW_MARKUP, problems
from index.quiz.sections import heading_definitions, table_candidates, table_row
from index.quiz.structured import DEFINE_FRAME

TAGS = ["header", "nav", "aside", "address", "article", "footer"]
TABLE_NOTE = """# Web Basics

## Block Elements

Semantic tags group the parts of a page.

| Tag | Description |
|-----|-------------|
| `header` | wraps elements that contain introductory information |
| `nav` | wraps content for navigation links in a bar |
| **aside** | wraps elements indirectly related to the main content |
| address | wraps content that contains contact information |
| article | wraps content that might be distributed on its own |
| footer | wraps elements that make up the footer of a page |
"""
GRAPH_TERMS = {
    "Pseudografo": "Un pseudografo es un grafo en el que pueden existir lazos.",
    "Multigrafo": "Un **multigrafo** es un grafo en el que puede haber aristas paralelas.",
    "Árbol": "Un árbol es un grafo conexo que no tiene ciclos. Ver [[Bosque|bosques]].",
    "Grafo simple": "Un grafo simple es un grafo sin lazos ni aristas paralelas.",
    "Ciclo": "Un ciclo es un camino cerrado en un grafo que no repite vértices.",
}


def graph_notes(terms: dict[str, str] = GRAPH_TERMS) -> list[Chunk]:
    chunks: list[Chunk] = []
    for number, (title, body) in enumerate(terms.items()):
        chunks += chunk_text(f"vault/{number}.md", f"# {title}\n\n{body}\n")
    return chunks


def of_kind(bank: list[QuizItem], kind: str) -> list[QuizItem]:
    return [item for item in bank if item.kind == kind]


def test_a_table_row_line_is_read_as_headers_and_cells():
    assert table_row("Tag: nav · Description: wraps navigation links") == (
        ("Tag", "Description"),
        ("nav", "wraps navigation links"),
    )
    assert table_row("In: 0 · 1 · 1 · Out: 1") is None  # a cell holding " · "
    assert table_row("Plain sentence: with a colon") is None


def test_table_rows_ask_for_the_term_of_a_cell_with_its_column_as_options():
    bank = build_question_bank(chunk_text("web/blocks.md", TABLE_NOTE))
    tables = of_kind(bank, "table")
    assert tables
    frame_start = MATCH_FRAME["en"].split("{")[0]
    for item in tables:
        assert item.question.startswith("[Block Elements] " + frame_start), item.question
        assert set(item.options) <= set(TAGS) and len(item.options) == 4, item.options
        assert problems(item) == []
    by_answer = {item.correct_option: item for item in tables}
    if "header" in by_answer:
        assert "introductory" in by_answer["header"].question


def test_table_rows_ask_the_other_way_round_with_cells_of_the_same_column():
    chunks = chunk_text("web/blocks.md", TABLE_NOTE)
    lines = note_lines(chunks)
    defines = [
        c.item for c in table_candidates(lines, file_titles(chunks)) if c.item.kind == "define"
    ]
    assert defines
    rows = [line.strip("| ").split(" | ") for line in TABLE_NOTE.splitlines()[8:]]
    cells = {row[1] for row in rows}
    for item in defines:
        term = item.question.split("“")[1].rstrip("”?")
        assert item.question == "[Block Elements] " + DEFINE_FRAME["en"].format(term=term)
        assert set(item.options) <= cells, item.options
        assert term not in item.correct_option  # never the description that names its term


def test_a_description_naming_its_term_is_never_asked_from_the_term():
    bank = build_question_bank(chunk_text("web/blocks.md", TABLE_NOTE))
    asked = [item.question for item in of_kind(bank, "define")]
    assert all("“footer”" not in question for question in asked)
    assert all("“nav”" not in question for question in asked)  # "navigation links"


def test_a_table_under_no_heading_but_a_folder_is_not_asked():
    note = TABLE_NOTE.replace("# Web Basics\n\n## Block Elements\n\n", "")
    bank = build_question_bank(chunk_text("web/blocks.md", note))
    assert [item for item in bank if item.kind in ("table", "define")] == []


def test_code_cells_are_not_descriptions():
    note = """# CPU

## Instructions

| Name | Instruction |
|---|---|
| Add | add rd, rs, rt |
| Subtract | sub rd, rs, rt |
| Nor | nor rd, rs, rt |
| Shift | sll rd, rt, shamt |
"""
    assert build_question_bank(chunk_text("cpu.md", note)) == []


def test_headings_defined_by_their_section_are_asked_from_the_definition():
    bank = build_question_bank(graph_notes())
    headings = of_kind(bank, "heading")
    assert len(headings) >= 2
    frame_start = MATCH_FRAME["es"].split("{")[0]
    for item in headings:
        assert item.lang == "es"
        assert item.question.startswith(frame_start), item.question  # no "[vault]" folder
        assert set(item.options) <= set(GRAPH_TERMS) and len(item.options) == 4
        assert not any(_RAW_MARKUP.search(text) for text in (item.question, *item.options))
        assert problems(item) == []
    keyed = {item.correct_option: item.question for item in headings}
    assert "lazos" in keyed.get("Pseudografo", "lazos")
    assert all("**" not in question and "[[" not in question for question in keyed.values())


def test_a_heading_defined_below_a_colon_is_not_asked():
    terms = {title: body for title, body in GRAPH_TERMS.items()}
    terms["Regla del trapecio"] = "La regla del trapecio es una regla con la siguiente forma:"
    bank = build_question_bank(graph_notes(terms))
    assert all(item.correct_option != "Regla del trapecio" for item in of_kind(bank, "heading"))


def test_a_heading_needs_three_defined_siblings_that_share_its_wording():
    few = dict(list(GRAPH_TERMS.items())[:3])
    few["Matriz"] = "Una matriz es un arreglo rectangular de números en filas y columnas."
    bank = build_question_bank(graph_notes(few))
    assert of_kind(bank, "heading") == []  # only two other graphs, and a matrix is no graph


def test_a_shared_corpus_like_folder_yields_clean_same_kind_questions():
    chunks = graph_notes() + chunk_text("web/blocks.md", TABLE_NOTE)
    bank = build_question_bank(chunks)
    assert {item.kind for item in bank} >= {"heading", "table"}
    assert {item.source for item in bank} >= {"web/blocks.md"}
    assert len({item.source for item in bank}) >= 3
    for item in bank:
        assert problems(item) == [], (item.question, problems(item))
        assert len(item.options) == 4 and item.correct_option in item.options
        assert not any(_RAW_MARKUP.search(text) for text in (item.question, *item.options))
        pool = set(TAGS) | set(GRAPH_TERMS)
        if item.kind in ("table", "heading"):
            assert set(item.options) <= set(TAGS) or set(item.options) <= set(GRAPH_TERMS)
            assert set(item.options) <= pool


EVENTS_NOTE = """# Sucesos

Un suceso es cada uno de los resultados posibles del espacio muestral.

Estos pueden ser:
- Suceso elemental: Cada uno de los elementos del espacio muestral $(A \\in \\Omega)$
- Suceso compuesto: Subconjunto formado por operaciones entre sucesos elementales $A \\cup B$
- Suceso seguro: Siempre se cumple en cada realización. Es por tanto $\\Omega$
- Suceso imposible: No se realiza en ninguna realización. Se denota $\\emptyset$
"""
EVENT_TERMS = {"Suceso elemental", "Suceso compuesto", "Suceso seguro", "Suceso imposible"}


def test_a_definition_list_with_trailing_formulas_in_sentence_case_is_asked():
    bank = build_question_bank(chunk_text("vault/1716491727-sucesos.md", EVENTS_NOTE))
    asked = [item for item in bank if set(item.options) == EVENT_TERMS]
    assert asked, [item.question for item in bank]
    for item in asked:
        assert item.lang == "es"
        assert "$" not in item.question and "\\" not in item.question
        assert problems(item) == []


def numeric_bank(line: str, heading: str = "Pipeline") -> list[QuizItem]:
    note = f"# Hardware\n\n## {heading}\n\n{line}\n"
    return [
        item for item in build_question_bank(chunk_text("cpu.md", note)) if item.kind == "numeric"
    ]


def test_a_figure_on_a_line_that_introduces_what_follows_is_not_asked():
    assert numeric_bank("A classic processor pipeline splits every instruction into 5 stages.")
    assert numeric_bank("Given the times for each one of the 5 stages of the pipeline:") == []


def test_a_figure_beside_a_worked_binary_example_is_not_asked():
    line = (
        "A 10 bit value 11 1111 0001 (decimal -15, in 2's complement) sign-extended to 16 bits "
        "is 1111 1111 1111 0001 (decimal -15)"
    )
    assert numeric_bank(line, "Sign Extension") == []
    plain = (  # (the upper 16 bits of a 32 bit register would give 16 + 16 away)
        "Sign extension copies the sign bit of a 16 bit immediate into the upper half of a "
        "32 bit register."
    )
    assert numeric_bank(plain, "Sign Extension")  # the same figures, without the worked digits


def test_a_count_whose_items_follow_a_colon_is_not_asked():
    line = "Each column of the permissions holds 3 flags: r - read, w - write and x - execute"
    assert numeric_bank(line) == []


WALKS = {
    "Camino": "Un camino es una sucesión de vértices unidos por aristas del grafo.",
    "Recorrido": "Un recorrido es un camino en el que no se repite ninguna arista.",
    "Circuito": "Un circuito es un recorrido cerrado que empieza y termina en un vértice.",
    "Ciclo": "Un ciclo es un circuito en el que no se repite ningún vértice.",
    "Sendero": "Un sendero es un camino que visita cada vértice del grafo como mucho una vez.",
}


def test_a_narrower_term_is_never_a_distractor_for_the_broader_definition():
    bank = of_kind(build_question_bank(graph_notes({**GRAPH_TERMS, **WALKS})), "heading")
    narrower = {
        "Camino": {"Recorrido", "Circuito", "Ciclo", "Sendero"},
        "Recorrido": {"Circuito", "Ciclo"},
        "Circuito": {"Ciclo"},
    }
    assert bank
    for item in bank:
        assert not set(item.options) & narrower.get(item.correct_option, set()), item.options


SEQUENTIAL = """# Computer Organization

## Sequential Logic

- A **clock signal** keeps the state elements in step.
- The **clock period** is the time for one full cycle of the clock signal
- A **clock generator** is an electronic oscillator producing a periodic clock signal
- A **signal edge** is the transition of a signal from one level to another
- A **data latch** is a state element whose output follows its input while the clock is high
- The **clocking methodology** is the approach used to determine
"""


def test_definition_sentences_inside_a_section_are_asked_with_their_neighbours():
    bank = of_kind(build_question_bank(chunk_text("co/logic.md", SEQUENTIAL)), "heading")
    terms = {"Clock period", "Clock generator", "Signal edge", "Data latch", "Clocking methodology"}
    assert bank
    for item in bank:
        assert item.question.startswith("[Sequential Logic] "), item.question
        assert set(item.options) <= terms and problems(item) == []
        assert "**" not in item.question
    assert all(item.correct_option != "Clocking methodology" for item in bank)  # unfinished


FILLER = " ".join(["The section goes on about how the idea is used in practice."] * 24)
DEFINITIONS_NOTE = f"""# Simulation Principles

## Some Useful Definitions

### Model

A model is an abstract representation of a system. We use it to reason about the system.

{FILLER}

### Examples

Worked problems.

{FILLER}

### Event

An event is a point in time at which something interesting happens in the system state.

{FILLER}

### Activity

Activities last for a specified length of time.

{FILLER}

### Attributes

Attributes describe the entities.

{FILLER}

"""


def test_a_defined_heading_takes_its_sibling_headings_as_distractors():
    bank = of_kind(
        build_question_bank(chunk_text("sim/principles.md", DEFINITIONS_NOTE)), "heading"
    )
    keyed = {item.correct_option: item for item in bank}
    assert "Model" in keyed, [item.question for item in bank]
    model = keyed["Model"]
    assert model.question.startswith("[Some Useful Definitions] "), model.question
    assert "abstract representation of a system" in model.question
    assert set(model.options) == {"Model", "Event", "Activity", "Attributes"}  # not "Examples"
    assert problems(model) == []


def test_a_conditional_or_pointing_sentence_is_not_a_definition():
    note = """# Logic

## Semantics

- A proposition is a contradiction if and only if it is false in every model of the language.
- Here is a simple table of the connectives and their meaning in the language.
- A tautology is a proposition that is true in every model of the language.
- A literal is a variable or the negation of a variable in a formula.
"""
    chunks = chunk_text("logic/semantics.md", note)
    terms = {d.term for d in heading_definitions(note_lines(chunks))}
    assert terms == {"Tautology", "Literal"}


VECTOR_NOTES = {
    "Módulo de un vector": "Es la distancia entre el origen y el extremo del vector.",
    "Dirección de un vector": "Es la recta que contiene al vector en el espacio.",
    "Sentido de un vector": "Es la orientación del vector sobre su recta.",
    "Norma de un vector": "Es la generalización de la longitud a espacios de más dimensiones.",
    "Regresión lineal": "Es la recta que mejor se aproxima a la nube de puntos de la muestra.",
}


def test_a_note_that_opens_on_its_title_without_naming_it_defines_the_title():
    found = heading_definitions(note_lines(graph_notes(VECTOR_NOTES)))
    by_term = {d.term: d.description for d in found}
    assert by_term["Módulo de un vector"].startswith("la distancia entre el origen")
    assert by_term["Regresión lineal"].startswith("la recta que mejor")


def test_terms_named_as_properties_of_one_noun_are_one_kind_and_others_are_not():
    bank = of_kind(build_question_bank(graph_notes(VECTOR_NOTES)), "heading")
    vector = {term for term in VECTOR_NOTES if term.endswith("de un vector")}
    assert len(bank) >= 3
    for item in bank:
        assert (
            set(item.options) == vector
        )  # "Regresión lineal" is also "la recta …", not a vector's


MIPS_NOTE = """# MIPS

## Load and Store

- The offset is the displacement from the base address in bytes.
- The base register holds the address of the first byte of the data.

## Procedures

- A callee is a procedure that another procedure calls with jal.
- A caller is a procedure that saves its registers before a call.

## Arithmetic

- Overflow is a condition that occurs when a result exceeds the range of its data type.
- Underflow is a condition that occurs when a result is too small for its data type.
"""


def test_terms_of_other_sections_of_a_chapter_are_not_distractors():
    # a chapter defines offsets, callees and overflows: three kinds of thing
    bank = build_question_bank(chunk_text("cs/MIPS.md", MIPS_NOTE))
    for item in bank:
        assert not {"Offset", "Overflow"} <= set(item.options), item


def test_a_shelf_heading_is_no_distractor():
    from index.quiz.sections import HeadingDefinition, _fair_sibling_heading

    note = "# Matrices\n\n## Similarity\n\nSimilarity is an equivalence relation on matrices.\n"
    line = next(line for line in note_lines(chunk_text("la/Matrices.md", note)))
    similarity = HeadingDefinition("Similarity", "an equivalence relation on matrices", line, True)
    assert _fair_sibling_heading("Determinant", similarity, [])
    assert not _fair_sibling_heading("Theorems", similarity, [])
    assert not _fair_sibling_heading("Useful Lemmas", similarity, [])


def test_a_table_question_names_the_column_of_its_cell():
    note = """# Heart

## Chambers

| Chamber | Receives from | Exit valve |
|---|---|---|
| Right atrium | venae cavae and the coronary sinus | tricuspid valve, three cusps |
| Right ventricle | the right atrium through the tricuspid | pulmonary valve, three cusps |
| Left atrium | the four pulmonary veins | mitral valve, two cusps |
| Left ventricle | the left atrium through the mitral | aortic valve, three cusps |
"""
    lines = note_lines(chunk_text("anatomy/Heart.md", note))
    items = [c.item for c in table_candidates(lines, file_titles(chunk_text("a.md", "# A\n")))]
    matches = [item for item in items if item.kind == "table"]
    assert matches
    for item in matches:
        assert "“Receives from: " in item.question or "“Exit valve: " in item.question, item
