"""The notes' name prefixes (a vendor, a product family) are learned from the notes, not listed:
they make an answer stand out by form, give nothing away, and are not swapped into acronyms."""

from __future__ import annotations

from index.chunker import chunk_text
from index.quiz.acronym_items import _distractors
from index.quiz.brands import brand_words
from index.quiz.candidates import note_lines
from index.quiz.rules import giveaway_word, problems
from tests.test_quiz_rules import item

CLOUD = "\n".join(
    [
        "- Acme Lambda runs code without servers, Acme Glue runs jobs.",
        "- Acme Batch queues jobs; Acme Config records changes.",
        "- Acme Shield stops attacks and Acme Macie finds personal data.",
        "- Public subnet: has a route to the internet. Public IP is free.",
        "- a public bucket, the public key, public access, public endpoint.",
        "- Public Zone, Public Service, Public Cloud, Public Address, Public Network.",
    ]
)
BIOLOGY = "\n".join(
    [
        "- Retículo endoplasmático rugoso: tiene ribosomas",
        "- Aparato de Golgi: empaqueta proteínas",
        "- Ley de Mendel, Primera Ley, Segunda Ley, Tercera Ley",
        "- The Golgi Apparatus, The Cell Wall, The Nuclear Envelope, The Krebs Cycle, The Calvin "
        "Cycle, The Plasma Membrane",
    ]
)


def test_a_word_opening_many_names_is_a_brand_and_a_common_word_is_not():
    assert brand_words([CLOUD]) == {"acme"}  # 'Public' is written in lower case as often
    assert brand_words([BIOLOGY]) == frozenset()  # 'The' is a function word


def test_the_lone_brand_prefixed_answer_stands_out():
    lone = item(
        kind="cloze",
        question="[Deploy] Complete: ___ builds the infrastructure from templates",
        options=("Acme Stacks", "Template Engine", "Launch Plans", "Build Pipelines"),
        answer=0,
    )
    assert any("brand prefix" in p for p in problems(lone, brands=brand_words([CLOUD])))
    assert not any("brand prefix" in p for p in problems(lone))


def test_a_brand_word_in_the_question_gives_nothing_away():
    question = "Which Acme service queues jobs?"
    distractors = ["Step Functions", "Event Bridge", "Simple Queue"]
    assert giveaway_word(question, "Acme Batch", distractors) == "acme"
    assert giveaway_word(question, "Acme Batch", distractors, brand_words([CLOUD])) is None


def test_a_name_is_not_swapped_for_a_common_word_in_an_acronym():
    pool = {(False, "c"): {"cognito", "cache", "compute"}, (False, "r"): set(), (True, "u"): set()}
    words = ["Read", "Capacity", "Units"]
    assert "Read Cognito Units" in _distractors("RCU", words, pool, set())
    # without the name, one word has two alternatives: too few for three balanced options
    assert _distractors("RCU", words, pool, set(), names={"cognito"}) == []


def test_brand_learning_runs_on_real_note_lines():
    lines = note_lines(chunk_text("cloud.md", "# Cloud\n" + CLOUD))
    assert brand_words(line.text for line in lines) == {"acme"}
