"""Questions built from the notes' structure: distractors from the answer's own group, a subject
that names the topic, neutral frames, and the define / NOT-in-list / X-vs-Y kinds."""

from __future__ import annotations

from collections import Counter

from bench.quiz_bench import precision
from index.model import Chunk
from index.quiz import QuizItem, build_question_bank
from index.quiz.kinds import CLOZE_FRAME, MATCH_FRAME
from index.quiz.structured import COMPARE_FRAME, DEFINE_FRAME, NOT_IN_LIST_FRAME


def chunk(text: str, *, path=("Storage", "Volume types"), source="notes.txt", start=1) -> Chunk:
    lines = text.split("\n")
    return Chunk(
        id=f"c{abs(hash((text, path, source, start))) % 10**8}",
        source=source,
        line_start=start,
        line_end=start + len(lines) - 1,
        path=path,
        title=path[-1],
        text=text,
        lang="en",
    )


VOLUMES = [
    "Volume types:",
    " - GP2 - balanced SSD for most workloads and boot disks",
    " - IO1 - provisioned SSD for critical low latency databases",
    " - ST1 - throughput HDD for big data and log processing",
    " - SC1 - cold HDD for data that is rarely read at lowest cost",
]
OTHER_TERMS = [
    "In-memory caches:",
    " - Redis - in memory store with replication and persistence",
    " - Memcached - simple in memory cache with many nodes per cluster",
    " - DAX - cache in front of a key value table for reads",
    " - CDN - edge cache that serves static files near users",
]


def kinds_of(bank: list[QuizItem]) -> Counter[str]:
    return Counter(item.kind for item in bank)


def test_match_distractors_come_from_the_answers_own_list():
    bank = build_question_bank(
        [chunk("\n".join(VOLUMES)), chunk("\n".join(OTHER_TERMS), path=("Caching",), start=40)]
    )
    volume_terms = {"GP2", "IO1", "ST1", "SC1"}
    cache_terms = {"Redis", "Memcached", "DAX", "CDN"}
    matches = [item for item in bank if item.kind == "match"]
    assert matches
    for item in matches:
        assert set(item.options) in (volume_terms, cache_terms), item.options


def test_a_term_with_fewer_than_three_siblings_is_not_asked():
    few = VOLUMES[:3] + ["", "Unrelated prose that mentions DAX and Redis here."]
    bank = build_question_bank(
        [chunk("\n".join(few)), chunk("\n".join(OTHER_TERMS), path=("Caching",), start=40)]
    )
    assert not [item for item in bank if item.correct_option in {"GP2", "IO1"}]


def test_the_stem_names_its_subject_never_the_file_title_or_a_generic_heading():
    text = "\n".join(
        [
            "Messages are kept for up to 14 days in a standard queue.",
            "Visibility timeout hides a message while one consumer works on it.",
        ]
    )
    under_topic = build_question_bank([chunk(text, path=("Queues", "Retention"))])
    assert [item.question for item in under_topic if item.kind == "numeric"] == [
        "[Retention] Complete: Messages are kept for up to ___ in a standard queue."
    ]
    for generic in (("Others",), ("id: 1716491727-permisos",)):
        bank = build_question_bank([chunk(text, path=generic)])
        assert not [item for item in bank if item.kind == "numeric"], generic
    # the file's title (the first chunk's outer heading) is not a subject either
    first = chunk("Intro line of the notes file.", path=("My Study Notes",), start=1)
    later = chunk(text, path=("My Study Notes",), start=5)
    assert not [i for i in build_question_bank([first, later]) if i.kind == "numeric"]


def test_a_line_naming_its_own_subject_needs_no_heading():
    text = "SQS keeps messages for up to 14 days in a standard queue."
    bank = build_question_bank([chunk(text, path=("Others",))])
    assert [item.question for item in bank] == [
        "Complete: SQS keeps messages for up to ___ in a standard queue."
    ]


def test_a_verb_first_line_needs_a_heading_for_its_subject():
    text = "Keeps messages for up to 14 days in a standard queue."
    assert not build_question_bank([chunk(text, path=("Others",))])
    assert build_question_bank([chunk(text, path=("Queues", "Retention"))])


def test_frames_say_nothing_about_the_subject_matter():
    frames = [*MATCH_FRAME.values(), *CLOZE_FRAME.values(), *DEFINE_FRAME.values()]
    frames += [*NOT_IN_LIST_FRAME.values(), *COMPARE_FRAME.values()]
    for frame in frames:
        lowered = frame.casefold()
        assert not any(word in lowered for word in ("service", "servicio", "aws", "cloud")), frame


def test_define_asks_which_description_fits_a_term():
    bank = build_question_bank([chunk("\n".join(VOLUMES))])
    defines = [item for item in bank if item.kind == "define"]
    assert defines
    for item in defines:
        assert item.question.startswith("[Volume types] Which describes “")
        assert len(item.options) == 4
        term = item.question.split("“")[1].split("”")[0]
        assert term in {"GP2", "IO1", "ST1", "SC1"}
        assert item.explanation.startswith(f"{term} - {item.correct_option}")


FAMILIES = [
    "Instance families:",
    " - M5 - general purpose machines for web servers",
    " - C5 - compute heavy machines for batch jobs",
    " - R5 - memory heavy machines for in memory caches",
    " - T3 - burstable machines for small spiky loads",
]


def test_not_in_list_offers_one_term_of_the_same_form_from_another_list():
    volumes, families = {"GP2", "IO1", "ST1", "SC1"}, {"M5", "C5", "R5", "T3"}
    bank = build_question_bank(
        [
            chunk("\n".join(VOLUMES)),
            chunk("\n".join(FAMILIES), path=("Storage", "Machines"), start=40),
        ]
    )
    items = [item for item in bank if item.kind == "not_in_list"]
    assert items
    for item in items:
        head = item.question.split("“")[1].split("”")[0]
        own, other = (volumes, families) if head == "Volume types" else (families, volumes)
        shown = [option for i, option in enumerate(item.options) if i != item.answer]
        assert set(shown) <= own and item.correct_option in other, item


def test_not_in_list_drops_an_outsider_odd_in_form():
    bank = build_question_bank(
        [chunk("\n".join(VOLUMES)), chunk("\n".join(OTHER_TERMS), path=("Caching",), start=40)]
    )
    assert not [item for item in bank if item.kind == "not_in_list"]  # DAX lacks a digit


def test_compare_asks_which_side_of_an_x_vs_y_list_has_a_property():
    text = "\n".join(
        [
            "Batch vs Lambda",
            "1. Unlimited run time vs fifteen minutes at most",
            "2. Docker images of any kind vs a few supported runtimes",
        ]
    )
    bank = build_question_bank([chunk(text, path=("Compute", "Batch"))])
    compares = [item for item in bank if item.kind == "compare"]
    assert len(compares) == 1  # one per comparison: two options are a coin toss
    for item in compares:
        assert set(item.options) == {"Batch", "Lambda"}
        left, right = item.explanation.split(" — ")[0].split(" vs ")
        asked = item.question.split("matches “")[1].rstrip("”?")
        assert item.correct_option == ("Batch" if asked == left.strip() else "Lambda")
        assert asked in (left.strip(), right.strip())


def test_precision_counts_labels_by_id_then_by_stem_and_answer():
    shipped = QuizItem(
        id="aaaa",
        kind="numeric",
        lang="en",
        question="Complete: kept ___",
        options=("14 days", "7 days", "3 days"),
        answer=0,
        explanation="x — n:1",
        source="n",
        path=("p",),
        chunk_id="c",
        line=1,
    )
    labels = [
        {"id": "aaaa", "corpus": "c", "grade": "GOOD", "question": "", "answer": ""},
        {
            "id": "zzzz",
            "corpus": "c",
            "grade": "BAD",
            "question": "complete kept",
            "answer": "14 days",
        },
        {"id": "yyyy", "corpus": "c", "grade": "BAD", "question": "Gone", "answer": "x"},
        {"id": "xxxx", "corpus": "absent", "grade": "BAD", "question": "", "answer": ""},
    ]
    result = precision(labels, {"c": [shipped]})
    assert result.labelled == 3 and result.shipped == 2
    assert result.share_good_shipped() == 0.5
    assert result.share_bad_rejected() == 0.5
