"""Figures the notes disagree on: two lines about the same thing that give it different numbers
("crece hasta 64 TB" in one file, "grows up to 128 TB" in another). Neither is safe as a key."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from index.lang import function_word
from index.quiz.candidates import NoteLine, NumberFact, number_facts, unit_family
from index.quiz.distractors import parse_number
from index.quiz.text import normalise, stem

MIN_SHARED = 3  # content words two lines share before they are about the same thing
MIN_OVERLAP = 0.6  # shared share of the two lines' words together: "1 RCU = 1 strongly
# consistent read of 4 KB" and "1 RCU supports 2 eventually consistent reads" say two things
_CONTENT = re.compile(r"[^\W\d_]{4,}")


def _content_words(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in _CONTENT.findall(normalise(text)) if not function_word(w))


# Names, codes and acronyms (Aurora, IA, GP2, S3): lines naming different ones are about
# different things.
_CODE = re.compile(r"(?<![\w-])(?=\w*[A-Z0-9])(?=\w*[A-Za-z])\w*[A-Z0-9]\w*")


def _codes(line: NoteLine) -> frozenset[str]:
    """The names, codes and acronyms of the line and its heading ("DynamoDB Streams" is not
    "Kinesis Streams"), without the line's figures and their units ('10GB', 'TB')."""
    units = {fact.unit.casefold() for fact in number_facts(line)}
    heading = line.path[-1] if line.path else ""
    heading_codes = [c for c in _CODE.findall(heading) if sum(ch.isupper() for ch in c) >= 2]
    return frozenset(
        code.casefold()
        for code in [*_CODE.findall(line.text), *heading_codes]
        if not code[:1].isdigit() and not function_word(code) and code.casefold() not in units
    )


def _value(number: str) -> float | None:
    parsed = parse_number(number)
    return parsed[0] if parsed else None


class FigureIndex:
    """Every line's content words and figures (value, unit family), to find disagreements."""

    def __init__(self, lines: Sequence[NoteLine]) -> None:
        self._words: list[frozenset[str]] = []
        self._codes: list[frozenset[str]] = []
        self._figures: list[set[tuple[float, str]]] = []
        self._by_word: dict[str, list[int]] = defaultdict(list)
        for line in lines:
            figures = {
                (value, unit_family(fact.unit))
                for fact in number_facts(line)
                if (value := _value(fact.number)) is not None
            }
            words = _content_words(line.text) if figures else frozenset()
            index = len(self._words)
            self._words.append(words)
            self._figures.append(figures)
            self._codes.append(_codes(line))
            for word in words:
                self._by_word[word].append(index)

    def disputed(self, fact: NumberFact) -> bool:
        """Another line about the same thing gives a different figure of the same kind, and
        not this one."""
        value = _value(fact.number)
        if value is None:
            return False
        family = unit_family(fact.unit)
        words = _content_words(fact.line.text)
        codes = _codes(fact.line)
        shared: dict[int, int] = defaultdict(int)
        for word in words:
            for index in self._by_word.get(word, ()):
                shared[index] += 1
        for index, count in shared.items():
            other_words = self._words[index]
            if other_words == words and (value, family) in self._figures[index]:
                continue  # the line itself, or a copy of it
            if count < MIN_SHARED or count < MIN_OVERLAP * len(words | other_words):
                continue
            if self._codes[index] != codes:
                continue  # "S3 Standard 99.99%" and "S3 IA 99.9%": two things
            same_kind = {v for v, f in self._figures[index] if f == family}
            if same_kind and value not in same_kind:
                return True
        return False
