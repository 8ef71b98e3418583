"""Wrong options: sibling terms from nearby notes, and plausible numbers in the same unit."""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Callable, Collection, Iterable, Sequence, Set
from dataclasses import dataclass, field
from datetime import date

from index.quiz.candidates import NoteLine, term_shape
from index.quiz.giveaway import is_power_of_two
from index.quiz.text import contains_phrase, normalise, stem_words, word_list

MAX_OPTION = 100
MAX_LEN_RATIO = 2.5
MAX_LEN_SPREAD = 25


@dataclass(slots=True)
class TermEntry:
    """A known term and where in the notes it is defined or titled."""

    term: str
    shape: str
    specific: bool
    places: list[tuple[str, int, int, tuple[str, ...]]] = field(default_factory=list)


class TermPool:
    """All known terms, queried for the ones nearest to a place in the notes.

    ``specific`` tells names (Kinesis, GP2) from common words; a specific answer only gets
    specific distractors, so "Kinesis" is not offered next to "Database".
    """

    def __init__(
        self, specific: Callable[[str], bool] = lambda term: True, brands: Set[str] = frozenset()
    ) -> None:
        self._entries: dict[str, TermEntry] = {}
        self._specific = specific
        self._brands = brands  # the notes' name prefixes (index.quiz.brands)
        self._mentions: dict[str, frozenset[int]] = {}

    def learn_mentions(self, chunk_texts: Sequence[str]) -> None:
        """Record which chunks mention each term: terms mentioned together are of a kind."""
        for key in self._entries:
            needle = f" {key} "
            self._mentions[key] = frozenset(
                index for index, text in enumerate(chunk_texts) if needle in text
            )

    def _together(self, first: str, second: str) -> float:
        a = self._mentions.get(normalise(first), frozenset())
        b = self._mentions.get(normalise(second), frozenset())
        if not a or not b:
            return 0.0
        return len(a & b) / math.sqrt(len(a) * len(b))

    def add(self, term: str, line: NoteLine) -> None:
        key = normalise(term)
        if not key:
            return
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = TermEntry(term, term_shape(term), self._specific(term))
        parent = line.path[:-1] if len(line.path) > 1 else line.path
        entry.places.append((line.chunk.source, line.chunk_index, line.line_no, parent))

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> Iterable[TermEntry]:
        return self._entries.values()

    def places_of(self, term: str) -> list[tuple[str, int, int, tuple[str, ...]]]:
        entry = self._entries.get(normalise(term))
        return list(entry.places) if entry else []

    def nearest(
        self,
        answer: str,
        line: NoteLine,
        question: str,
        count: int = 3,
        banned: Iterable[str] = (),
        only: Collection[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Up to ``count`` sibling terms of the answer's shape, each with a closeness score.

        Closeness is measured from the question's line and from where the answer itself is
        defined, so the siblings of an enumeration (GP2 / IO1 / ST1 / SC1) come first. With
        ``only`` (normalised terms), nothing outside that sibling group is offered.
        """
        shape = term_shape(answer)
        answer_specific = self._specific(answer)
        parent = line.path[:-1] if len(line.path) > 1 else line.path
        anchors = [(line.chunk.source, line.chunk_index, line.line_no, parent)]
        anchors += [place for place in self.places_of(answer) if place[0] == line.chunk.source][:6]
        banned_list = [answer, *banned]
        ranked: list[tuple[float, int, str, float]] = []
        for key, entry in self._entries.items():
            if only is not None and key not in only:
                continue
            if entry.shape != shape or len(entry.term) > MAX_OPTION:
                continue
            if not same_kind(answer, entry.term):
                continue
            if answer_specific and not entry.specific:
                continue
            best: tuple[float, int] | None = None
            for anchor_source, chunk_index, line_no, anchor_parent in anchors:
                for place_source, place_chunk, place_line, place_parent in entry.places:
                    if place_source != anchor_source:
                        continue
                    distance = abs(place_line - line_no)
                    if place_chunk == chunk_index and distance <= 15:
                        tier = 3.0
                    elif place_chunk == chunk_index or (
                        anchor_parent and place_parent == anchor_parent and distance <= 400
                    ):
                        tier = 2.0
                    elif abs(place_chunk - chunk_index) <= 3 and distance <= 150:
                        tier = 1.0
                    elif abs(place_chunk - chunk_index) <= 8 and distance <= 300:
                        tier = 0.5
                    else:
                        continue
                    if best is None or (tier, -distance) > (best[0], -best[1]):
                        best = (tier, distance)
            if best is not None:
                affinity = best[0] + 1.5 * self._together(answer, entry.term)
                ranked.append((affinity, best[1], entry.term, best[0]))
        ranked.sort(key=lambda item: (-item[0], item[1], item[2]))
        chosen: list[tuple[str, float]] = []
        for _affinity, _distance, term, tier in ranked:
            if any(are_variants(term, other) for other in banned_list):
                continue
            if contains_phrase(question, term):
                continue
            if len(chosen) == count - 1 and odd_one_out(
                answer, [*(c for c, _ in chosen), term], self._brands
            ):
                continue  # the last pick must not leave the answer the odd one out
            if not lengths_compatible([answer, *(c for c, _ in chosen), term]):
                continue
            chosen.append((term, tier))
            banned_list.append(term)
            if len(chosen) == count:
                break
        return chosen


_VERB_FORM = re.compile(r"^(?:to\s+[^\W\d_]+|[^\W\d_]{3,}(?:ing|[aei]rse))$", re.IGNORECASE)
MAX_WORD_GAP = 1  # "SNS" beside "Simple Queue Service for fan-out" is another kind of thing


def _signature(term: str) -> tuple[bool, bool, bool]:
    """How a term is written: opens lower-case, holds a digit, reads as a verb form (one word
    in -ing or a reflexive infinitive, '-arse', or 'to …')."""
    first = next((ch for ch in term if ch.isalpha()), "")
    return first.islower(), any(ch.isdigit() for ch in term), bool(_VERB_FORM.match(term))


def same_kind(answer: str, term: str) -> bool:
    """Whether ``term`` is written as the same kind of thing as ``answer``: the same case at the
    start, digits or none, verb form or none, and about as many words. A lower-case word beside
    names, a code beside words, or "Deploying" beside nouns gives the key away."""
    if _signature(answer) != _signature(term):
        return False
    return abs(len(answer.split()) - len(term.split())) <= MAX_WORD_GAP


def _form(option: str, brands: Set[str]) -> dict[str, bool]:
    words = option.split()
    return {
        "one word": len(words) == 1,
        "brand prefix": len(words) > 1 and words[0].casefold() in brands,
    }


def odd_one_out(
    answer: str, distractors: Sequence[str], brands: Set[str] = frozenset()
) -> str | None:
    """The form that sets the answer apart from every distractor, if any.

    "DynamoDB" among "NoSQL Database", "Scalar Types", "Object Storage" is the only one-word
    name, and "AWS SDK" the only one opening with a word that opens many of the notes' names
    (``brands``, from index.quiz.brands): a test-wise student picks them unread.
    """
    if len(distractors) < 2:
        return None
    answer_form = _form(answer, brands)
    forms = [_form(option, brands) for option in distractors]
    for name, value in answer_form.items():
        if all(form[name] != value for form in forms):
            return name
    return None


def are_variants(first: str, second: str) -> bool:
    """Same term up to case, accents, plurals, or one containing the other ('SQS', 'Amazon SQS')."""
    a, b = stem_words(first), stem_words(second)
    if not a or not b:
        return False
    if a == b or "".join(a) == "".join(b):
        return True
    if contains_phrase(first, second) or contains_phrase(second, first):
        return True
    # "Kinesis analytics" and "Kinesis Data Analytics" name the same thing; "AWS Lambda" and
    # "Lambda Authorizer" overlap, so both could be right.
    small, large = sorted((set(a) - _NAME_FILLERS, set(b) - _NAME_FILLERS), key=len)
    return len(small) >= 1 and small <= large


_NAME_FILLERS = frozenset({"aws", "amazon", "data", "service", "the", "of", "for", "de"})


def lengths_compatible(options: Sequence[str]) -> bool:
    lengths = [len(option) for option in options]
    shortest, longest = min(lengths), max(lengths)
    return longest <= MAX_LEN_RATIO * shortest and longest - shortest <= MAX_LEN_SPREAD


# --- numbers ---------------------------------------------------------------------------------

_GROUPED = re.compile(r"^\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*$")
_DECIMAL = re.compile(r"^\d+(?P<sep>[.,])(?P<frac>\d+)$")


@dataclass(frozen=True, slots=True)
class NumberStyle:
    group_sep: str = ""
    decimal_sep: str = ""
    decimals: int = 0


def parse_number(text: str) -> tuple[float, NumberStyle] | None:
    """The value of a number as written in the notes, and how to write others like it."""
    grouped = _GROUPED.match(text)
    if grouped:
        return float(text.replace(grouped.group("sep"), "")), NumberStyle(
            group_sep=grouped.group("sep")
        )
    decimal = _DECIMAL.match(text)
    if decimal:
        value = float(text.replace(decimal.group("sep"), "."))
        return value, NumberStyle(
            decimal_sep=decimal.group("sep"), decimals=len(decimal.group("frac"))
        )
    if text.isdigit():
        return float(text), NumberStyle()
    return None


def format_number(value: float, style: NumberStyle) -> str:
    if style.decimals:
        return f"{value:.{style.decimals}f}".replace(".", style.decimal_sep)
    whole = str(int(round(value)))
    if style.group_sep and len(whole) > 3:
        parts: list[str] = []
        while whole:
            parts.insert(0, whole[-3:])
            whole = whole[:-3]
        return style.group_sep.join(parts)
    return whole


_LADDERS = {
    "percent": [1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95, 99, 100],
    "seconds": [
        1,
        2,
        5,
        10,
        15,
        20,
        30,
        45,
        60,
        90,
        120,
        180,
        300,
        600,
        900,
        1800,
        3600,
        7200,
        86400,
    ],
    "minutes": [1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240],
    "hours": [1, 2, 3, 4, 6, 8, 12, 24, 36, 48, 72, 96, 168],
    "days": [1, 2, 3, 5, 7, 10, 14, 30, 35, 45, 60, 90, 180, 365, 730],
    "years": [1, 2, 3, 5, 7, 10, 15, 20],
}
_GENERIC = [
    1,
    2,
    3,
    4,
    5,
    6,
    8,
    10,
    12,
    15,
    16,
    20,
    24,
    25,
    30,
    32,
    40,
    48,
    50,
    60,
    64,
    75,
    80,
    90,
    100,
    120,
    128,
    150,
    200,
    250,
    256,
    300,
    400,
    500,
    512,
    600,
    750,
    800,
]
_TIME_WORDS = {
    "seconds": ("seg", "sec", "secs", "second", "seconds", "segundo", "segundos"),
    "minutes": ("min", "mins", "minute", "minutes", "minuto", "minutos"),
    "hours": ("h", "hs", "hrs", "hour", "hours", "hora", "horas"),
    "days": ("day", "days", "dia", "dias", "día", "días"),
    "years": ("year", "years", "año", "años"),
}


def _ladder(unit: str, family: str) -> list[float]:
    if family == "percent":
        return [float(v) for v in _LADDERS["percent"]]
    folded = unit.casefold()
    for name, words in _TIME_WORDS.items():
        if folded in words:
            return [float(v) for v in _LADDERS[name]]
    values: list[float] = []
    for scale in (0.001, 0.01, 0.1, 1, 1000, 1_000_000, 1_000_000_000):
        values.extend(v * scale for v in _GENERIC)
    for scale in (10, 100):
        values.extend(
            v * scale for v in (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 16, 20, 25, 30, 50, 64, 75)
        )
    return sorted(set(values))


def _seeded(key: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


SMALL_VALUE = 10  # up to here a distractor stays within a few units or a factor of two


def near_small(candidate: float, value: float) -> bool:
    """For a small key (2%, 3 days, 5x) a distractor within ±3 or a factor of two: 1%, 3%, 4%
    beside 2%, never 10% or 20%, which nobody would pick."""
    return abs(candidate - value) <= 3 or 0.5 <= candidate / value <= 2


def number_candidates(value: float, family: str, style: NumberStyle, unit: str = "") -> list[float]:
    """Plausible wrong values near ``value`` on a ladder of usual limits for the unit, best first.

    Too-close values (within 25%) are left out, except for small bare counts (7 → 5, 6, 8).
    """
    if value <= 0:
        return []
    is_int = value == int(value) and not style.decimals
    bare_small = family == "count" and not unit and is_int and value <= 12
    ladder = set(_ladder(unit, family))
    pool = set(ladder)
    small = value <= SMALL_VALUE
    if bare_small or (small and is_int):
        pool.update(value + delta for delta in (-3, -2, -1, 1, 2, 3, 4))
    out = []
    for candidate in pool:
        if candidate <= 0 or candidate == value:
            continue
        if small and not near_small(candidate, value):
            continue  # 2% beside 10% and 20%: only the small ones are real choices
        if family == "multiplier" and candidate == 1:
            continue  # "1x" says "no different", which a stem comparing two things denies
        if is_int and candidate != int(candidate):
            continue
        if family == "percent" and candidate > 100:
            continue
        ratio = candidate / value
        if not 0.05 <= ratio <= 20:
            continue
        close = 0.8 < ratio < 1.25 or (family != "percent" and 0.7 < ratio < 1.45)
        if close and not bare_small and not (small and is_int):
            continue  # too close to tell apart from memory (3 and 4 are told apart)
        out.append(candidate)
    if small and not bare_small:
        # the unit's usual values (5, 10, 15 minutes) before plain neighbours (7 minutes)
        out.sort(key=lambda c: (c not in ladder, abs(math.log(c / value)), c))
    else:
        out.sort(key=lambda c: (abs(math.log(c / value)), c))
    return out


def nines_options(number: str) -> list[str] | None:
    """For durability figures (99.99, 99.999999999): the same with other counts of nines."""
    match = re.fullmatch(r"99(?P<sep>[.,])(?P<frac>9+)", number)
    if not match:
        return None
    nines = len(match.group("frac"))
    counts = [
        c
        for c in (nines - 2, nines - 1, nines + 1, nines + 2, nines - 3, nines + 3)
        if 1 <= c <= 12
    ]
    return ["99" + match.group("sep") + "9" * c for c in counts]


_PLURALS = {
    "minuto": "minutos", "minute": "minutes", "hora": "horas", "hour": "hours", "día": "días",
    "dia": "dias", "day": "days", "segundo": "segundos", "second": "seconds", "año": "años",
    "year": "years", "mes": "meses", "month": "months", "semana": "semanas", "week": "weeks",
}  # fmt: skip
_SINGULARS = {plural: singular for singular, plural in _PLURALS.items()}


def unit_for(number: str, unit: str) -> str:
    """The unit in the grammatical number the value needs: 1 minuto, 5 minutos."""
    one = number in ("1", "1.0", "1,0")
    folded = unit.casefold()
    if one and folded in _SINGULARS:
        return _match_case(_SINGULARS[folded], unit)
    if not one and folded in _PLURALS:
        return _match_case(_PLURALS[folded], unit)
    return unit


def _match_case(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() else word


_MONTHS = frozenset(
    word_list(
        "enero ene febrero feb marzo mar abril abr mayo may junio jun julio jul agosto ago "
        "septiembre setiembre sept sep set octubre oct noviembre nov diciembre dic january jan "
        "february march april june july august aug september october november december dec"
    )
)
_WORD_AFTER_BLANK = re.compile(r"___\s*(?:de\s+|of\s+)?([^\W\d_]+)")
_WORD_BEFORE_BLANK = re.compile(r"([^\W\d_]+)\.?\s+(?:de\s+)?___")
_YEAR_CUES = frozenset(
    word_list("en in año year años years desde since hasta until circa del año ca antes before")
)
_YEAR_STEPS = (4, -4, 8, -8, 12, -12, 2, -2, 20, -20, 30, -30)


def calendar_kind(number: str, unit: str, question: str) -> str | None:
    """``"day"`` for a day of the month ("___ feb 1812", "July ___, 1776"), ``"year"`` for a
    year (a bare 4-digit number from 1000 to 2100 after "in"/"desde"/a month, or beside another
    year), else None: their wrong options must be days and years too, never "48 julio" or the
    year 3000."""
    if unit or not number.isdigit():
        return None
    value = int(number)
    after = _WORD_AFTER_BLANK.search(question)
    before = _WORD_BEFORE_BLANK.search(question)
    month_next = after is not None and after.group(1).casefold() in _MONTHS
    month_before = before is not None and before.group(1).casefold() in _MONTHS
    if 1 <= value <= 31 and (month_next or month_before):
        return "day"
    if len(number) != 4 or not 1000 <= value <= 2100 or is_power_of_two(value):
        return None
    cue = before is not None and before.group(1).casefold() in _YEAR_CUES
    # "___ Constitución de Cádiz", "___ Felipe González …": a chronology's entry opens on its year
    cue = cue or (after is not None and after.group(1)[:1].isupper())
    other_year = any(1000 <= int(y) <= 2100 for y in re.findall(r"(?<!\d)\d{4}(?!\d)", question))
    return "year" if cue or month_before or other_year else None


def _calendar_values(value: int) -> list[int]:
    latest = max(value, date.today().year)
    return [value + step for step in _YEAR_STEPS if value + step <= latest]


def numeric_options(
    number: str, unit: str, joiner: str, family: str, nearby: Sequence[str], question: str, key: str
) -> list[str] | None:
    """Three wrong numbers in the answer's unit, written like the answer, or None when none fit.
    Years get other years near them. A day of the month is not asked: a strict examiner calls
    "Valmy (___ sept 1792)" trivia, and beside another date its weekday can give it away."""
    parsed = parse_number(number)
    if parsed is None:
        return None
    value, style = parsed
    calendar = calendar_kind(number, unit, question)
    if calendar == "day":
        return None
    if calendar == "year":
        picks = [str(v) for v in _calendar_values(int(value))]
        nearest = [p for p in picks if not re.search(rf"(?<!\d){p}(?!\d)", question)][:6]
        _seeded(key).shuffle(nearest)
        return nearest[:3] if len(nearest) >= 3 else None
    answer_text = number + joiner + unit
    chosen: list[str] = []
    seen = {normalise(answer_text)}
    rng = _seeded(key)

    values_taken = [value]
    nines = nines_options(number)
    spread_out = nines is None and not (family == "count" and not unit and value <= 12)

    def offer(text_number: str) -> None:
        if unit and unit_for(text_number, unit) != unit:
            return  # "1 minute" among "5 minutes": the lone singular stands out
        if unit.casefold() in ("bits", "bytes") and text_number == "1":
            return  # "1 bits"; and "16 bit register" keeps its singular, so no plural rule
        option = text_number + joiner + unit
        norm = normalise(option)
        if norm in seen or len(chosen) >= 3:
            return
        parsed_option = parse_number(text_number)
        if parsed_option is None:
            return
        if spread_out and any(0.8 < parsed_option[0] / taken < 1.25 for taken in values_taken):
            return  # 500 next to 512: two options nobody can tell apart
        if re.search(r"(?<![\w.,])" + re.escape(text_number) + r"(?![\d])", question):
            return  # a distractor printed in the question itself
        seen.add(norm)
        values_taken.append(parsed_option[0])
        chosen.append(option)

    if nines is not None:
        for option in nines:
            offer(option)
        return chosen if len(chosen) == 3 else None
    if family == "size" and is_power_of_two(value) and value >= 4:
        # 64MB beside 40MB and 120MB: sizes of memory and blocks go by powers of two
        powers = [
            power
            for power in (value / 2, value * 2, value / 4, value * 4, value * 8, value / 8)
            if power >= 1 and power == int(power)
        ][:4]
        rng.shuffle(powers)  # else the key would always be the third smallest
        for power in powers:
            offer(format_number(power, style))
        return chosen if len(chosen) == 3 else None
    near_values = []
    for other in nearby if unit else ():  # bare numbers nearby count different things
        parsed_other = parse_number(other)
        if parsed_other is None or parsed_other[0] <= 0 or value <= 0:
            continue
        ratio = parsed_other[0] / value
        if (
            0.05 <= ratio <= 20
            and not 0.8 < ratio < 1.25
            and not (family == "percent" and parsed_other[0] > 100)
            and (value > SMALL_VALUE or near_small(parsed_other[0], value))
        ):
            near_values.append(parsed_other[0])
    for other_value in sorted(set(near_values), key=lambda v: abs(math.log(v / value)))[:1]:
        offer(format_number(other_value, style))
    candidates = number_candidates(value, family, style, unit)
    top = candidates[:5]
    rng.shuffle(top)
    for candidate in top + candidates[5:]:
        offer(format_number(candidate, style))
    if len(chosen) == 3 and _lone_power_of_two(value, chosen):
        dropped = chosen.pop()
        for power in (value * 2, value / 2, value * 4, value / 4):
            if power != int(power) or power < 4:
                continue
            if value > SMALL_VALUE or near_small(power, value):
                offer(format_number(power, style))
            if len(chosen) == 3:
                break
        if len(chosen) < 3:
            chosen.append(dropped)  # no power of two fits: the rules reject the item
    return chosen if len(chosen) == 3 else None


def _lone_power_of_two(value: float, options: Sequence[str]) -> bool:
    """The answer is a power of two (16, 64, 512) and no other option is: a tell."""
    if not is_power_of_two(value):
        return False
    for option in options:
        match = re.match(r"\d[\d.,]*", option)
        parsed = parse_number(match.group(0)) if match else None
        if parsed and is_power_of_two(parsed[0]):
            return False
    return True
