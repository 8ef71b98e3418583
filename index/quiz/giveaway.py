"""Wording that gives the answer away: a shared word stem, an acronym's initials, an odd form,
or a stem that lists what it asks to count. English and Spanish alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.quiz.text import normalise, stem, word_list

_SMALL = frozenset(
    word_list(
        "a an the of for and or to in on with by at as is are be it its from this that de del la "
        "el los las para con en y o por un una unos unas se es son su sus al lo que como sin"
    )
)
_CAMEL = re.compile(r"[A-Z]{2,}s(?![a-z])|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def word_parts(term: str) -> list[str]:
    """Lower-case words, CamelCase pieces and digit runs of a term: MemtoReg → mem, to, reg."""
    parts: list[str] = []
    for word in re.findall(r"[^\W_]+", term):
        parts.extend(piece.casefold() for piece in _CAMEL.findall(word) or [word])
    return [normalise(part) for part in parts if normalise(part)]


def _common_prefix(first: str, second: str) -> int:
    size = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        size += 1
    return size


def _abbreviates(part: str, word: str) -> bool:
    """'dst' abbreviates 'destination': same first letter, the letters in order, much longer."""
    if not 2 < len(part) <= 4 or len(word) < len(part) + 3 or part[0] != word[0]:
        return False
    position = 0
    for letter in word:
        if position < len(part) and letter == part[position]:
            position += 1
    return position == len(part)


def same_stem(part: str, word: str) -> bool:
    """Two words of one family across English and Spanish: partition/particiones, fail/failed,
    location/geolocation, dst/destination."""
    if part == word or stem(part) == stem(word):
        return True
    shortest = min(len(part), len(word))
    if shortest >= 4 and _common_prefix(part, word) >= min(5, max(4, shortest - 3)):
        return True
    if len(word) >= 5 and word in part or len(part) >= 5 and part in word:
        return True
    return _abbreviates(part, word)


def shared_stem(question: str, answer: str, distractors: Sequence[str]) -> str | None:
    """A part of the answer that the question echoes and that no distractor shares."""
    question_words = [w for w in normalise(question).split() if w not in _SMALL]
    other_parts = {part for option in distractors for part in word_parts(option)}
    for part in word_parts(answer):
        if part in _SMALL or part.isdigit() or len(part) < 2:
            continue
        if len(part) == 2 and not re.search(r"(?<![A-Za-z])" + part.upper(), answer):
            continue  # a two-letter part counts only as an acronym (IP, DB)
        if any(same_stem(part, other) for other in other_parts):
            continue
        for word in question_words:
            if (len(part) == 2 and word in (part, part + "s")) or (
                len(part) > 2 and (same_stem(part, word) or part == word + "s")
            ):
                return part
            if min(len(part), len(word)) >= 8 and _common_prefix(part, word) >= 4:
                return part  # a shared root: "fagosoma" in the stem, "Fagocitosis" the key
            if _compounds(part, word, other_parts):
                return part  # "entre las dos membranas" in the stem, "intermembrana" the key
    return None


MIN_COMPOUNDED = 6  # a shorter word inside a longer one is often chance ('red' in 'hered')


def _compounds(part: str, word: str, other_parts: set[str]) -> bool:
    """The answer's word is the question's word with a prefix or suffix stuck on
    ('intermembrana' ⊃ 'membrana', 'subsection' ⊃ 'section') and no distractor contains it."""
    core = stem(word)
    if len(core) < MIN_COMPOUNDED or len(part) < len(core) + 3 or core not in part:
        return False
    return not any(core in other for other in other_parts)


def _letters(answer: str) -> str:
    """The letters of an acronym-like answer (GP2 → gp, SSE-KMS → ssekms, rd → rd), else ''."""
    letters = "".join(ch for ch in answer if ch.isalpha())
    if " " in answer.strip() or len(letters) < 2 or len(letters) > 6:
        return ""
    if letters.islower() and len(letters) <= 3 and letters == answer.strip():
        return letters  # a code written small: 'rd' is spelt out by 'register destination'
    if sum(ch.isupper() for ch in letters) < len(letters) - 1:
        return ""
    return letters.casefold()


def initials_leak(question: str, answer: str) -> bool:
    """The question spells the acronym out, in any word order: 'propósito general' → GP2,
    'Key management Service' → SSE-KMS."""
    segments = [answer, *re.split(r"[-/]", answer)] if re.search(r"[-/]", answer) else [answer]
    return any(_spells(question, _letters(segment)) for segment in segments)


def _spells(question: str, letters: str) -> bool:
    if not letters:
        return False
    words = [w for w in normalise(question).split() if w not in _SMALL and w[0].isalpha()]
    initials = [w[0] for w in words]
    sizes = {len(letters)}
    if len(letters) >= 3:
        sizes.add(len(letters) - 1)
    for size in sizes:
        for start in range(len(initials) - size + 1):
            window = initials[start : start + size]
            if size == len(letters) and sorted(window) == sorted(letters):
                return True
            if size < len(letters) and "".join(window) in letters:
                return True
    return False


def _capital_form(option: str) -> str:
    first = next((ch for ch in option if ch.isalpha()), "")
    if option.isupper():
        return "upper"
    return "lower" if first.islower() else "capital"


def odd_form(options: Sequence[str]) -> str | None:
    """A form in which exactly one option differs from all the others ('gp2' among ST1, SC1…)."""
    if len(options) < 3:
        return None
    forms: dict[str, list[object]] = {
        "capitalisation": [_capital_form(option) for option in options],
        "digits": [any(ch.isdigit() for ch in option) for option in options],
    }
    for name, values in forms.items():
        for value in set(values):
            if values.count(value) == 1 and len(set(values)) == 2:
                return name
    return None


def is_power_of_two(value: float) -> bool:
    whole = int(value)
    return whole == value and whole >= 4 and whole & (whole - 1) == 0


_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|/|\by\b|\band\b|\be\b|\bor\b|\bo\b)\s*", re.IGNORECASE)


def enumerates_count(question: str, count: int) -> bool:
    """The question lists ``count`` things it asks to count ("5 pillars - Costs, Performance…")."""
    if count < 2:
        return False
    pieces = re.findall(r"\(([^()]*)\)", question)
    pieces += re.split(r"\s[-–—:]\s|:\s", question)[1:]
    pieces += question.split(": ", 1)[1:]  # "rwx: r - read, w - write y x - execute"
    for piece in pieces:
        items = [item for item in _LIST_SEPARATOR.split(piece) if item.strip(" .")]
        if len(items) == count:
            return True
    return False


def derivable_power(question: str, answer: int) -> bool:
    """The question gives k bits and the answer is 2^k: '___ possible values (4 bits)' → 16."""
    if not is_power_of_two(answer):
        return False
    exponent = answer.bit_length() - 1
    return re.search(rf"(?<![\d.,]){exponent}[\s-]?bits?\b", question, re.IGNORECASE) is not None


def significant_digits(value: float) -> int:
    """Digits that carry information: 5120 → 3, 2500 → 2, 5.334 → 4, 10000 → 1."""
    text = f"{abs(value):.6f}".rstrip("0").rstrip(".").replace(".", "").lstrip("0")
    return len(text.rstrip("0")) or 1


def lone_precise_number(values: Sequence[float], answer: int) -> bool:
    """The key is the one precise figure among round ones (5120 among 2500, 7500, 10000): a
    student who knows nothing picks the odd one out."""
    if len(values) < 3:
        return False
    key = significant_digits(values[answer])
    others = [significant_digits(v) for i, v in enumerate(values) if i != answer]
    return key >= 3 and all(digits <= 2 for digits in others)


_CODE = re.compile(r"^(?P<letters>[A-Za-z]{2,})[-_]?\d+[A-Za-z]?$")


def code_letters_leak(question: str, answer: str, distractors: Sequence[str]) -> bool:
    """A code-like key (IO1, GP2) whose letters open a word of the question ("Provisioned IOPS")
    while no distractor's letters do."""

    def leaks(option: str) -> bool:
        match = _CODE.match(option)
        if match is None:
            return False
        letters = match.group("letters").casefold()
        return any(word.casefold().startswith(letters) for word in re.findall(r"\w+", question))

    return leaks(answer) and not any(leaks(option) for option in distractors)


_STEM_NUMBER = re.compile(r"(?<![\w.,])\d[\d.,]*\d|(?<![\w.,])\d")
DERIVABLE_TOLERANCE = 0.02  # 16.000 / 5.334 = 2.9996: "3 IOPS per GB" is worked out, not learnt
_SCALES = (1.0, 1000.0, 1024.0, 1 / 1000, 1 / 1024)  # MB ↔ GB ↔ TB, written either way
# "10Gbps (___ per day)": a data rate per second and a total per period, one from the other.
_RATE = re.compile(r"\d\s?(?:[kmgt]?bps|[kmgt]i?b/s)\b", re.IGNORECASE)
_PER_PERIOD = re.compile(
    r"\d\s?[kmgtp]i?b\s*(?:per|a|/|por|al|cada)\s*"
    r"(?:day|d[ií]a|hour|hora|month|mes|week|semana|year|año)",
    re.IGNORECASE,
)


def _stem_numbers(question: str) -> list[float]:
    from index.quiz.distractors import parse_number  # distractors imports this module

    values: list[float] = []
    for match in _STEM_NUMBER.finditer(question.replace("___", " ")):
        parsed = parse_number(match.group(0).rstrip(".,"))
        if parsed is not None:
            values.append(parsed[0])
    return values


def derivable_number(question: str, answer: float, written: str) -> bool:
    """True when the stem's other numbers give the key: a product or quotient of two of them
    (any MB/GB/TB scale) within 2 %, or a rate per second and a total per day asked for.

    "Max IOPS 16.000, ___ IOPs por GB … 5.334 GB" keyed 3, "10Gbps (___ per day)" keyed
    100TB (or the other way round): arithmetic, not recall. ``written`` is the key as the
    option shows it. Factors of 0 or 1 prove nothing and are left out.
    """
    filled = question.replace("___", written)
    if _RATE.search(filled) and _PER_PERIOD.search(filled):
        return True
    if answer <= 0:
        return False
    others = [value for value in _stem_numbers(question) if value not in (0.0, 1.0)]
    for i, first in enumerate(others):
        for second in others[i + 1 :]:
            for result in (first * second, first / second, second / first):
                for scale in _SCALES:
                    if abs(result * scale - answer) <= DERIVABLE_TOLERANCE * answer:
                        return True
    return False


# Number words, English and Spanish, by value: cardinals, ordinals and fraction names.
_NUMBER_WORDS: dict[int, frozenset[str]] = {
    value: frozenset(word_list(words))
    for value, words in {
        1: "one first uno primero primera primer",
        2: "two second half halves dos segundo segunda mitad",
        3: "three third thirds tres tercero tercera tercer tercio tercios",
        4: "four fourth fourths quarter quarters cuatro cuarto cuarta cuartos",
        5: "five fifth fifths cinco quinto quinta quintos",
        6: "six sixth sixths seis sexto sexta sextos",
        7: "seven seventh siete septimo septima",
        8: "eight eighth ocho octavo octava",
        9: "nine ninth nueve noveno novena",
        10: "ten tenth diez decimo decima",
    }.items()
}


def _number_values(text: str) -> set[int]:
    words = set(re.split(r"[\s-]+", normalise(text)))
    return {value for value, names in _NUMBER_WORDS.items() if words & names}


def number_word_leak(question: str, answer: str, distractors: Sequence[str]) -> bool:
    """The answer spells out figures the question gives in digits ("counted 3/5 of …" →
    Three-Fifths Compromise), and no distractor has a number word to hide it among."""
    spelt = _number_values(answer)
    if not spelt or any(_number_values(option) for option in distractors):
        return False
    given = {int(n) for n in re.findall(r"(?<![\d.,])\d{1,2}(?![\d.,]\d)", question)}
    return spelt <= given


# A grammar note beside the blank names the key's form: "the ___ (plural: loci) of a gene".
_FORM_NOTE = re.compile(
    r"\(\s*(?:pl|plural|sing|singular|sg|fem|femenino|masc|masculino)\b\.?\s*(?:de\b)?[:=]?\s*"
    r"[^()]*\)",
    re.IGNORECASE,
)
# A numbered reference beside the blank, "(17.4)", "§ 3.2", "art. 12.1": where the fact sits,
# which recalls the key without knowing it.
_NAMED_REFERENCE = re.compile(
    r"(?:§|\bart\.|\barts?\b|\bart[ií]culo|\barticle|\bsecci[oó]n|\bsection|\bsec\.)"
    r"\s*\d+(?:\.\d+)*[a-z]?",
    re.IGNORECASE,
)
_BARE_REFERENCE = re.compile(r"\(\s*\d{1,3}(?:\.\d{1,3})+[a-z]?\s*\)")
NEAR_BLANK = 25  # characters between the blank and a cue beside it


def cue_beside_blank(question: str, bare_numbers: bool = True) -> str | None:
    """A grammar note or numbered reference within a few characters of the blank, if any.

    A bare "(17.4)" counts only with ``bare_numbers``: beside a numeric blank it may be a
    figure of the fact itself.
    """
    blank = question.find("___")
    if blank < 0:
        return None
    patterns = [("grammar note", _FORM_NOTE), ("numbered reference", _NAMED_REFERENCE)]
    if bare_numbers:
        patterns.append(("numbered reference", _BARE_REFERENCE))
    for name, pattern in patterns:
        for match in pattern.finditer(question):
            gap = match.start() - (blank + 3) if match.start() >= blank else blank - match.end()
            if 0 <= gap <= NEAR_BLANK:
                return name
    return None


# Singular and plural endings that no crude stemmer joins: locus/loci, criterion/criteria,
# analysis/analyses, datum/data, index/indices, luz/luces.
_NUMBER_ENDINGS = (
    ("us", "i"),
    ("um", "a"),
    ("on", "a"),
    ("is", "es"),
    ("ex", "ices"),
    ("ix", "ices"),
    ("z", "ces"),
    ("a", "ae"),
)


def other_number_forms(word: str) -> set[str]:
    """The word's irregular singular or plural forms (unchecked: 'bus' gives 'bi')."""
    forms: set[str] = set()
    for singular, plural in _NUMBER_ENDINGS:
        if word.endswith(singular) and len(word) > len(singular) + 2:
            forms.add(word[: -len(singular)] + plural)
        if word.endswith(plural) and len(word) > len(plural) + 2:
            forms.add(word[: -len(plural)] + singular)
    return forms


def number_form_leak(question: str, answer: str) -> bool:
    """The stem writes a word of the key in its other number: 'loci' for the key 'locus'."""
    asked = set(normalise(question).split())
    for word in normalise(answer).split():
        if len(word) >= 4 and other_number_forms(word) & asked:
            return True
    return False
