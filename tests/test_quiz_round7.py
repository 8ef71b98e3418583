"""Rules from the seventh blind grade, on notes the generator had not seen: a student's stray
asterisk, compare options written alike, free-text table columns, the column a table question
asks for, a heading that is the file's title, and a numbered variant of the key in the stem."""

from __future__ import annotations

import dataclasses

from index.chunker import chunk_text
from index.quiz import QuizItem
from index.quiz.bank import file_titles
from index.quiz.candidates import note_lines
from index.quiz.kinds import subject_prefix
from index.quiz.rules import problems
from index.quiz.sections import table_candidates
from index.quiz.structured import compare_candidates
from index.quiz.text import clean_line


def test_a_stray_asterisk_marking_a_work_is_dropped():
    assert clean_line("- Rafael: *La escuela de Atenas (1509-1511)") == (
        "Rafael: La escuela de Atenas (1509-1511)"
    )
    assert clean_line("- *emphasis* stays plain") == "emphasis stays plain"
    assert clean_line("- 2 * 3 = 6") == "2 * 3 = 6"


def test_compare_options_are_written_alike():
    text = (
        "# Economía\n\nMicroeconomía vs macroeconomía\n"
        "- decisiones de hogares y empresas concretas vs la economía en su conjunto (PIB, paro)\n"
    )
    items = [c.item for c in compare_candidates(note_lines(chunk_text("e.md", text)))]
    assert items
    assert all(set(item.options) == {"Microeconomía", "Macroeconomía"} for item in items)


IG_TABLE = """# Immunology

## Isotypes

| Class | Form | Notes |
|---|---|---|
| IgA | dimer in secretions, with a J chain | mucosae, breast milk, tears; IgA1 & IgA2 |
| IgM | pentamer, the first antibody made | first response, best at fixing complement |
| IgG | monomer that crosses the placenta | most abundant in serum, four subclasses |
| IgE | monomer bound to mast cells | allergy and worms, the lowest in serum |
"""


def test_a_free_text_column_is_not_asked_and_a_column_is_named():
    chunks = chunk_text("immunology.md", IG_TABLE)
    items = [c.item for c in table_candidates(note_lines(chunks), file_titles(chunks))]
    assert items
    assert not any("tears" in item.question or "tears" in " ".join(item.options) for item in items)
    defines = [item for item in items if item.kind == "define"]
    assert all(item.question.startswith("[Isotypes] Which “Form” goes with “") for item in defines)


def test_a_numbered_variant_of_the_key_in_the_stem_gives_it_away():
    item = QuizItem(
        id="0123456789abcdef",
        kind="table",
        lang="en",
        question="[Isotypes] Which term matches: “mucosae, breast milk, tears; IgA1 & IgA2”?",
        options=("IgD", "IgM", "IgA", "IgG"),
        answer=2,
        explanation="Class: IgA — immunology.md:5",
        source="immunology.md",
        path=("Immunology", "Isotypes"),
        chunk_id="c1",
        line=5,
    )
    rule = "the question names a numbered variant of the answer"
    assert rule in problems(item)
    other = dataclasses.replace(item, question=item.question.replace("IgA1 & IgA2", "two forms"))
    assert rule not in problems(other)


def test_a_heading_opening_with_the_files_title_is_no_context():
    text = (
        "HISTORIA DEL ARTE - 2º Bachillerato\n=====\n"
        "Rafael: La escuela de Atenas, fresco de las Estancias Vaticanas\n"
    )
    chunks = chunk_text("Historia del arte.txt", text)
    line = next(line for line in note_lines(chunks) if line.text.startswith("Rafael"))
    skip = file_titles(chunks)["Historia del arte.txt"]
    assert subject_prefix(line, "Rafael", skip) in ("", None)


def test_a_figure_alone_in_an_aside_is_not_asked_and_a_trailing_comma_goes():
    from index.quiz.candidates import number_facts
    from index.quiz.kinds import numeric_candidate

    text = (
        "# HDFS\n\n## Blocks\n\n"
        "- A block is a segment of data on HDFS (64 MB)\n"
        "- Rebooting a Multi AZ database swaps the instances (has 30 seconds of downtime)\n"
        "- Limitado para 300 msg/s sin batching y con batch mucho más,\n"
    )
    asked = {}
    for line in note_lines(chunk_text("n.md", text)):
        for fact in number_facts(line):
            asked[fact.number] = numeric_candidate(fact, ())
    assert asked["64"] is None
    assert asked["30"] is not None
    assert asked["300"] is not None and not asked["300"].item.question.endswith(",")


def test_bits_are_a_size_with_powers_of_two_and_a_singular():
    from index.quiz.candidates import unit_family
    from index.quiz.distractors import numeric_options, unit_for

    assert unit_family("bits") == "size" and unit_family("bit") == "size"
    assert unit_for("16", "bit") == "bit"  # "a 16 bit register"
    shift = numeric_options("2", "bits", " ", "size", (), "Complete: shifted by ___", "k")
    assert shift is not None and "1 bits" not in shift
    options = numeric_options("32", "bits", " ", "size", (), "Complete: a (___) input", "k")
    assert options is not None
    assert {int(option.split()[0]) for option in options} <= {8, 16, 64, 128}


def test_a_number_naming_a_standard_and_a_slide_file_are_not_facts():
    from index.quiz.candidates import number_facts
    from index.quiz.text import is_meta_line

    text = (
        "# Keys\n\n- CloudHSM is a single-tenant HSM cluster validated to FIPS 140 level 3\n"
        "- A KMS key encrypts at most 4 KB of data directly, more through data keys\n"
    )
    lines = note_lines(chunk_text("k.md", text))
    numbers = {fact.number for line in lines for fact in number_facts(line)}
    assert "140" not in numbers and "4" in numbers
    assert is_meta_line('Slides on the course site ("L7-datastructures.pdf"), quiz 3 covers it')
