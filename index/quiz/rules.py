"""Quality rules every quiz item must pass before it is shipped (and that the tests re-check)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Set

from index.acronyms import spelt_out_anywhere
from index.quiz.candidates import term_shape
from index.quiz.distractors import are_variants, lengths_compatible
from index.quiz.item import MAX_EXPLANATION, MAX_OPTION, MAX_QUESTION, QuizItem
from index.quiz.text import contains_phrase, normalise, stem, stem_words

# Words too common in AWS names to give an answer away ("AWS Batch" vs a question about AWS).
_SHARED_WORDS = frozenset({"aws", "amazon", "service", "servicio"})
KINDS = frozenset({"cloze", "match", "numeric"})
_NUMERIC_OPTION = re.compile(r"^(?P<num>\d[\d.,]*)(?P<joiner>\s?)(?P<unit>\S*)$")


def answer_leaks(question: str, answer: str, expansions: Mapping[str, Set[str]]) -> bool:
    """True when the question gives the answer away: verbatim, a plural, joined-up, or spelt out."""
    if contains_phrase(question, answer):
        return True
    compact_answer = normalise(answer).replace(" ", "")
    if len(compact_answer) >= 5 and compact_answer in normalise(question).replace(" ", ""):
        return True
    for expansion in expansions.get(answer.upper(), ()):
        if contains_phrase(question, expansion):
            return True
    for token in answer.split():
        if spelt_out_anywhere(token.strip("()[]{}.,;:"), question):
            return True  # SNI and "Server Name Indication", GP2 and "General Purpose"
    answer_norm = normalise(answer)
    for acronym, phrases in expansions.items():
        if any(normalise(phrase) == answer_norm for phrase in phrases) and contains_phrase(
            question, acronym
        ):
            return True
    return False


def _same_word(first: str, second: str) -> bool:
    if first == second:
        return True
    shortest = min(len(first), len(second))
    if shortest < 5:
        return False
    common = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        common += 1
    return common >= max(5, shortest - 2)


def giveaway_word(question: str, answer: str, distractors: list[str]) -> str | None:
    """A distinctive word of the answer (not shared by any distractor) that the question repeats.

    "Jobs are submitted to a queue" gives "Job Queue" away when no other option says queue.
    """
    question_words = stem_words(question)
    other_words = {word for option in distractors for word in stem_words(option)}
    for word in stem_words(answer):
        if len(word) < 4 or word in _SHARED_WORDS:
            continue
        if any(_same_word(word, other) for other in other_words):
            continue
        if any(_same_word(word, asked) for asked in question_words):
            return word
    return None


def _number_leaks(question: str, answer: str) -> bool:
    match = _NUMERIC_OPTION.match(answer)
    number = match.group("num") if match else answer
    return re.search(r"(?<![\w.,])" + re.escape(number) + r"(?![\d]|[.,]\d)", question) is not None


def problems(item: QuizItem, expansions: Mapping[str, Set[str]] | None = None) -> list[str]:
    """Every rule ``item`` breaks; an empty list means it may be shipped."""
    expansions = expansions or {}
    found: list[str] = []
    if item.kind not in KINDS:
        found.append(f"unknown kind {item.kind!r}")
    if item.lang not in ("en", "es"):
        found.append(f"unknown language {item.lang!r}")
    if not item.question.strip() or len(item.question) > MAX_QUESTION:
        found.append("question empty or longer than 300 characters")
    if not 3 <= len(item.options) <= 4:
        found.append("needs 3 or 4 options")
    if not 0 <= item.answer < len(item.options):
        found.append("answer index out of range")
        return found
    if any(not 1 <= len(option) <= MAX_OPTION for option in item.options):
        found.append("option length outside 1..100")
    if any(option != option.strip() or "\n" in option for option in item.options):
        found.append("option with stray whitespace")
    if not item.explanation.strip() or len(item.explanation) > MAX_EXPLANATION:
        found.append("explanation empty or longer than 200 characters")
    normalised = [normalise(option) for option in item.options]
    if len(set(normalised)) != len(normalised) or not all(normalised):
        found.append("options not distinct")
    if not lengths_compatible(list(item.options)):
        found.append("option lengths too different")
    answer = item.correct_option
    if item.kind == "numeric":
        shapes = [_NUMERIC_OPTION.match(option) for option in item.options]
        if not all(shapes):
            found.append("numeric options must all be numbers")
        elif len({(m.group("joiner"), stem(m.group("unit").casefold())) for m in shapes if m}) != 1:
            found.append("numeric options must share one unit")
        if _number_leaks(item.question, answer):
            found.append("answer appears in the question")
    else:
        for i, option in enumerate(item.options):
            for other in item.options[i + 1 :]:
                if are_variants(option, other):
                    found.append(f"options {option!r} and {other!r} are variants")
        if len({term_shape(option) for option in item.options}) != 1:
            found.append("options of different types")
        if any(_NUMERIC_OPTION.match(option) for option in item.options):
            found.append("a term option is a bare number")
        if answer_leaks(item.question, answer, expansions):
            found.append("answer appears in the question")
        distractors = [o for i, o in enumerate(item.options) if i != item.answer]
        word = giveaway_word(item.question, answer, distractors)
        if word is not None:
            found.append(f"question repeats the answer's word {word!r}")
    if "___" not in item.question and item.kind in ("cloze", "numeric"):
        found.append("cloze without a blank")
    return found


def passes(item: QuizItem, expansions: Mapping[str, Set[str]] | None = None) -> bool:
    return not problems(item, expansions)
