"""Build the bank of good quiz items from chunks, and pick a spread-out, seeded selection."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

from index.model import Chunk
from index.quiz.acronym_items import acronym_candidates
from index.quiz.brands import brand_words
from index.quiz.candidates import (
    NoteLine,
    TermJudge,
    acronym_expansions,
    definitions,
    note_lines,
    number_facts,
    subject_terms,
    tidy_term,
    unit_family,
    vocabulary,
)
from index.quiz.conditional import condition_candidates
from index.quiz.conflicts import FigureIndex
from index.quiz.distractors import TermPool
from index.quiz.duplicates import drop_duplicates
from index.quiz.genus import genus_candidates
from index.quiz.groups import definition_runs, groups_by_term, list_groups
from index.quiz.item import QuizItem
from index.quiz.kinds import Candidate, cloze_candidate, match_candidate, numeric_candidate
from index.quiz.mix import mix_quiz_items
from index.quiz.rules import passes
from index.quiz.sections import heading_candidates, table_candidates
from index.quiz.structured import compare_candidates, define_candidates, not_in_list_candidates
from index.quiz.text import normalise

MIN_SCORE = {
    "match": 2.0,
    "cloze": 2.4,
    "numeric": 2.2,
    "define": 2.0,
    "not_in_list": 2.0,
    "compare": 2.0,
    "acronym": 2.0,
    "table": 2.0,
    "heading": 2.0,
    "condition": 2.4,  # at least one distractor the notes define by a condition too
    "genus": 2.4,  # at least one distractor defined with the same genus, not a bare title
}
MAX_DF_SHARE = 0.08  # terms found in more chunks than this share are too common to blank


def _term_spans(text: str, term: str) -> list[tuple[int, int]]:
    pattern = re.compile(
        r"(?<![\w\-:/.@])" + re.escape(term) + r"(?:s|es)?(?![\w\-/@]|[.:]\w)", re.IGNORECASE
    )
    return [match.span() for match in pattern.finditer(text)]


def _nearby_numbers(lines: Sequence[NoteLine], index: int, unit: str) -> list[str]:
    """Numbers with the same unit in the lines around ``lines[index]``, nearest first."""
    found: list[tuple[int, str]] = []
    here = lines[index]
    for other_index in range(max(0, index - 6), min(len(lines), index + 7)):
        other = lines[other_index]
        if other_index == index or other.chunk_index != here.chunk_index:
            continue
        for fact in number_facts(other):
            if fact.unit.casefold() == unit.casefold():
                found.append((abs(other_index - index), fact.number))
    return [number for _, number in sorted(found)]


def file_titles(chunks: Sequence[Chunk]) -> dict[str, frozenset[str]]:
    """Per source, the headings that title the whole file: never the subject of a question.

    The outermost heading of a file's first chunk is its title (an H1, or an outline's topic).
    """
    first: dict[str, Chunk] = {}
    for chunk in chunks:
        if chunk.source not in first or chunk.line_start < first[chunk.source].line_start:
            first[chunk.source] = chunk
    titles: dict[str, frozenset[str]] = defaultdict(frozenset)
    for source, chunk in first.items():
        stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        titles[source] = frozenset(normalise(t) for t in (*chunk.path[:1], stem) if t)
    return titles


def _candidates(
    chunks: Sequence[Chunk],
) -> tuple[list[Candidate], dict[str, set[str]], frozenset[str]]:
    """Every candidate item, the acronyms' expansions and the notes' name prefixes (brands)."""
    lines = note_lines(chunks)
    expansions = acronym_expansions(lines)
    brands = brand_words(chunk.text for chunk in chunks)
    figures = FigureIndex(lines)
    judge = TermJudge(lines)
    generic = subject_terms(chunks, brands)
    defs = definitions(lines, judge, generic)
    pool = TermPool(judge.specific, brands)
    for definition in defs:
        pool.add(definition.term, definition.line)
    runs = definition_runs(defs)
    lists = list_groups(lines)
    groups = runs + [g for g in lists if len(g.terms) >= 4]
    for group in groups:
        for term, line in zip(group.terms, group.lines, strict=False):
            pool.add(term, line)
    siblings = {
        key: frozenset().union(*(g.term_keys() for g in found))
        for key, found in groups_by_term(groups).items()
    }
    skip = file_titles(chunks)
    vocab = {
        key: term
        for key, term in vocabulary(defs, chunks).items()
        if key not in generic and judge.specific(term)
    }
    defined = {normalise(d.term) for d in defs}
    # How many chunks mention each vocabulary term, to keep blanks on specific terms.
    chunk_texts = [f" {normalise(chunk.text)} " for chunk in chunks]
    df: Counter[str] = Counter()
    for key in vocab:
        df[key] = sum(f" {key} " in text for text in chunk_texts)
    # A heading is a term only when the notes also use it in their text (not a lecture topic).
    for key in [key for key in vocab if key not in defined and df[key] < 2]:
        del vocab[key]
    titled: set[int] = set()
    for line in lines:
        if line.chunk_index in titled:
            continue  # one place per chunk is enough for a heading term
        titled.add(line.chunk_index)
        for title in line.path[-1:]:
            key = normalise(tidy_term(title))
            if key in vocab and key not in defined:
                pool.add(vocab[key], line)
    pool.learn_mentions(chunk_texts)
    too_common = max(3, int(len(chunks) * MAX_DF_SHARE))

    out: list[Candidate] = []
    out += define_candidates(defs, runs, skip)
    out += not_in_list_candidates(lists, runs + lists, skip, judge.specific)
    out += compare_candidates(lines)
    out += table_candidates(lines, skip)
    out += heading_candidates(lines)
    known = [d.term for d in defs] + list(vocab.values())
    out += genus_candidates(lines, known)
    out += condition_candidates(lines, known, [chunk.text for chunk in chunks])
    out += acronym_candidates(lines, expansions, skip, brands)
    defined_lines = {definition.line.position for definition in defs}
    for definition in defs:
        only = siblings.get(normalise(definition.term))
        if definition.line.problem is not None or only is None:
            continue
        candidate = match_candidate(definition, pool, only, skip[definition.line.chunk.source])
        if candidate is not None:
            out.append(candidate)
    by_first_word: dict[str, list[str]] = defaultdict(list)
    for key in vocab:
        by_first_word[key.split()[0]].append(key)
    for index, line in enumerate(lines):
        if line.problem is not None:
            continue
        for fact in number_facts(line):
            if figures.disputed(fact):
                continue  # another line gives the same thing another figure
            if unit_family(fact.unit) == "count" and not fact.unit and len(fact.number) > 6:
                continue
            nearby = _nearby_numbers(lines, index, fact.unit)
            candidate = numeric_candidate(fact, nearby, skip[line.chunk.source])
            if candidate is not None:
                out.append(candidate)
        if line.position in defined_lines or line.text.rstrip().endswith(":"):
            continue  # definitions are asked as match questions; "…:" heads a list
        words = set(normalise(line.text).split())
        best: Candidate | None = None
        for word in words:
            for key in by_first_word.get(word, ()):
                if df[key] > too_common or df[key] == 0 or key not in siblings:
                    continue
                term = vocab[key]
                spans = _term_spans(line.text, term)
                if len(spans) != 1:
                    continue
                start, end = spans[0]
                written = line.text[start:end]
                if not judge.specific(written):
                    continue  # "map" in "shows a map of …" is a common noun, not the term Map
                if normalise(written) != key:
                    written = term  # a plural in the line: ask for the term as defined
                candidate = cloze_candidate(
                    line, written, spans[0], pool, df[key], siblings[key], skip[line.chunk.source]
                )
                if candidate is not None and (best is None or candidate.score > best.score):
                    best = candidate
        if best is not None:
            out.append(best)
    return out, expansions, brands


def _select(
    candidates: list[Candidate], expansions: dict[str, set[str]], brands: frozenset[str]
) -> list[QuizItem]:
    """Keep good candidates only: above the kind's bar, passing every rule, one item per line,
    one item per fact (index.quiz.duplicates)."""
    best_per_line: dict[tuple[str, int, str], Candidate] = {}
    for candidate in candidates:
        item = candidate.item
        if candidate.score < MIN_SCORE[item.kind] or not passes(item, expansions, brands):
            continue
        key = (item.source, item.line, normalise(candidate.line.text))
        current = best_per_line.get(key)
        if current is None or (candidate.score, item.id) > (current.score, current.item.id):
            best_per_line[key] = candidate
    chosen: dict[str, QuizItem] = {}
    for candidate in drop_duplicates(best_per_line.values()):
        chosen.setdefault(candidate.item.id, candidate.item)
    return sorted(chosen.values(), key=lambda item: (item.source, item.line, item.kind, item.id))


@lru_cache(maxsize=4)
def _bank(chunks: tuple[Chunk, ...]) -> tuple[QuizItem, ...]:
    candidates, expansions, brands = _candidates(chunks)
    return tuple(_select(candidates, expansions, brands))


def build_question_bank(chunks: Sequence[Chunk]) -> list[QuizItem]:
    """Every good item the notes allow, in a deterministic order (source, line, kind)."""
    return list(_bank(tuple(chunks)))


def _answer_key(item: QuizItem) -> str:
    return normalise(item.options[item.answer]) if item.kind != "numeric" else item.id


def generate_quiz(chunks: Sequence[Chunk], count: int, seed: int) -> list[QuizItem]:
    """``count`` items chosen by ``seed``, spread over sources, sections and kinds; same seed,
    same list. The bank is built once per set of chunks (cached), so repeated calls are cheap.
    """
    bank = build_question_bank(chunks)
    if count <= 0 or not bank:
        return []
    mixed = mix_quiz_items(_spread(bank, random.Random(seed)))
    picked: list[QuizItem] = []
    answers_used: set[str] = set()  # one quiz should not ask for "SSL" twice
    sections_used: set[tuple[str, tuple[str, ...]]] = set()  # nor three rows of one table
    for fresh_section in (True, False):
        for item in mixed:
            section = (item.source, item.path)
            if len(picked) >= count or _answer_key(item) in answers_used:
                continue
            if fresh_section and section in sections_used:
                continue
            picked.append(item)
            answers_used.add(_answer_key(item))
            sections_used.add(section)
    taken = {item.id for item in picked}
    rest = [item for item in mixed if item.id not in taken]
    return picked + rest[: count - len(picked)]


def _spread(bank: Sequence[QuizItem], rng: random.Random) -> list[QuizItem]:
    """Every item of ``bank``, in a seeded order that takes each source and section in turn."""
    count = len(bank)
    groups: dict[tuple[str, str], list[QuizItem]] = defaultdict(list)
    for item in bank:
        groups[(item.source, item.path[0] if item.path else "")].append(item)
    by_source: dict[str, list[list[QuizItem]]] = defaultdict(list)
    for (source, _section), items in sorted(groups.items()):
        shuffled = items[:]
        rng.shuffle(shuffled)
        by_source[source].append(shuffled)
    for sections in by_source.values():
        # A weighted shuffle (Efraimidis–Spirakis): big sections tend to come first, so a
        # section holding one item is not asked as often as one holding fifty; weighing by
        # size gives every item about the same chance, however its section is cut.
        weights = [float(len(section)) for section in sections]
        keys = [rng.random() ** (1.0 / weight) for weight in weights]
        order = sorted(range(len(sections)), key=lambda index: keys[index], reverse=True)
        sections[:] = [sections[index] for index in order]
    sources = sorted(by_source)
    rng.shuffle(sources)
    picked: list[QuizItem] = []
    answers_used: set[str] = set()  # one quiz should not ask for "SSL" twice
    cursor = {source: 0 for source in sources}
    while len(picked) < count and any(by_source[source] for source in sources):
        for source in sources:
            sections = by_source[source]
            if not sections or len(picked) >= count:
                continue
            position = cursor[source] % len(sections)
            for step in range(len(sections)):  # the next section offering a new answer
                candidate_position = (position + step) % len(sections)
                fresh = [
                    i
                    for i, item in enumerate(sections[candidate_position])
                    if _answer_key(item) not in answers_used
                ]
                if fresh:
                    position = candidate_position
                    break
            section = sections[position]
            chosen = section.pop(fresh[-1] if fresh else -1)
            answers_used.add(_answer_key(chosen))
            picked.append(chosen)
            if not sections[position]:
                sections.pop(position)
            else:
                cursor[source] = position + 1
    return picked
