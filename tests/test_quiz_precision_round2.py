"""Precision rules from the second fresh grading of issue 9 (shipped seed 11, apuntes-mais,
obsidian-adielbm): a numeric key worked out from the stem's other numbers, an outline item that
covers a line better than the chunk's title, two-slip typos in Spanish lines, condition
distractors the notes apply together with the key, and compare properties too thin to ask.
Each test fails when its rule is switched off."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from index.chunker import load_chunks
from index.model import Chunk
from index.quiz import QuizItem, build_question_bank
from index.quiz.acronym_items import title_line_above
from index.quiz.candidates import note_lines
from index.quiz.conditional import condition_candidates
from index.quiz.facts import TypoSpotter, fact_problem
from index.quiz.giveaway import derivable_number
from index.quiz.kinds import subject_prefix
from index.quiz.rules import problems
from index.quiz.structured import compare_candidates, thin_property

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DERIVABLE = "the other numbers of the question give the answer"
NUMERIC = QuizItem(
    id="0123456789abcdef",
    kind="numeric",
    lang="es",
    question="[EBS] Completa: Max IOPS 16.000, pero se dan ___ IOPs por GB: con 5.334 GB "
    "estamos en el máximo de IOPS",
    options=("6", "3", "2", "4"),
    answer=1,
    explanation="Max IOPS 16.000, pero se dan 3 IOPs por GB — notes.txt:3",
    source="notes.txt",
    path=("EBS",),
    chunk_id="c1",
    line=3,
)


def test_a_key_the_stems_other_numbers_give_is_not_asked():
    assert DERIVABLE in problems(NUMERIC)
    rate = dataclasses.replace(
        NUMERIC,
        lang="en",
        question="[DataSync] Complete: Each agent can handle 10Gbps data transfer (___ per day)",
        options=("160TB", "64TB", "100TB", "50TB"),
        answer=2,
    )
    assert DERIVABLE in problems(rate)
    # the other way round: the rate asked, the daily total given
    assert derivable_number("Each agent can handle ___ data transfer (100TB per day)", 10, "10Gbps")


@pytest.mark.parametrize(
    ("question", "value", "written"),
    [
        ("1 Shard provides 1MB Ingestion and ___ Consumption using records of 1MB", 2, "2MB"),
        ("Lambda Package - ___ zipped - 250MB unzipped", 50, "50MB"),
        ("Glue Pricing is per DPU (4VCPU and ___ RAM)", 16, "16GB"),
    ],
)
def test_a_key_the_other_numbers_do_not_give_is_kept(question, value, written):
    assert not derivable_number(question, value, written)


def _chunk(text: str, path: tuple[str, ...], lang: str = "es") -> Chunk:
    return Chunk("c1", "notes.txt", 1, text.count("\n") + 1, path, path[-1], text, lang)


def _line_with(lines, start: str):
    return next(line for line in lines if line.text.startswith(start))


def test_the_outline_item_a_line_is_nested_under_is_its_subject():
    text = (
        "- Reduced Redundancy Storage (deprecado)\n"
        "  - Usado para datos que puedan ser recreados.\n"
        "- Amazon Glacier\n"
        " - Cold Archive para backup y archive.\n"
        " - Cada item en Glacier se llama Archive y puede ser de hasta 40 TB.\n"
    )
    lines = note_lines([_chunk(text, ("Apuntes", "Reduced Redundancy Storage (deprecado)"))])
    glacier = _line_with(lines, "Cada item en Glacier")
    assert subject_prefix(glacier, "40 TB", frozenset({"apuntes"})) == "[Amazon Glacier] "
    recreated = _line_with(lines, "Usado para datos")
    expected = "[Reduced Redundancy Storage (deprecado)] "
    assert subject_prefix(recreated, "recreados", frozenset({"apuntes"})) == expected


def test_a_list_item_beside_the_one_titling_the_chunk_is_not_under_that_title():
    text = (
        "- On Demand - Se paga por lo que se usa. Es la más cara.\n"
        "- Reserved:\n"
        "  - Reserved - 75% discount / Pay upfront from 1 or 3 years\n"
    )
    lines = note_lines([_chunk(text, ("aws notes", "On Demand"))])
    reserved = _line_with(lines, "Reserved - 75%")
    assert reserved.beside_title
    assert subject_prefix(reserved, "75%", frozenset({"aws notes"})) == "[Reserved] "
    flat = text.replace("- Reserved:\n  ", "")  # the sibling item itself, nested under nothing
    spot = _line_with(note_lines([_chunk(flat, ("aws notes", "On Demand"))]), "Reserved - 75%")
    assert subject_prefix(spot, "75%", frozenset({"aws notes"})) is None


def test_a_shelf_word_over_a_line_does_not_replace_a_heading_that_names_the_subject():
    text = "- Deployment\n  - Lambda function Deployment size (Compress .zip): 50 MB\n"
    lines = note_lines([_chunk(text, ("Lambda Limits per Region",), "en")])
    size = _line_with(lines, "Lambda function")
    assert subject_prefix(size, "50 MB") == "[Lambda Limits per Region] "


def test_a_long_spanish_word_two_or_three_slips_from_a_common_one_is_a_typo():
    notes = ["almacenamiento " * 3 + "distintos " * 3 + "almacenieminto disjuntos"]
    spotter = TypoSpotter(notes)
    assert spotter.typo("almacenieminto", deep=True) == "almacenamiento"
    assert spotter.typo("almacenieminto") is None  # English lines: real pairs are that close
    assert spotter.typo("disjuntos", deep=True) is None  # a short word: likely two real words
    text = "- EBS Volumes: Almacenieminto de red para una instancia, en un AZ.\n"
    common = "- El almacenamiento de bloques es el más rápido.\n" * 3
    lines = note_lines([_chunk(common + text, ("Storage",))])
    assert _line_with(lines, "EBS Volumes").problem == "typo"


def test_an_english_word_two_slips_from_another_is_no_typo():
    spotter = TypoSpotter(["transition " * 3 + "translation"])
    assert spotter.typo("translation") is None


GRAPHS = """- Un grafo es completo si cada par de vértices está unido por una arista.
- Un grafo es conexo si existe un camino entre cualquier pareja de vértices.
- Un grafo es bipartito si sus vértices se reparten en dos conjuntos sin aristas dentro.
- Un grafo es euleriano si existe un recorrido que pasa por todas las aristas una vez.
- Un grafo es plano si se puede dibujar en el plano sin que se crucen sus aristas.
"""


def _condition_options(text: str, key: str, known=()) -> set[str] | None:
    chunk = _chunk(text, ("Grafos",))
    for candidate in condition_candidates(note_lines([chunk]), known, [chunk.text]):
        if candidate.item.correct_option == key:
            return set(candidate.item.options)
    return None


def test_a_word_the_notes_apply_together_with_the_key_is_no_distractor():
    assert "conexo" in (_condition_options(GRAPHS, "completo") or set())
    together = GRAPHS + "- Un grafo conexo tiene como mucho tantas aristas como un grafo completo\n"
    options = _condition_options(together, "completo")
    assert options is not None and "conexo" not in options


@pytest.mark.parametrize(
    "line",
    ["- Un grafo completo no es bipartito.", "- Un grafo es bipartito o completo, según el caso."],
)
def test_words_the_notes_oppose_stay_distractors(line):
    options = _condition_options(GRAPHS + line + "\n", "completo")
    assert options is not None and "bipartito" in options


def test_a_distractor_must_be_defined_by_a_condition_too():
    short = "\n".join(GRAPHS.splitlines()[:3]) + "\n"  # completo, conexo, bipartito defined
    assert _condition_options(short, "completo") is None
    assert _condition_options(short, "completo", ["Grafo simple"]) is None


def test_a_compare_property_of_fewer_than_three_content_words_is_not_asked():
    assert thin_property("no fees")
    assert not thin_property("Data transfer fees across region")
    text = (
        "Cross Region Replicas vs Global Database\n"
        "- Data transfer fees across region VS no fees\n"
        "- Replication lag of some seconds between regions VS replication lag under a second\n"
    )
    lines = note_lines([_chunk(text, ("Aurora",), "en")])
    asked = [candidate.item.question for candidate in compare_candidates(lines)]
    assert asked and not any("“no fees”" in question for question in asked)


def test_a_slip_made_a_few_times_beside_a_far_commoner_word_is_a_typo():
    spotter = TypoSpotter(["CloudWatch " * 60 + "CloudWath " * 5])
    assert spotter.typo("CloudWath") == "cloudwatch"
    even = TypoSpotter(["Athena " * 5 + "Athens " * 5])
    assert even.typo("Athens") is None  # as common as the other: a word of its own


def test_a_dropped_accent_is_a_typo_in_a_spanish_line_only():
    spotter = TypoSpotter(["límite " * 4 + "limite"])
    assert spotter.typo("limite", deep=True) == "límite"
    assert spotter.typo("limite") is None
    both = TypoSpotter(["publicó " * 40 + "publico " * 3])
    assert both.typo("publico", deep=True) is None  # both spellings common: two words


@pytest.mark.parametrize(
    ("text", "boast"),
    [
        ("Performance: 10x performance vs other data warehousing, compression", True),
        ("Aurora is 5x faster than MySQL on the same hardware", True),
        ("Cheaper than other storage classes for cold data", True),
        ("EFS costs 3x gp2, paid per use", False),
        ("Scales to 10x the provisioned throughput of the table", False),
    ],
)
def test_a_vendors_boast_against_others_is_an_opinion(text, boast):
    assert (fact_problem(text, ("Redshift",), "notes.txt") == "opinion") is boast


def test_an_acronym_belongs_to_the_short_line_above_that_names_it_not_the_chunks_title():
    text = (
        "S3 Access logs\n"
        "Los logs se pueden analizar con Athena.\n"
        "S3 Replication (CRR & SRR)\n"
        "Replicación asincrónica entre buckets.\n"
        "Same Region Replication (SRR)\n"
    )
    lines = note_lines([_chunk(text, ("Apuntes", "S3 Access logs"))])
    srr = _line_with(lines, "Same Region Replication")
    assert title_line_above(lines, srr, "SRR") == "S3 Replication (CRR & SRR)"
    assert title_line_above(lines, srr, "CRR") == "S3 Replication (CRR & SRR)"
    assert title_line_above(lines, _line_with(lines, "Los logs"), "SRR") is None


def test_no_acronym_item_of_the_shipped_notes_is_headed_by_the_access_logs_section():
    bank = build_question_bank(load_chunks(CORPUS))
    replication = [item for item in bank if item.kind == "acronym" and "RR?" in item.question]
    assert replication and not any("S3 Access logs" in item.question for item in replication)


@pytest.mark.parametrize(
    ("word", "typo"),
    [
        ("configuracion", True),
        ("Volumenes", True),
        ("imagenes", True),
        ("configuración", False),
        ("aplicaciones", False),
        ("permission", False),
    ],
)
def test_a_spanish_ending_written_without_its_accent_is_a_typo(word, typo):
    spotter = TypoSpotter(["notas sin nada en común"])
    assert (spotter.typo(word, deep=True) is not None) is typo
    assert spotter.typo(word) is None  # English lines: 'version', 'region' are words


def test_a_spanish_heading_without_its_accent_sets_its_lines_aside():
    text = "- Pequeños GP2 pueden llegar a un pico de IOPS de 3000.\n"
    lines = note_lines([_chunk(text, ("Apuntes", "Tipos de Volumenes EBS"))])
    assert _line_with(lines, "Pequeños").problem == "typo in its heading"
