"""Kinds read from the notes' structure: term → definition, "which is NOT in the list", and
which of two compared things ("X vs Y") has a property.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import replace

from index.quiz.candidates import Definition, NoteLine, term_shape
from index.quiz.distractors import are_variants
from index.quiz.facts import fact_problem
from index.quiz.giveaway import initials_leak, odd_form, shared_stem
from index.quiz.groups import Group
from index.quiz.item import MAX_OPTION, MAX_QUESTION, explanation_for
from index.quiz.kinds import Candidate, _item, _names_own_subject, subject_prefix
from index.quiz.text import contains_phrase, normalise, word_list

DEFINE_FRAME = {"en": "Which describes “{term}”?", "es": "¿Qué describe a «{term}»?"}
NOT_IN_LIST_FRAME = {
    "en": "Which of these is NOT listed under “{head}”?",
    "es": "¿Cuál de estos NO figura en «{head}»?",
}
COMPARE_FRAME = {
    "en": "“{x}” or “{y}”: which one matches “{text}”?",
    "es": "«{x}» o «{y}»: ¿cuál corresponde a «{text}»?",
}
MAX_OUTSIDER_DISTANCE = 150  # lines between a list and the list its outsider comes from
MAX_DESCRIPTION_RATIO = 2.2  # a much longer or shorter right answer stands out
MIN_PROPERTY_WORDS = 3  # "no fees", "more expensive": too vague to tell two things apart by
_PROPERTY_WORD = re.compile(r"[^\W\d_]{3,}")
_PROPERTY_STOP = frozenset(
    word_list(
        "the and for with from that this are was can has have not but its para por con los las "
        "una del que como más mas sin sus son está esta"
    )
)


def _pick(key: str, count: int) -> int:
    return hashlib.sha256(key.encode()).digest()[0] % count


def define_candidates(
    defs: Sequence[Definition], groups: Sequence[Group], skip: Mapping[str, Set[str]]
) -> list[Candidate]:
    """'Which describes <term>?' with the descriptions of the term's siblings as distractors."""
    by_line = {(d.line.chunk_index, d.line.line_no): d for d in defs}
    out: list[Candidate] = []
    for group in groups:
        members = [by_line.get((line.chunk_index, line.line_no)) for line in group.lines]
        usable = [
            d
            for d in members
            if d is not None
            and d.line.problem is None
            and len(d.description) <= MAX_OPTION
            and fact_problem(d.description, (), "") in (None, "fragment")
        ]
        for definition in usable:
            if _pick(definition.term, 2):
                continue  # half the terms are asked the other way round, as "which term matches"
            others = [
                d.description
                for d in usable
                if d is not definition and not are_variants(d.term, definition.term)
            ]
            candidate = _define(definition, others, usable, skip[definition.line.chunk.source])
            if candidate is not None:
                out.append(candidate)
    return out


def _define(
    definition: Definition, others: list[str], siblings: Sequence[Definition], skip: Set[str]
) -> Candidate | None:
    term, answer, line = definition.term, definition.description, definition.line
    if shared_stem(answer, term, []) or initials_leak(answer, term):
        return None  # "GP2 - general purpose SSD": the description spells the term
    distractors: list[str] = []
    for description in others:
        if normalise(description) == normalise(answer) or contains_phrase(description, term):
            continue
        if any(contains_phrase(description, s.term) for s in siblings):
            continue  # it names a sibling: it describes that one, not a stranger
        distractors.append(description)
        if len(distractors) == 3:
            break
    if len(distractors) < 3:
        return None
    lengths = [len(option) for option in (answer, *distractors)]
    if max(lengths) > MAX_DESCRIPTION_RATIO * min(lengths):
        return None
    prefix = subject_prefix(line, term, skip)
    if prefix is None or not prefix:
        return None  # "Which describes Weave?" needs the heading to say what Weave is
    template = DEFINE_FRAME.get(line.lang, DEFINE_FRAME["en"])
    question = prefix + template.format(term=term)
    if len(question) > MAX_QUESTION:
        return None
    score = 3.4 + (0.2 if len(answer) < 80 else 0.0)  # above the match item of the same line
    return Candidate(_item("define", line, question, answer, distractors), score, line)


def not_in_list_candidates(
    groups: Sequence[Group],
    all_groups: Sequence[Group],
    skip: Mapping[str, Set[str]],
    specific: Callable[[str], bool],
) -> list[Candidate]:
    """'Which of these is NOT listed under <head>?': three items of the list and one term of
    the same shape from the nearest other list of the same file."""
    out: list[Candidate] = []
    for group in groups:
        if not group.head or group.head_line is None or len(group.terms) < 3:
            continue
        head_line = group.head_line
        if fact_problem(group.head + " items", (), "") not in (None,) or len(group.head) > 60:
            continue
        shape = term_shape(group.terms[0])
        if any(term_shape(term) != shape or not specific(term) for term in group.terms):
            continue  # "Everything", "Scheduling": words, not names of one kind
        if any(line.problem == "typo" for line in group.lines):
            continue
        chunk_text = normalise(head_line.chunk.text)
        outsider = _outsider(group, all_groups, shape, chunk_text, specific)
        if outsider is None:
            continue
        start = _pick(group.head, len(group.terms))
        shown = [group.terms[(start + i) % len(group.terms)] for i in range(3)]
        prefix = subject_prefix(
            head_line, outsider, skip[head_line.chunk.source], own_subject=False
        )
        if prefix is None or (not prefix and _names_own_subject(group.head) is None):
            continue  # "3 componentes": of what?
        template = NOT_IN_LIST_FRAME.get(head_line.lang, NOT_IN_LIST_FRAME["en"])
        question = prefix + template.format(head=group.head)
        if len(question) > MAX_QUESTION:
            continue
        if foreign_outsider(group.terms, outsider):
            continue  # "Mongo DB" among "Viewer Request", "Origin Response": of another kind
        if shared_stem(question, outsider, shown) or odd_form([outsider, *shown]):
            continue  # "API Gateway" among "API GW Endpoint types", "ELB" among GP2, ST1, SC1
        item = _item("not_in_list", head_line, question, outsider, shown)
        listed = f"{group.head}: {', '.join(group.terms)}"
        explanation = explanation_for(listed, head_line.chunk.source, head_line.line_no)
        out.append(Candidate(replace(item, explanation=explanation), 2.4, head_line))
    return out


def _words(term: str) -> set[str]:
    return {word for word in normalise(term).split() if len(word) > 1}


def foreign_outsider(terms: Sequence[str], outsider: str) -> bool:
    """The list's items are one family of names (each shares a word with another: "Viewer
    Request", "Origin Request", "Origin Response") and the outsider shares none of it: the odd
    one out shows without knowing the notes."""
    families = [_words(term) for term in terms]
    if not all(len(words) > 1 for words in families):
        return False
    related = all(
        any(words & other for j, other in enumerate(families) if j != i)
        for i, words in enumerate(families)
    )
    return related and not any(_words(outsider) & words for words in families)


def _outsider(
    group: Group,
    all_groups: Sequence[Group],
    shape: str,
    chunk_text: str,
    specific: Callable[[str], bool],
) -> str | None:
    here = group.lines[0]
    best: tuple[int, str] | None = None
    for other in all_groups:
        first = other.lines[0]
        if other is group or first.chunk.source != here.chunk.source:
            continue
        for term in other.terms:
            if term_shape(term) != shape or f" {normalise(term)} " in f" {chunk_text} ":
                continue
            if not specific(term):
                continue
            if any(are_variants(term, mine) for mine in group.terms):
                continue
            distance = abs(first.line_no - here.line_no)
            if distance > MAX_OUTSIDER_DISTANCE or first.path[:1] != here.path[:1]:
                continue  # far away or under another top heading: likely another kind of thing
            if best is None or (distance, term) < best:
                best = (distance, term)
            break
    return best[1] if best else None


_VS = re.compile(r"\s+(?:vs\.?|versus)\s+", re.IGNORECASE)
_COMPARED = re.compile(
    r"^(?P<x>[^:()]{2,40}?)\s+(?:vs\.?|versus)\s+(?P<y>[^:()]{2,40}?)[\s:.]*$", re.I
)


def thin_property(prop: str) -> bool:
    """Fewer than three content words ("no fees"): a property too vague to ask about."""
    words = [w for w in _PROPERTY_WORD.findall(prop) if w.casefold() not in _PROPERTY_STOP]
    return len(words) < MIN_PROPERTY_WORDS


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def compare_candidates(lines: Sequence[NoteLine]) -> list[Candidate]:
    """From an 'X vs Y' line followed by 'p vs q' lines: which of X and Y has p (or q)?

    One item per comparison, on its most telling property: two options are a coin toss to a
    strict examiner (FAIR at best), so a note of many comparisons must not fill a quiz."""
    out: list[tuple[str, int, Candidate]] = []
    for index, head in enumerate(lines):
        compared = None if head.bullet else _COMPARED.match(head.text)
        if compared is None:
            continue
        # "Microeconomía vs macroeconomía": both options written alike, with a capital
        x, y = (_capitalised(compared.group(side).strip()) for side in ("x", "y"))
        if are_variants(x, y) or len(x) > MAX_OPTION or len(y) > MAX_OPTION:
            continue
        for line in lines[index + 1 : index + 12]:
            if line.chunk_index != head.chunk_index or not line.bullet or line.problem == "typo":
                break
            sides = _VS.split(line.text)
            if len(sides) != 2:
                continue
            side = _pick(line.text, 2)
            prop = sides[side].strip(" .;,")
            answer = (x, y)[side]
            if thin_property(prop) or contains_phrase(prop, x) or contains_phrase(prop, y):
                continue
            if fact_problem(prop[:1].upper() + prop[1:], (), "") not in (None,):
                continue
            if shared_stem(prop, answer, [(x, y)[1 - side]]):
                continue
            template = COMPARE_FRAME.get(line.lang, COMPARE_FRAME["en"])
            question = template.format(x=x, y=y, text=prop)
            if len(question) > MAX_QUESTION:
                continue
            item = _item("compare", line, question, answer, [(x, y)[1 - side]])
            out.append((normalise(prop), index, Candidate(item, 2.4, line)))
    # "Space unlimited (EBS)" on two lines: the same property, maybe on both sides
    asked = Counter(prop for prop, _, _ in out)
    best: dict[int, tuple[int, Candidate]] = {}
    for prop, block, candidate in out:
        telling = len(_PROPERTY_WORD.findall(prop))
        if asked[prop] == 1 and (block not in best or telling > best[block][0]):
            best[block] = (telling, candidate)
    return [candidate for _, candidate in best.values()]
