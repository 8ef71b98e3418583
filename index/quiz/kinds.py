"""Turn mined facts into candidate items of each kind (match, cloze, numeric), each with a score."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from index.quiz.candidates import Definition, NoteLine, NumberFact, unit_family
from index.quiz.distractors import TermPool, numeric_options
from index.quiz.item import MAX_QUESTION, QuizItem, explanation_for, item_id, place_answer
from index.quiz.rules import (
    answer_leaks,
    bare_trivial_count,
    counts_against_variable,
    in_enumeration,
    in_example_clause,
)
from index.quiz.text import contains_phrase, normalise, trim_words, window_around

BLANK = "___"
MATCH_FRAME = {
    "en": "Which service or term matches: “{text}”?",
    "es": "¿Qué servicio o término corresponde a: «{text}»?",
}
CLOZE_FRAME = {"en": "Complete: {text}", "es": "Completa: {text}"}
GENERIC_TITLES = frozenset(
    {"good to know", "cosas a saber", "resumen", "summary", "overview", "intro", "notas", "notes"}
)
_CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")
COMFORTABLE_QUESTION = 160  # longer questions are a chore to read in a poll on a phone


@dataclass(frozen=True, slots=True)
class Candidate:
    """An item before selection, with how good it looks (higher is better)."""

    item: QuizItem
    score: float
    line: NoteLine


def _clean_title(title: str) -> str:
    title = re.sub(r"\s*\(\d{1,2}:\d{2}\)\s*$", "", title).strip(" #")
    title = re.sub(r"^\[[^\]]*\]\s*", "", title)
    title = re.sub(r"\s*[-–]?\s*PART\s*[\d,\s]+$", "", title, flags=re.IGNORECASE)
    return title.strip(" -–")


def _context(line: NoteLine, answer: str) -> str:
    """The innermost heading that does not give the answer away, as a short '[…] ' prefix."""
    for raw_title in reversed(line.chunk.path or (line.chunk.title,)):
        title = _clean_title(raw_title)
        if not title or len(title) > 45 or len(title.split()) > 6 or title.endswith("…"):
            continue
        if len(re.findall(r"[^\W\d_]", title)) < 3 or not title[:1].isalpha():
            continue
        if normalise(title) in GENERIC_TITLES:
            continue
        if contains_phrase(title, answer) or answer_leaks(title, answer, {}):
            continue
        if normalise(answer).replace(" ", "") in normalise(title).replace(" ", ""):
            continue
        return f"[{title}] "
    return ""


def length_penalty(question: str) -> float:
    """How much a long question costs in the ranking: 0 up to 160 characters, 0.6 at 300."""
    excess = max(0, len(question) - COMFORTABLE_QUESTION)
    return 0.6 * excess / (MAX_QUESTION - COMFORTABLE_QUESTION)


def _content_words(text: str) -> int:
    return len(_CONTENT_WORD.findall(text))


def _frame(frame: Mapping[str, str], lang: str, prefix: str, body: str) -> str:
    template = frame.get(lang, frame["en"])
    room = MAX_QUESTION - len(prefix) - len(template.format(text=""))
    return prefix + template.format(text=body if len(body) <= room else trim_words(body, room))


def _item(
    kind: str, line: NoteLine, question: str, answer: str, distractors: list[str]
) -> QuizItem:
    identifier = item_id(kind, line.text, answer)
    options, position = place_answer(answer, distractors, identifier)
    return QuizItem(
        id=identifier,
        kind=kind,
        lang=line.lang,
        question=question,
        options=options,
        answer=position,
        explanation=explanation_for(line.text, line.chunk.source, line.line_no),
        source=line.chunk.source,
        path=tuple(line.chunk.path),
        chunk_id=line.chunk.id,
        line=line.line_no,
    )


def match_candidate(definition: Definition, pool: TermPool) -> Candidate | None:
    """'Which service or term matches: <description>?' with sibling terms as distractors."""
    line, term, description = definition.line, definition.term, definition.description
    if contains_phrase(description, term) or _content_words(description) < 3:
        return None
    prefix = _context(line, term)
    question = _frame(MATCH_FRAME, line.lang, prefix, description)
    siblings = pool.nearest(term, line, question)
    if len(siblings) < 3:
        return None
    closeness = sum(tier for _, tier in siblings) / len(siblings)
    informative = min(_content_words(description), 10) / 10
    verbose = 0.5 if len(description) > 220 else 0.0
    score = (
        1.0
        + closeness / 3
        + informative
        + (0.2 if prefix else 0.0)
        - verbose
        - length_penalty(question)
    )
    return Candidate(_item("match", line, question, term, [t for t, _ in siblings]), score, line)


def cloze_candidate(
    line: NoteLine, term: str, span: tuple[int, int], pool: TermPool, df: int
) -> Candidate | None:
    """'Complete: … ___ …' blanking a known term of the line."""
    start, end = span
    if in_example_clause(line.text, start) or in_enumeration(line.text, start, end):
        return None  # "(e.g. S3, RDS, Redshift, ___)": any of many answers would do
    body = line.text[:start] + BLANK + line.text[end:]
    if contains_phrase(body, term) or _content_words(body) < 4:
        return None
    prefix = _context(line, term)
    template = CLOZE_FRAME.get(line.lang, CLOZE_FRAME["en"])
    room = MAX_QUESTION - len(prefix) - len(template.format(text=""))
    body = window_around(body, start, start + len(BLANK), room)
    question = prefix + template.format(text=body)
    siblings = pool.nearest(term, line, question)
    if len(siblings) < 3:
        return None
    closeness = sum(tier for _, tier in siblings) / len(siblings)
    informative = min(_content_words(body), 10) / 10
    specificity = 1.0 / (1.0 + math.log(max(df, 1)))
    in_list = bool(re.search(r",\s*$", line.text[:start])) or bool(
        re.match(r"^\s*,", line.text[end:])
    )
    score = (
        0.8
        + closeness / 3
        + informative
        + specificity
        + (0.2 if prefix else 0.0)
        - (0.4 if in_list else 0.0)
        - (0.5 if len(line.text) > 220 else 0.0)
        - length_penalty(question)
    )
    return Candidate(_item("cloze", line, question, term, [t for t, _ in siblings]), score, line)


def numeric_candidate(fact: NumberFact, nearby: Sequence[str]) -> Candidate | None:
    """'Complete: … ___ …' blanking a number (with its unit), distractors in the same unit."""
    line = fact.line
    answer = fact.number + fact.joiner + fact.unit
    family = unit_family(fact.unit)
    if in_example_clause(line.text, fact.start):
        return None  # "e.g. in 6 hours": an illustration, not a figure to learn
    if not fact.unit and (bare_trivial_count(fact.number) or counts_against_variable(line.text)):
        return None  # "Fanout -> 1 SNS -> N SQS": the shape of a pattern, not a fact
    if fact.unit:
        body = line.text[: fact.start] + BLANK + line.text[fact.end :]
    else:
        body = line.text[: fact.start] + BLANK + line.text[fact.start + len(fact.number) :]
    if _content_words(body) < 3:
        return None
    prefix = _context(line, answer)
    template = CLOZE_FRAME.get(line.lang, CLOZE_FRAME["en"])
    room = MAX_QUESTION - len(prefix) - len(template.format(text=""))
    body = window_around(body, fact.start, fact.start + len(BLANK), room)
    question = prefix + template.format(text=body)
    distractors = numeric_options(
        fact.number, fact.unit, fact.joiner, family, nearby, question, line.text + "|" + answer
    )
    if distractors is None:
        return None
    informative = min(_content_words(body), 10) / 10
    verbose = 0.5 if len(line.text) > 220 else 0.0  # hard to read in a poll
    score = (
        1.0
        + (0.6 if fact.unit else 0.2)
        + informative
        + (0.2 if prefix else 0.0)
        - verbose
        - length_penalty(question)
    )
    return Candidate(_item("numeric", line, question, answer, distractors), score, line)
