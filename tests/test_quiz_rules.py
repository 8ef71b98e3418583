"""Unit tests of the quiz generator's pieces: rules, numbers, terms, ids, renderings."""

from __future__ import annotations

import dataclasses
import re

from index.lang import detect_lang_or
from index.model import Chunk
from index.quiz import QuizItem, build_question_bank
from index.quiz.candidates import NoteLine, definitions, note_lines, number_facts
from index.quiz.distractors import numeric_options, odd_one_out
from index.quiz.item import explanation_for, item_id, place_answer
from index.quiz.kinds import length_penalty
from index.quiz.rules import (
    answer_leaks,
    in_enumeration,
    in_example_clause,
    near_spelling,
    problems,
)
from index.quiz.text import contains_phrase, is_meta_line, trim_words


def chunk(text: str, *, path=("EC2", "Purchase options"), source="notes.txt", lang="en", start=1):
    lines = text.split("\n")
    return Chunk(
        id=f"c{abs(hash((text, path))) % 10**8}",
        source=source,
        line_start=start,
        line_end=start + len(lines) - 1,
        path=path,
        title=path[-1],
        text=text,
        lang=lang,
    )


def item(**changes) -> QuizItem:
    base = QuizItem(
        id="0123456789abcdef",
        kind="match",
        lang="en",
        question="Which term matches: “Pay per second, most expensive, no commitment”?",
        options=("Reserved", "On-Demand", "Spot Instances", "Dedicated Hosts"),
        answer=1,
        explanation="On-Demand - Pay per second, most expensive — notes.txt:3",
        source="notes.txt",
        path=("EC2",),
        chunk_id="c1",
        line=3,
    )
    return dataclasses.replace(base, **changes)


def test_a_good_item_passes():
    assert problems(item()) == []


def test_answer_in_question_is_caught_with_case_accents_and_plurals():
    assert problems(item(question="Which matches: on-demand pricing, most expensive?"))
    assert problems(item(question="¿Qué corresponde a: instancias ON DEMANDS caras?"))
    assert answer_leaks("Usa la Política de réplica", "políticas", {})
    assert answer_leaks("Jobs go to CrossRegion storage", "Cross Region", {})


def test_acronym_expansion_in_question_is_a_leak():
    expansions = {"CRR": {"Cross Region Replication"}}
    assert answer_leaks(
        "Which matches: Cross Region Replication for compliance?", "CRR", expansions
    )
    assert answer_leaks("Which matches: Server Name Indication in the handshake?", "SNI", {})
    assert answer_leaks("¿Qué es CRR en S3?", "Cross Region Replication", expansions)
    assert answer_leaks("Which matches: General Purpose (cheap)?", "GP2", {})  # 2: a version
    assert answer_leaks("Completa: mover a S3 Standard-Infrequent Access", "IA", {})
    assert not answer_leaks("[RDS Security] Complete: IAM policies control ___", "AWS RDS", {})
    assert not answer_leaks("Which matches: copies objects to another region?", "CRR", expansions)


def test_distinctive_answer_word_repeated_in_question_is_a_giveaway():
    leaky = item(
        question="Which term matches: “Jobs wait in a queue for capacity”?",
        options=("Job Definition", "Job Queue", "Compute Environment", "Job State"),
    )
    assert any("queue" in problem for problem in problems(leaky))


def test_option_rules():
    assert problems(item(options=("Reserved", "On-Demand")))  # too few
    assert problems(item(options=("Reserved", "On-Demand", "on demand", "Spot")))  # not distinct
    assert problems(
        item(options=("RI", "On-Demand", "Spot", "A very long name of a purchase option"))
    )
    assert problems(item(options=("Reserved", "On-Demand", "Spot", "x" * 101)))
    assert problems(item(answer=4))
    assert problems(item(question="Q" * 301))
    assert problems(item(explanation="E" * 201))
    assert problems(item(kind="essay"))


def test_numeric_item_rules():
    good = item(
        kind="numeric",
        question="Complete: Cluster placement groups give ___ of network",
        options=("1 Gbps", "10 Gbps", "40 Gbps", "100 Gbps"),
    )
    assert problems(good) == []
    assert problems(dataclasses.replace(good, options=("1 Gbps", "10 Gbps", "40 GB", "100 Gbps")))
    assert problems(dataclasses.replace(good, question="Complete: 10 Gbps, so ___ of network"))


def test_numeric_distractors_keep_the_unit_and_magnitude():
    options = numeric_options("10", "Gbps", " ", "rate", [], "Complete: ___ of network", "k")
    assert options is not None and len(options) == 3
    for option in options:
        number, unit = option.split(" ")
        assert unit == "Gbps" and number != "10" and 1 <= float(number) <= 200
    percents = numeric_options("75", "%", "", "percent", ["54"], "Reserved: ___ discount", "k")
    assert percents is not None and "54%" in percents
    assert all(0 < float(p[:-1]) <= 100 and p != "75%" for p in percents)
    days = numeric_options("14", "días", " ", "time", [], "máximo de ___", "k")
    assert days and all(option.endswith(" días") for option in days)


def test_durability_nines_vary_the_number_of_nines():
    options = numeric_options("99.999999999", "%", "", "percent", [], "Durability ___", "k")
    assert options and all(re.fullmatch(r"99\.9+%", option) for option in options)
    assert "99.999999999%" not in options


def test_numbers_inside_names_ranges_and_years_are_not_blanked():
    line = NoteLine(chunk("x"), 0, 1, "EC2 t2.micro S3 from 2017 with 1 to 6 hours and X.509", "en")
    assert number_facts(line) == []
    line = NoteLine(chunk("x"), 0, 1, "Spot Block gives 6 hours without interruption", "en")
    assert [(f.number, f.unit) for f in number_facts(line)] == [("6", "hours")]


def test_definition_lines_are_recognised_and_labels_skipped():
    text = "\n".join(
        [
            "GP2 (SSD) - SSD de proposito general para variadas cargas",
            "Pros: Great network, low latency for big data",
            "Kinesis Streams: low latency streaming ingest at scale",
            "TLS is a newer version of SSL used everywhere",
        ]
    )
    lines = note_lines([chunk(text)])
    terms = [d.term for d in definitions(lines)]
    assert terms == ["GP2", "Kinesis Streams", "TLS"]


def test_meta_lines_are_never_material():
    for text in [
        "##  [DEMO] Create the ORG (6:09)",
        "ssh -i EC2Tutorial.pem ec2-user@18.221.68.113",
        "https://policysim.aws.amazon.com/",
        "Metadata at 169.254.169.254 only works inside",
        "ECS_ENABLE_TASK_IAM_ROLE=true (habilitar IAM)",
    ]:
        assert is_meta_line(text), text


def test_ids_depend_on_content_not_position():
    assert item_id("cloze", "Max 5 Elastic IP per account", "5") == item_id(
        "cloze", "Max  5 elastic IP per account", "5"
    )
    assert item_id("cloze", "Max 5 Elastic IP", "5") != item_id("numeric", "Max 5 Elastic IP", "5")
    assert item_id("match", "A - b c d", "A") != item_id("match", "A - b c d", "B")


def test_answer_position_is_deterministic_and_varies():
    positions = set()
    for key in ("a", "b", "c", "d", "e", "f", "g", "h"):
        options, index = place_answer("X", ["P", "Q", "R"], key)
        assert options[index] == "X" and sorted(options) == ["P", "Q", "R", "X"]
        assert place_answer("X", ["P", "Q", "R"], key) == (options, index)
        positions.add(index)
    assert len(positions) >= 3


def test_explanation_is_trimmed_at_a_word_boundary():
    text = explanation_for("word " * 80, "aws-saa-apuntes.txt", 1234)
    assert len(text) <= 200 and text.endswith("… — aws-saa-apuntes.txt:1234")
    assert trim_words("alpha beta gamma", 12) == "alpha beta…"


def test_language_and_phrase_helpers():
    assert detect_lang_or("Las instancias pueden perderse en cualquier momento", "en") == "es"
    assert detect_lang_or("The instances can be lost at any time", "es") == "en"
    assert detect_lang_or("EC2 Spot Fleets", "es") == "es"  # no evidence: the chunk's language
    assert contains_phrase("Usar Spot Fleets para batch", "spot fleet")
    assert not contains_phrase("Spotlight fleets", "spot fleet")


def test_small_outline_gives_sibling_distractors_from_its_own_enumeration():
    text = "\n".join(
        [
            "EBS volume types and what each is for:",
            "GP2 - general purpose SSD for most workloads and boot volumes",
            "IO1 - provisioned IOPS SSD for critical low latency databases",
            "ST1 - throughput optimized HDD for big data and log processing",
            "SC1 - cold HDD for data that is rarely accessed at lowest cost",
            "Only GP2 and IO1 can be used as boot volumes of an instance.",
        ]
    )
    bank = build_question_bank([chunk(text, path=("EBS", "Volume types"))])
    matches = [entry for entry in bank if entry.kind == "match"]
    assert matches
    for entry in matches:
        assert set(entry.options) == {"GP2", "IO1", "ST1", "SC1"}
        assert entry.question.startswith("[Volume types] Which term matches:")
    assert all(problems(entry) == [] for entry in bank)


def test_time_units_agree_with_their_number():
    # No distractor is the lone singular ("1 minute" among "5 minutes"): all are written alike.
    options = numeric_options("5", "minutes", " ", "time", [], "every ___", "seed")
    assert options and all(option.endswith(" minutes") for option in options)
    options = numeric_options("5", "minutos", " ", "time", [], "cada ___", "k")
    assert options and all(option.endswith(" minutos") for option in options)


def test_the_lone_singular_unit_gives_the_answer_away():
    singular_key = item(
        kind="numeric",
        question="Completa: datos cada ___",
        options=("1 minuto", "5 minutos", "15 minutos", "3 minutos"),
        answer=0,
    )
    assert "numeric options must share one unit, written alike" in problems(singular_key)
    typo_key = item(
        kind="numeric",
        question="Complete: default ___ validity",
        options=("12 hour", "6 hours", "36 hours", "8 hours"),
        answer=0,
    )
    assert "numeric options must share one unit, written alike" in problems(typo_key)
    alike = item(
        kind="numeric",
        question="Complete: default ___ validity",
        options=("12 hours", "6 hours", "36 hours", "8 hours"),
        answer=0,
    )
    assert problems(alike) == []


def numeric_questions(text: str, *, path=("SNS", "Fanout")) -> list[str]:
    """The numeric questions the generator ships for a small outline around ``text``."""
    filler = [
        "SNS - pub/sub service delivering messages to many subscribers at once",
        "SQS - queue service that decouples producers from consumers",
        "Kinesis - real time streaming of large amounts of data",
        "Lambda - runs code without servers in response to events",
    ]
    chunk_text = "\n".join([*filler, text])
    bank = build_question_bank([chunk(chunk_text, path=path)])
    return [entry.question for entry in bank if entry.kind == "numeric"]


def test_bare_zero_or_one_is_not_a_figure_to_learn():
    assert numeric_questions("Fanout sends every message to 1 topic and its subscribers") == []
    kept = numeric_questions("Fanout sends every message to 3 queues and their consumers")
    assert kept == [
        "[Fanout] Complete: Fanout sends every message to ___ queues and their consumers"
    ]
    # with a unit, one is a real figure
    assert numeric_questions("Messages hold up to 1 MB when no subscriber takes them")


def test_a_count_next_to_variable_counts_is_a_pattern_shape():
    shape = (
        "Fanout pattern publishes each order event to 2 topics -> {} SQS queues working in parallel"
    )
    assert numeric_questions(shape.format("N")) == []
    assert numeric_questions(shape.format("many"))
    ratio = "Fanout relation {} with up to 3 producers per topic sending order events to queues"
    assert numeric_questions(ratio.format("is N:1")) == []
    assert numeric_questions(ratio.format("is many to one"))


def test_numbers_inside_an_example_clause_are_not_blanked():
    rejected = [
        "Issue: Storage full -> Symptom: errors, e.g in 6 hours needed more storage -> Fix: resize",
        "Messages can be delayed (for example 15 minutes when the consumer is slow)",
        "Los mensajes se retienen, por ejemplo 14 días en la cola, y luego se borran",
        "Los mensajes se retienen (p.ej. 14 días) y luego se borran de la cola",
        "When an alarm fires (example CPU > 70%) the group adds instances to the queue workers",
    ]
    for text in rejected:
        assert numeric_questions(text) == [], text
    kept = [
        "Issue: Storage full -> Symptom: errors, e.g. auto scaling failed -> Fix: wait 6 hours",
        "Messages can be delayed up to 15 minutes (for example when the consumer is slow)",
        "Los mensajes se retienen hasta 14 días. Por ejemplo una cola de pedidos",
    ]
    for text in kept:
        assert numeric_questions(text), text


def test_example_clause_bounds():
    text = "Fanout (e.g. 3 queues) sends to 5 topics; eg 7 more -> then 9"
    inside = [number for number in "3579" if in_example_clause(text, text.index(number))]
    assert inside == ["3", "7"]
    assert not in_example_clause("Keggs and eggs weigh 5 kg", 20)  # "eg" only as a word


def test_a_blank_in_a_long_list_is_a_guessing_game():
    listed = "Task - work of a step: Lambda, Batch, DynamoDB, SNS, SQS, Glue etc"
    start = listed.index("DynamoDB")
    assert in_enumeration(listed, start, start + len("DynamoDB"))
    short = "Can use CLI, AWS SDK, or producer libraries from various frameworks"
    start = short.index("AWS SDK")
    assert not in_enumeration(short, start, start + len("AWS SDK"))
    remark = "Alta disponibilidad, escalable, caro (sale 3x GP2), se paga por uso"
    start = remark.index("GP2")
    assert not in_enumeration(remark, start, start + 3)
    cloze = item(
        kind="cloze",
        question="[Step Functions] Complete: Lambda, Batch, ___, SNS, SQS, Glue etc",
        options=("DynamoDB", "Fargate", "Kinesis", "Athena"),
        answer=0,
    )
    assert any("list" in problem for problem in problems(cloze))
    fine = dataclasses.replace(
        cloze, question="[Step Functions] Complete: a Task can call ___ directly, or SNS"
    )
    assert problems(fine) == []


def test_a_misspelt_answer_in_the_heading_gives_it_away():
    assert near_spelling("hibernate", "hinernate") and near_spelling("beanstalk", "beanstal")
    assert near_spelling("kinesis", "knieses") is False and not near_spelling("cache", "cached")
    leaky = item(
        question="[EC2 Hinernate] Which service or term matches: “RAM is kept on the root volume”?",
        options=("Spread", "Hibernate", "Cluster", "Partition"),
    )
    assert problems(leaky)
    assert problems(dataclasses.replace(leaky, question=leaky.question[15:])) == []


def test_long_questions_rank_lower():
    assert length_penalty("Complete: " + "x" * 150) == 0
    assert 0 < length_penalty("x" * 230) < length_penalty("x" * 300) <= 0.6


def test_the_answer_must_not_stand_out_by_form():
    assert odd_one_out("DynamoDB", ["NoSQL Database", "Scalar Types", "Object Storage"])
    brands = frozenset({"aws", "amazon"})  # as index.quiz.brands learns them from cloud notes
    assert odd_one_out("AWS SDK", ["AnyCast IP", "Cloudfront", "Inline Policy"], brands)
    assert odd_one_out("AWS SDK", ["AnyCast IP", "Cloudfront", "Inline Policy"]) is None
    assert odd_one_out("Kinesis", ["Amazon SQS", "DynamoDB", "Pub/Sub"], brands) is None
    assert (
        odd_one_out("AWS Lambda", ["AWS Glue", "Log Groups", "Elastic Beanstalk"], brands) is None
    )
    lone = item(
        kind="cloze",
        question="[Databases] Complete: a key-value store with single digit latency: ___",
        options=("NoSQL Database", "DynamoDB", "Scalar Types", "Object Storage"),
        answer=1,
    )
    assert any("form" in problem for problem in problems(lone))
    mixed = dataclasses.replace(
        lone, options=("NoSQL Database", "DynamoDB", "Aurora DB", "Redshift")
    )
    assert problems(mixed) == []


def test_distractor_picking_keeps_the_answer_in_company():
    text = "\n".join(
        [
            "DynamoDB - key value tables with single digit latency at any scale",
            "Scalar Types - number, string, binary and boolean attribute values",
            "Object Storage - flat store of whole objects reached by key over HTTP",
            "NoSQL Database - database without fixed schema nor joins between tables",
            "Aurora - relational engine compatible with MySQL and Postgres, six copies",
            "Teams pick Aurora for joins and reports, and move to Aurora when schemas settle",
        ]
    )
    bank = build_question_bank([chunk(text, path=("Databases", "Engines"))])
    dynamo = [entry for entry in bank if entry.correct_option == "DynamoDB"]
    assert dynamo and "Aurora" in dynamo[0].options
    assert all(problems(entry) == [] for entry in bank)
