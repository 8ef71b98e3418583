"""Conditional definitions: "Un grafo es completo si cada par de vértices está unido por una
arista", "A linear system is said to be overdetermined if it has more equations than unknowns".

The defined word is blanked; the distractors are other words the notes apply to the same noun
(defined the same way, or naming a term of that noun: "Grafo plano", "integral flow"), so every
option is a property of graphs and only the definition tells them apart.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.quiz.candidates import NoteLine
from index.quiz.distractors import are_variants, lengths_compatible
from index.quiz.genus import fact_line, singular
from index.quiz.item import MAX_QUESTION
from index.quiz.kinds import BLANK, Candidate, _item, length_penalty
from index.quiz.text import contains_phrase, normalise

# Not "Complete …/Completa …": the frame's own words must not echo a key ("completo").
CONDITION_FRAME = {
    "en": "Which word is missing from the definition? {text}",
    "es": "¿Qué palabra falta en la definición? {text}",
}
MIN_CONDITION_WORDS = 4  # "if it is connected" says too little to pick one word
_CONDITIONAL = re.compile(
    r"^(?P<subject>(?:un|una|el|la|a|an|the)\s+"
    r"(?P<noun>[^\W\d_][\w-]+(?:\s+[^\W\d_][\w-]+)?))\s+"
    r"(?P<verb>es|is|is said to be|is called|se dice|se llama)\s+"
    r"(?P<word>[^\W\d_][\w-]+)\s+"
    r"(?P<cond>si y solo si|si|if and only if|iff|if|cuando|when)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ConditionalDefinition:
    line: NoteLine
    noun: str  # normalised, singular head noun: "grafo", "system"
    word: str  # as written: "completo", "overdetermined"
    start: int  # span of the word in line.text
    end: int


def _head(noun: str, lang: str) -> str:
    words = noun.split()
    return singular(words[0] if lang == "es" else words[-1])


def conditional_definitions(lines: Sequence[NoteLine]) -> list[ConditionalDefinition]:
    """Fact lines that define a word of a noun by a condition."""
    out: list[ConditionalDefinition] = []
    for line in lines:
        if not fact_line(line):
            continue
        text = line.text.rstrip()
        match = _CONDITIONAL.match(text)
        if match is None:
            continue
        rest = match.group("rest").rstrip(" .;")
        if len(rest.split()) < MIN_CONDITION_WORDS or rest.endswith(":"):
            continue
        if re.search(r"[.;:]\s+\S", rest):
            continue  # "… de grado impar. En este caso …": a second sentence hints at the word
        word = match.group("word")
        if normalise(word) in {"un", "una", "a", "an", "the", "el", "la", "not", "no"}:
            continue  # "is a …" is a genus definition, "is not" a negation
        out.append(
            ConditionalDefinition(
                line,
                _head(match.group("noun"), line.lang),
                word,
                match.start("word"),
                match.end("word"),
            )
        )
    return out


def _words_of_nouns(
    defs: Sequence[ConditionalDefinition], known: Iterable[str]
) -> dict[str, dict[str, bool]]:
    """Per noun, the words the notes apply to it (normalised → defined by a condition)."""
    words: dict[str, dict[str, bool]] = defaultdict(dict)
    for definition in defs:
        words[definition.noun][definition.word.casefold()] = True
    nouns = set(words)
    for term in known:
        parts = term.split()
        if len(parts) != 2:
            continue
        # "Grafo plano" (Spanish: noun first), "integral flow" (English: noun last)
        for noun, word in ((parts[0], parts[1]), (parts[1], parts[0])):
            key = singular(noun)
            if word[:1].isupper() and not noun[:1].isupper():
                continue  # "Hilbert system": a name, not a property of systems
            if key in nouns and word.isalpha():
                words[key].setdefault(word.casefold(), False)
    return words


_WORD = re.compile(r"[^\W\d_]+")
_NEGATION = r"(?:not|no|non|ni|nor|never|nunca)"
_DISJUNCTION = r"(?:or|o|u|vs\.?|versus|nor|ni|/)"


class Cooccurrence:
    """Which words the notes write on one line, looked up in the raw lines (formulas and
    links included: "un grafo conexo … $n$ … [[…|grafo completo]]" counts)."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._lines = [raw.casefold() for text in texts for raw in text.split("\n")]
        self._by_word: dict[str, set[int]] = defaultdict(set)
        for index, raw in enumerate(self._lines):
            for word in _WORD.findall(raw):
                self._by_word[word].add(index)

    def together(self, first: str, second: str, noun: str) -> bool:
        """Some line applies both words to the noun ("un grafo conexo … un grafo completo",
        "Overdetermined systems are usually inconsistent"), so they may hold together: the
        other word would make the definition a true sentence too. A line that opposes them
        ("consistent if it is not inconsistent", "consistent or inconsistent") says the
        opposite; one without the noun may be about another thing of the same name."""
        a, b = first.casefold(), second.casefold()
        shared = self._by_word.get(a, set()) & self._by_word.get(b, set())
        return any(
            noun in self._lines[index] and not self._opposed(self._lines[index], a, b)
            for index in shared
        )

    @staticmethod
    def _opposed(line: str, a: str, b: str) -> bool:
        for word in (a, b):
            if re.search(rf"\b{_NEGATION}[\s-]+(?:\w+\s+)?{re.escape(word)}\b", line):
                return True
        for x, y in ((a, b), (b, a)):
            if re.search(rf"\b{re.escape(x)}\W+{_DISJUNCTION}\W+(?:\w+\W+)?{re.escape(y)}\b", line):
                return True
        return False


def condition_candidates(
    lines: Sequence[NoteLine], known: Iterable[str] = (), texts: Iterable[str] = ()
) -> list[Candidate]:
    """'Complete the definition: A graph is ___ if every pair of vertices is joined by an edge.'

    A distractor must exclude the key: a word the notes write together with it ("conexo" for
    "completo": every complete graph is connected) is left out. ``texts`` are the notes' chunk
    texts, where that is looked up.
    """
    defs = conditional_definitions(lines)
    words = _words_of_nouns(defs, known)
    together = Cooccurrence(texts).together
    out: list[Candidate] = []
    for definition in defs:
        answer = definition.word
        text = definition.line.text
        body = text[: definition.start] + BLANK + text[definition.end :]
        if contains_phrase(body, answer):
            continue  # "… si admite un ciclo hamiltoniano": the line repeats the word
        others = sorted(
            (
                word
                for word, defined in words[definition.noun].items()
                if not are_variants(word, answer)
                and not contains_phrase(body, word)
                and not together(word, answer, definition.noun)
                and words[definition.noun][word]  # defined by a condition of its own too
            ),
            key=lambda word: (not words[definition.noun][word], word),
        )
        distractors: list[str] = []
        for word in others:
            if any(are_variants(word, chosen) for chosen in distractors):
                continue
            if lengths_compatible([answer, *distractors, word]):
                distractors.append(word)
            if len(distractors) == 3:
                break
        if len(distractors) < 3:
            continue
        if answer[:1].isupper():
            distractors = [word[:1].upper() + word[1:] for word in distractors]
        template = CONDITION_FRAME.get(definition.line.lang, CONDITION_FRAME["en"])
        question = template.format(text=body)
        if len(question) > MAX_QUESTION:
            continue
        item = _item("condition", definition.line, question, answer, distractors)
        defined = sum(words[definition.noun][word.casefold()] for word in distractors)
        score = 2.2 + 0.2 * defined - length_penalty(question)
        out.append(Candidate(item, score, definition.line))
    return out
