"""The question bank over the whole shipped corpus: every item obeys the quality rules."""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from index.chunker import load_chunks
from index.quiz import QuizItem, build_question_bank, generate_quiz
from index.quiz.rules import problems

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FRAMES_ES = (
    "Completa:",
    "¿Qué término",
    "¿Qué describe",
    "¿Cuál de estos NO",
    "¿cuál corresponde",
    "¿Qué significa la sigla",
)
FRAMES_EN = (
    "Complete:",
    "Which term",
    "Which describes",
    "Which of these is NOT",
    "which one",
    "stand for?",
)


def fold(text: str) -> str:
    """My own normalisation: no accents, lower case, only letters/digits/% separated by spaces."""
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", text.lower()).split())


def mentions(question: str, answer: str) -> bool:
    """Whole-word occurrence of the answer, or of its plural/singular, in the question."""
    haystack = f" {fold(question)} "
    needle = fold(answer)
    variants = {needle, needle + "s", needle + "es"}
    if needle.endswith("s"):
        variants.add(needle[:-1])
    return any(f" {variant} " in haystack for variant in variants if variant)


def singular(unit: str) -> str:
    """'5 minutos' and '1 minuto' share a unit."""
    for plural, one in (("meses", "mes"), ("ses", "s"), ("s", "")):
        if unit.endswith(plural) and unit not in (" mes", "mes", " GB/s", "%"):
            return unit[: -len(plural)] + one
    return unit


@pytest.fixture(scope="module")
def chunks():
    return load_chunks(CORPUS)


@pytest.fixture(scope="module")
def bank(chunks) -> list[QuizItem]:
    return build_question_bank(chunks)


def test_bank_is_healthy_in_every_kind_and_language(bank):
    """Precision over recall, yet still a bank: figures, terms, comparisons, in both languages."""
    kinds = Counter(item.kind for item in bank)
    langs = Counter(item.lang for item in bank)
    # 79 before the seed-97 grading's BAD patterns were filtered, 69 after; 67 before the
    # same fact stated twice (two files, two sections) was asked once, 66 after
    # 68 before the sixth blind grading; 63 after its rules (runs of slash-separated facts,
    # doubled words, one compare per comparison); 59 after the seventh's (a figure alone in
    # an aside)
    assert len(bank) >= 56, kinds
    assert kinds["numeric"] >= 40, kinds
    # 9 before; the IO1-for-"IOPS" match and the "___ Hardware appliance" cloze were BAD
    # 6 before round 2, whose accent rule set aside the FAIR "[Tipos de Volumenes EBS]" cloze
    assert kinds["match"] + kinds["cloze"] + kinds["define"] >= 5, kinds
    # 3 compare before the round-2 grading; "which one matches 'no fees'" was too vague to ask;
    # 2 before one item per comparison
    assert kinds["compare"] >= 1 and kinds["not_in_list"] >= 1, kinds
    assert langs["en"] >= 30 and langs["es"] >= 20, langs
    assert {item.source for item in bank} == {"aws-sa-pro-notes.txt", "aws-saa-apuntes.txt"}


def test_every_item_passes_the_generator_rules(bank):
    broken = {item.id: problems(item) for item in bank if problems(item)}
    assert not broken


def test_telegram_quiz_limits_hold(bank):
    for item in bank:
        assert 1 <= len(item.question) <= 300, item
        assert 2 <= len(item.options) <= 10, item
        assert len(item.options) == 2 if item.kind == "compare" else 3 <= len(item.options) <= 4
        assert all(1 <= len(option) <= 100 for option in item.options), item
        assert 1 <= len(item.explanation) <= 200, item
        assert 0 <= item.answer < len(item.options)


def test_answer_never_appears_in_its_question(bank):
    for item in bank:
        answer = item.options[item.answer]
        if item.kind == "compare":
            continue  # "X or Y: which one…" names both options by design
        if item.kind == "numeric":
            number = re.match(r"[\d.,]+", answer).group(0)
            assert not re.search(rf"(?<![\w.,]){re.escape(number)}(?![\d]|[.,]\d)", item.question)
        else:
            assert not mentions(item.question, answer), (item.question, answer)
            assert (
                fold(answer).replace(" ", "") not in fold(item.question).replace(" ", "")
                or len(fold(answer).replace(" ", "")) < 5
            ), (item.question, answer)


def test_options_are_distinct_alike_and_of_one_type(bank):
    for item in bank:
        folded = [fold(option) for option in item.options]
        assert len(set(folded)) == len(folded), item.options
        lengths = [len(option) for option in item.options]
        if item.kind == "define":  # descriptions: a much longer right one would stand out
            assert max(lengths) <= 2.2 * min(lengths), item
        elif item.kind != "compare":
            assert max(lengths) <= 2.5 * min(lengths) and max(lengths) - min(lengths) <= 25, item
        if item.kind == "numeric":
            units = {singular(re.sub(r"^[\d.,]+", "", option)) for option in item.options}
            assert len(units) == 1, item.options
            assert all(re.match(r"^\d[\d.,]*(\s?\S+)?$", option) for option in item.options)
        else:
            assert not any(re.fullmatch(r"[\d.,\s%]+", option) for option in item.options)


def test_numeric_distractors_are_sensible_magnitudes(bank):
    def value(option: str) -> float:
        number = re.match(r"[\d.,]+", option).group(0)
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", number):
            return float(re.sub(r"[.,]", "", number))
        return float(number.replace(",", "."))

    for item in (item for item in bank if item.kind == "numeric"):
        answer = value(item.options[item.answer])
        for index, option in enumerate(item.options):
            if index == item.answer:
                continue
            assert value(option) != answer
            assert value(option) > 0
            if answer > 0:
                assert 0.04 <= value(option) / answer <= 25, item.options
            if option.endswith("%"):
                assert value(option) <= 100


def test_answer_positions_are_spread(bank):
    positions = Counter(item.answer for item in bank)
    for position in range(3):
        assert positions[position] >= len(bank) // 8, positions


def test_ids_are_unique_and_content_derived(bank, chunks):
    ids = [item.id for item in bank]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[0-9a-f]{16}", item_id) for item_id in ids)
    assert [item.id for item in build_question_bank(list(chunks))] == ids


def test_no_questions_about_course_meta_commands_or_addresses(bank):
    for item in bank:
        text = item.question + " " + " ".join(item.options)
        assert not re.search(r"\(\d{1,2}:\d{2}\)|\[demo\]|https?://|ssh -i", text, re.I), item
        assert not re.search(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", text), item
        assert not re.search(r"\b\w+\.(pem|txt|html)\b", item.question), item


def test_item_language_follows_its_source_line(bank):
    spanish = re.compile(r"\b(que|los|las|una|para|puede|tiene|está|más|también|cuando)\b", re.I)
    english = re.compile(r"\b(the|is|are|which|can|with|when|this|that|from)\b", re.I)
    checked = 0
    for item in bank:
        line = item.explanation.rsplit(" — ", 1)[0]
        es, en = len(spanish.findall(line)), len(english.findall(line))
        if es >= 3 and en == 0:
            assert item.lang == "es", item
            checked += 1
        elif en >= 3 and es == 0:
            assert item.lang == "en", item
            checked += 1
        frame_es = sum(item.question.count(frame) for frame in FRAMES_ES)
        frame_en = sum(item.question.count(frame) for frame in FRAMES_EN)
        assert (frame_es, frame_en) == ((1, 0) if item.lang == "es" else (0, 1)), item.question
    assert checked >= 5


def test_explanation_is_the_line_and_where_it_comes_from(bank):
    for item in bank:
        assert item.explanation.endswith(f" — {item.source}:{item.line}"), item.explanation
        assert item.path and item.chunk_id


def test_same_seed_same_quiz_and_other_seeds_differ(chunks):
    first = generate_quiz(chunks, count=10, seed=7)
    assert first == generate_quiz(chunks, count=10, seed=7)
    assert len(first) == 10
    others = [tuple(item.id for item in generate_quiz(chunks, 10, seed)) for seed in range(1, 6)]
    assert len(set(others)) == 5
    assert tuple(item.id for item in first) not in others[:1] or len(set(others)) == 5


def test_quiz_spreads_over_sources_and_sections(chunks):
    items = generate_quiz(chunks, count=12, seed=3)
    assert len({item.source for item in items}) == 2
    # path[0] is now the note's title (issue 8), so the top section is the heading below it
    assert len({(item.source, item.path[1:2]) for item in items}) >= 6
    assert len({item.id for item in items}) == len(items)


def test_quiz_does_not_repeat_an_answer_term(chunks):
    for seed in range(5):
        items = generate_quiz(chunks, count=15, seed=seed)
        terms = [fold(item.options[item.answer]) for item in items if item.kind != "numeric"]
        assert len(terms) == len(set(terms)), terms


def test_quiz_count_edges(chunks, bank):
    assert generate_quiz(chunks, count=0, seed=1) == []
    assert generate_quiz([], count=5, seed=1) == []
    everything = generate_quiz(chunks, count=len(bank) + 50, seed=1)
    assert sorted(item.id for item in everything) == sorted(item.id for item in bank)


def test_ids_survive_edits_elsewhere_in_the_notes(tmp_path, bank):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    notes = corpus / "aws-saa-apuntes.txt"
    text = notes.read_text(encoding="utf-8")
    marker = "Route 53 - Managed DNS"
    assert marker in text
    edited = text.replace(
        marker, marker + "\nRoute 53 soporta DNSSEC para firmar zonas públicas desde 2020.\n", 1
    )
    edited = "Apuntes de repaso agregados al principio\n\n" + edited
    notes.write_text(edited, encoding="utf-8")
    rebuilt = build_question_bank(load_chunks(corpus))
    before = {item.id: item for item in bank}
    after = {item.id: item for item in rebuilt}
    untouched = [item for item in bank if "Route" not in " ".join(item.path)]
    kept = [item for item in untouched if item.id in after]
    assert len(kept) >= 0.95 * len(untouched)
    # the same question moved down by the inserted lines, yet kept its id
    moved = [item for item in kept if item.source == "aws-saa-apuntes.txt"]
    assert moved and all(after[item.id].line >= before[item.id].line for item in moved)
    assert any(after[item.id].line > before[item.id].line for item in moved)


def test_json_and_text_renderings(bank):
    item = bank[0]
    data = item.to_json()
    assert set(data) == {
        "id",
        "kind",
        "lang",
        "question",
        "options",
        "answer",
        "explanation",
        "source",
        "path",
    }
    assert data["options"] == list(item.options) and data["path"] == list(item.path)
    text = item.render_text()
    assert text.startswith(item.question)
    for number, option in enumerate(item.options, 1):
        assert f"  {number}. {option}" in text
    assert f"{item.answer + 1}. {item.options[item.answer]}" in text.splitlines()[-2]


def test_items_of_tiny_sections_do_not_dominate_the_quizzes(chunks):
    """Sections are visited by a size-weighted shuffle: a lone item is not asked every time."""
    seen: Counter[str] = Counter()
    quizzes = 30
    for seed in range(quizzes):
        seen.update(item.id for item in generate_quiz(chunks, count=10, seed=seed))
    bank_size = len(build_question_bank(chunks))
    fair_share = quizzes * 10 / bank_size
    assert max(seen.values()) <= 4 * fair_share, seen.most_common(3)
    assert len(seen) >= 0.75 * bank_size
