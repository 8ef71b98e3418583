"""Genus definitions: "A pseudograph is a graph in which loops may exist", "Un multigrafo es un
grafo en el que …". The genus (graph, grafo) is the term's kind, so the other terms of that kind
in the notes (defined the same way, or titling a note or section: "Grafo simple") are the
distractors of "Which term matches: «a graph in which loops may exist»?".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.quiz.candidates import NoteLine, looks_like_term, tidy_term
from index.quiz.distractors import are_variants, lengths_compatible
from index.quiz.facts import fact_problem
from index.quiz.item import MAX_QUESTION
from index.quiz.kinds import MATCH_FRAME, Candidate, _item, length_penalty
from index.quiz.text import contains_phrase, normalise, word_list

MIN_CLASS = 4  # the key and three distractors of its kind
MIN_DESCRIPTION_WORDS = 4  # "a graph that" + something worth knowing
MAX_TERM_WORDS = 5
# What may follow the genus (and up to three modifiers) to open the differentia.
_DIFFERENTIA = (
    r"that|which|where|in which|whose|with|of|used|for|to|in|on|"
    r"que|en el que|en la que|en los que|en las que|donde|cuyo|cuya|cuyos|cuyas|con|de|del|"
    r"tal que|el cual|la cual|para|sin|formad[oa]|compuest[oa]"
)
_GENUS = re.compile(
    r"^(?:(?:a|an|the|un|una|el|la|los|las)\s+)?(?P<term>[^,;:.()¿?]{2,50}?)\s+"
    r"(?P<verb>is|are|es|son|refers to|is defined as|se define como)\s+"
    r"(?P<article>a|an|the|un|una|el|la|los|las)\s+"
    r"(?P<desc>(?P<np>[^\W\d_][\w-]{2,}(?:\s+[^\W\d_][\w-]*){0,3}?)\s+"
    r"(?:" + _DIFFERENTIA + r")\b.+)$",
    re.IGNORECASE,
)
# A section that opens on what its heading is: "## Cluster" then "Es un conjunto de nodos …".
_OPENER = re.compile(
    r"^(?:es|it is|it's|is)\s+(?P<article>a|an|un|una)\s+"
    r"(?P<desc>(?P<np>[^\W\d_][\w-]{2,}(?:\s+[^\W\d_][\w-]*){0,3}?)\s+"
    r"(?:" + _DIFFERENTIA + r")\b.+)$",
    re.IGNORECASE,
)
# Words that open a description but are not a kind of thing ("a way", "una forma").
_NOT_A_GENUS = frozenset(
    word_list(
        "way ways kind type sort form part lot bit good great very more most special common case "
        "forma manera tipo parte clase especie caso modo muy más mas gran buen buena"
    )
)


# Openings of a pronoun, a quantifier or an exercise statement ("Dada la matriz"), not a name.
_NOT_A_NAME_START = frozenset(
    word_list(
        "it this that there these those each every any some all given let suppose esto esta "
        "este eso cada todo toda todos todas algún alguna dada dado dadas dados sea sean"
    )
)


@dataclass(frozen=True, slots=True)
class GenusDefinition:
    line: NoteLine
    term: str
    genus: str  # normalised, singular
    description: str  # from the article on: "a graph in which loops may exist"


def singular(word: str) -> str:
    word = normalise(word)
    for suffix in ("es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def fact_line(line: NoteLine) -> bool:
    """A line to ask about, counting one that only starts in lower case ("resistor-transistor
    logic (RTL) circuits are …") as whole: the definition patterns check the rest."""
    if line.problem == "fragment":
        text = line.text.strip()
        capital = text[:1].upper() + text[1:]
        return fact_problem(capital, line.path, line.chunk.source) is None
    return line.problem is None


def genus_definitions(lines: Sequence[NoteLine]) -> list[GenusDefinition]:
    """Every fact line of the form 'X is a G that …' (or the Spanish 'X es un G que …')."""
    out: list[GenusDefinition] = []
    opened: set[int] = set()  # chunks whose first fact line was seen
    for line in lines:
        first_of_section = line.chunk_index not in opened
        opened.add(line.chunk_index)
        if not fact_line(line):
            continue
        match = _GENUS.match(line.text.strip())
        if match is not None:
            term = tidy_term(match.group("term"))
        else:
            match = _OPENER.match(line.text.strip()) if first_of_section else None
            if match is None or not line.path:
                continue
            term = tidy_term(line.path[-1])
        noun_phrase = match.group("np").split()
        # the head noun: last in English ("a flow network"), first in Spanish ("matriz cuadrada")
        genus = singular(noun_phrase[0] if line.lang == "es" else noun_phrase[-1])
        desc = match.group("desc").strip().rstrip(" .;")
        if genus in _NOT_A_GENUS or len(term.split()) > MAX_TERM_WORDS:
            continue
        if desc.endswith(":") or len(desc.split()) < MIN_DESCRIPTION_WORDS:
            continue  # "… with the following definition:" says nothing by itself
        if contains_phrase(desc, term) or not _term_like(term):
            continue
        if fact_problem(desc[:1].upper() + desc[1:], (), "") not in (None, "fragment"):
            continue
        article = match.group("article").casefold()
        if match.groupdict().get("verb", "").casefold() in ("are", "son"):
            continue  # plural kinds read badly as "a …"; rare enough to leave out
        out.append(GenusDefinition(line, _capitalised(term), genus, f"{article} {desc}"))
    return out


def _term_like(term: str) -> bool:
    """A name ('Pseudografo', 'integral flow'), not a pronoun or a clause ('It', 'This one')."""
    words = term.split()
    if words[0].casefold() in _NOT_A_NAME_START:
        return False
    if any(not re.match(r"^[\w'’–-]+$", word) for word in words):
        return False
    return looks_like_term(_capitalised(term))


def _capitalised(term: str) -> str:
    return term[:1].upper() + term[1:]


def _class_members(
    defs: Sequence[GenusDefinition], lines: Sequence[NoteLine], known: Iterable[str] = ()
) -> dict[str, dict[str, str]]:
    """Per genus, the terms of that kind (normalised → as written): those defined with it, and
    note or section titles or other known terms whose head noun it is ('Grafo simple' is a
    grafo, 'Blocking flow' a flow)."""
    members: dict[str, dict[str, str]] = defaultdict(dict)
    for definition in defs:
        members[definition.genus].setdefault(normalise(definition.term), definition.term)
    titles: dict[str, str] = {}
    for term in known:
        if 1 <= len(term.split()) <= MAX_TERM_WORDS and _term_like(term):
            titles.setdefault(normalise(term), _capitalised(term))
    for line in lines:
        for title in line.path:
            title = tidy_term(title)
            if not 1 <= len(title.split()) <= MAX_TERM_WORDS:
                continue
            if fact_problem(title, (), "") is None and _term_like(title):
                titles.setdefault(normalise(title), _capitalised(title))
    genera = set(members)
    spanish = sum(line.lang == "es" for line in lines) * 2 > len(lines)
    for key, title in titles.items():
        words = key.split()
        # the head noun only, first in Spanish ("Grafo simple"), last in English ("Bipartite
        # Matching Problem"); never a modifier ("Order-statistic tree" is no order)
        head = singular(words[0] if spanish else words[-1])
        if head in genera:
            members[head].setdefault(key, title)
    return members


def _form(term: str, genus: str) -> tuple[bool, bool]:
    """Whether a term is one word, and whether it names its genus: 'Grafo simple' is asked
    among other 'Grafo …', 'Pseudografo' among other one-word names."""
    words = [singular(word) for word in normalise(term).split()]
    return len(words) == 1, genus in words


def genus_candidates(lines: Sequence[NoteLine], known: Iterable[str] = ()) -> list[Candidate]:
    """'Which term matches: «a graph in which loops may exist»?' with three other graphs.

    ``known`` are other terms the notes define (in lists, tables, "X: Y" lines).
    """
    defs = genus_definitions(lines)
    members = _class_members(defs, lines, known)
    defined = {normalise(d.term) for d in defs}
    out: list[Candidate] = []
    for definition in defs:
        kind = members[definition.genus]
        if len(kind) < MIN_CLASS:
            continue
        key = normalise(definition.term)
        others = sorted(
            (
                term
                for other_key, term in kind.items()
                if other_key != key and not are_variants(term, definition.term)
            ),
            key=lambda term: (
                _form(term, definition.genus) != _form(definition.term, definition.genus),
                normalise(term) not in defined,
                normalise(term),
            ),
        )
        distractors: list[str] = []
        for term in others:
            if contains_phrase(definition.description, term):
                continue  # the description names it: a student rules it out
            if any(are_variants(term, chosen) for chosen in distractors):
                continue  # "Grafo bipartito" and "Grafo bipartito completo": one gives the other
            if lengths_compatible([definition.term, *distractors, term]):
                distractors.append(term)
            if len(distractors) == 3:
                break
        if len(distractors) < 3:
            continue
        template = MATCH_FRAME.get(definition.line.lang, MATCH_FRAME["en"])
        question = template.format(text=definition.description)
        if len(question) > MAX_QUESTION:
            continue
        item = _item("genus", definition.line, question, definition.term, distractors)
        defined_distractors = sum(normalise(term) in defined for term in distractors)
        score = 2.2 + 0.2 * defined_distractors - length_penalty(question)
        out.append(Candidate(item, score, definition.line))
    return out
