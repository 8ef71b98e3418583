"""Quality rules every quiz item must pass before it is shipped (and that the tests re-check)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Set

from index.acronyms import spelt_out_anywhere
from index.quiz.candidates import term_shape
from index.quiz.distractors import are_variants, lengths_compatible, odd_one_out, parse_number
from index.quiz.giveaway import (
    code_letters_leak,
    cue_beside_blank,
    derivable_number,
    derivable_power,
    enumerates_count,
    initials_leak,
    is_power_of_two,
    lone_precise_number,
    number_form_leak,
    number_word_leak,
    odd_form,
    shared_stem,
)
from index.quiz.item import MAX_EXPLANATION, MAX_OPTION, MAX_QUESTION, QuizItem
from index.quiz.text import contains_phrase, normalise, stem, stem_words

KINDS = frozenset(
    {
        "cloze",
        "match",
        "numeric",
        "define",
        "not_in_list",
        "acronym",
        "compare",
        "table",
        "heading",
        "genus",
        "condition",
    }
)
TERM_KINDS = frozenset(
    {"cloze", "match", "acronym", "table", "heading", "genus", "condition"}
)  # the options are terms
_RAW_MARKUP = re.compile(r"\[\[|\]\]|!\[|<img|\$|\*\*|`|\\|<\/?[a-z][^>]*>", re.IGNORECASE)
_NUMERIC_OPTION = re.compile(r"^(?P<num>\d[\d.,]*)(?P<joiner>\s?)(?P<unit>\S*)$")
# "e.g.", "(example …)", "p.ej.", "por ejemplo": what follows is an illustration, not a fact.
_EXAMPLE_MARKER = re.compile(
    r"(?<![\w.])(?:e\.\s?g\b\.?|eg\b\.?|for instance|examples?\b|p\.\s?ej\b\.?|ejemplos?\b|"
    r"ej(?:\.|:))",
    re.IGNORECASE,
)
# Where an example clause ends: an arrow, a semicolon, or the end of a sentence.
_CLAUSE_END = re.compile(r"->|→|=>|;|\.(?=\s+[A-ZÁÉÍÓÚ¿¡]|\s*$)")
# A count written as a variable: "1 SNS -> N SQS", "N:1", "after X time".
_VARIABLE = re.compile(r"(?<![\w.+\-/])[NMX](?=\s+[^\W\d_]{2,}|\s*:\s*\d)|\d\s*:\s*[NMnm](?!\w)")
# "(one for each input)": the count is that of something in one worked example.
_ONE_FOR_EACH = re.compile(r"\b(?:one for each|one per|uno por cada|una por cada)\b", re.I)
# Right before the blank: a value someone chooses ("se puede bajar a ___", "can be set to ___").
_CHOSEN_VALUE = re.compile(
    r"\b(?:se\s+)?(?:puede|pueden|podés|podes|can|could|may)\s+(?:be\s+)?(?:\w+\s+)?"
    r"(?:bajar(?:lo|la)?|subir(?:lo|la)?|reducir(?:lo|la)?|aumentar(?:lo|la)?|cambiar(?:lo|la)?|"
    r"setear(?:lo|la)?|configurar(?:lo|la)?|poner(?:lo|la)?|lowered|reduced|raised|increased|"
    r"changed|set|configured|adjusted|tuned)\s+(?:a|hasta|en|to)\s*$",
    re.IGNORECASE,
)
# "… takes ___" keyed by a duration ("9 minutes"): one time somebody observed, not a fact
# ("takes 5 clock cycles" is a count, and stays).
_TOOK = re.compile(
    r"\b(?:takes?|took|tarda|tardó|tardo|demora|demoró|demoro)\s+(?:about\s+|around\s+|unos\s+)?$",
    re.IGNORECASE,
)
_DURATION_UNIT = re.compile(
    r"^(?:ms|s|sec|secs|seconds?|segundos?|min|mins|minutes?|minutos?|h|hrs?|hours?|horas?|"
    r"d[ií]as?|days?)$",
    re.IGNORECASE,
)
_ENUMERATION_ITEM_WORDS = 4  # "Kinesis Data Streams" is an item; "clean it up and move it" is not


def near_spelling(first: str, second: str) -> bool:
    """One typo apart (a letter changed, added, dropped or two swapped): Hinernate, Hibernate.

    Only for words of six letters or more, where one slip does not make another word.
    """
    if first == second or min(len(first), len(second)) < 6 or abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        diff = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and first[diff[0]] == second[diff[1]]
            and first[diff[1]] == second[diff[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


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
    if " " not in answer_norm and any(
        near_spelling(answer_norm, word) for word in normalise(question).split()
    ):
        return True  # "[EC2 Hinernate] … ?" gives Hibernate away despite the typo
    for acronym, phrases in expansions.items():
        if any(normalise(phrase) == answer_norm for phrase in phrases) and contains_phrase(
            question, acronym
        ):
            return True
    return _acronym_spells_answer(question, answer, expansions)


_ACRONYM_TOKEN = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{1,7})(?:s|es)?(?![\w-])")


def numbers_its_members(question: str, count: int) -> bool:
    """'with ___ CDRs each, CDR3 most variable': the stem names the counted things by number up
    to the answer, so the count is read off it."""
    noun = re.search(r"___\s+([A-Za-z][\w-]*?)(?:s|es)\b", question)
    if noun is None:
        return False
    pattern = rf"(?<!\w){re.escape(noun.group(1))}[\s-]?{count}(?!\d)"
    return re.search(pattern, question, re.IGNORECASE) is not None


_RANGE = re.compile(
    r"(?<![\w])(?P<first>[a-zA-Z]|\d{1,3})(?P<tail>[.)][\w.-]*)?\s*"
    r"(?:…|\.\.\.|–|-|to|hasta|through)\s*(?P<last>[a-zA-Z]|\d{1,3})(?P=tail)?(?![\w])"
)


_BARE_NUMBER = re.compile(r"(?<![\w.,/])\d{1,4}(?![\d.,]\d|\w)")


def sequence_gives_it(question: str, value: int) -> bool:
    """'… 9 non- · 10 dec- · ___ undec- · 12 dodec-': the numbers beside the blank step
    evenly through it, so the answer is read off the sequence."""
    blank = question.find("___")
    if blank < 0:
        return False
    before = [int(n) for n in _BARE_NUMBER.findall(question[:blank])]
    after = [int(n) for n in _BARE_NUMBER.findall(question[blank + 3 :])]
    if len(before) >= 2 and before[-1] - before[-2] == value - before[-1] != 0:
        return True
    return bool(before and after and value - before[-1] == after[0] - value != 0)


def _numbered_variant(question: str, answer: str) -> bool:
    """'IgA1 & IgA2' in a stem keyed IgA, 'GP2 or GP3' keyed GP: the answer with a number."""
    if len(answer) < 2 or " " in answer:
        return False
    return re.search(rf"(?<![\w-]){re.escape(answer)}\d", question) is not None


def range_spans_count(question: str, count: int) -> bool:
    """'(a.root-servers.net … m.root-servers.net)' beside '___ root servers': the range of
    letters or numbers the stem spells out counts the answer (a to m is 13)."""
    for match in _RANGE.finditer(question):
        first, last = match.group("first"), match.group("last")
        if first.isdigit() != last.isdigit():
            continue
        if first.isdigit():
            span = int(last) - int(first) + 1
        elif first.islower() == last.islower():
            span = ord(last) - ord(first) + 1
        else:
            continue
        if span == count and span > 2:
            return True
    return False


def _acronym_spells_answer(question: str, answer: str, expansions: Mapping[str, Set[str]]) -> bool:
    """An acronym of the question whose expansion holds every word of the answer: "PRRs" in
    the stem gives away "Receptors" (pattern-recognition receptors)."""
    answer_words = {stem(word) for word in normalise(answer).split() if len(word) >= 4}
    if not answer_words:
        return False
    for acronym in _ACRONYM_TOKEN.findall(question):
        for expansion in expansions.get(acronym, ()):
            if answer_words <= {stem(word) for word in normalise(expansion).split()}:
                return True
    return False


def _same_word(first: str, second: str) -> bool:
    if first == second or near_spelling(first, second):
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


def giveaway_word(
    question: str, answer: str, distractors: list[str], brands: Set[str] = frozenset()
) -> str | None:
    """A distinctive word of the answer (not shared by any distractor) that the question repeats.

    "Jobs are submitted to a queue" gives "Job Queue" away when no other option says queue. A
    brand that opens many of the notes' names ("AWS Batch" in a question about AWS) tells
    nothing.
    """
    question_words = stem_words(question)
    other_words = {word for option in distractors for word in stem_words(option)}
    for word in stem_words(answer):
        if len(word) < 4 or word in brands:
            continue
        if any(_same_word(word, other) for other in other_words):
            continue
        if any(_same_word(word, asked) for asked in question_words):
            return word
    return None


def in_example_clause(text: str, position: int) -> bool:
    """True when ``text[position]`` sits inside an example clause ("e.g. in 6 hours …").

    The clause runs from the marker to its closing parenthesis, an arrow, a semicolon or the end
    of the sentence: "(e.g. for login)" ends at ")", "e.g in 6 hours needed … -> Fix" at "->".
    """
    for marker in _EXAMPLE_MARKER.finditer(text[:position]):
        depth = 0
        end = len(text)
        for index in range(marker.end(), len(text)):
            char = text[index]
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    end = index
                    break
                depth -= 1
            elif depth == 0 and _CLAUSE_END.match(text, index):
                end = index
                break
        if marker.end() <= position < end:
            return True
    return False


def bare_trivial_count(answer: str) -> bool:
    """A bare 0 or 1 with no unit ("1 SNS", "0 downtime"), or 100% ("not 100% accurate"):
    wording, not numbers to learn."""
    return answer.strip() in ("0", "1", "100%", "100 %")


def counts_against_variable(text: str) -> bool:
    """True when the text writes other counts as variables ("1 SNS -> N SQS", "N:1", "X time").

    Next to a variable, a bare count is a shape of the pattern, not a figure worth recalling.
    """
    return _VARIABLE.search(text) is not None


def _strip_parentheses(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"\([^()]*\)", " ", text)
    return text


def _short_item(piece: str) -> bool:
    words = _strip_parentheses(piece).replace("etc", " ").split()
    return 1 <= len(words) <= _ENUMERATION_ITEM_WORDS


def in_enumeration(text: str, start: int, end: int, least: int = 4) -> bool:
    """True when ``text[start:end]`` is one item of a list of ``least`` or more short items.

    "Lambda, Batch, ___, SNS, SQS, Glue etc" is a guessing game: many options would fit the
    list and a distractor may well belong to it too. "Can use CLI, ___, or producer libraries
    from various frameworks" (three items, one of them long) is not.
    """
    head, tail = text[:start], text[end:]
    left = head.split(",")
    right = tail.split(",")
    own = left[-1] + "X" + right[0]
    if left[-1].count("(") > left[-1].count(")") or not _short_item(own):
        return False  # "caro (sale 3x ___)": inside a remark on one item, not an item
    siblings = 0
    for piece in reversed(left[:-1]):
        if not _short_item(piece):
            break
        siblings += 1
    for piece in right[1:]:
        if not _short_item(piece):
            break
        siblings += 1
    return siblings + 1 >= least


def _number_leaks(question: str, answer: str) -> bool:
    match = _NUMERIC_OPTION.match(answer)
    number = match.group("num") if match else answer
    return re.search(r"(?<![\w.,])" + re.escape(number) + r"(?![\d]|[.,]\d)", question) is not None


_FRAME_OPENING = re.compile(r"(?:Complete|Completa):\s*$")
MIN_WORDS_AFTER_SUBJECT_BLANK = 6


def _thin_subject_blank(question: str, blank: int) -> bool:
    """'Completa: ___ Hardware appliance se puede comprar.': the blank opens the line, so it
    is what the line is about, and four words cannot single it out."""
    if not _FRAME_OPENING.search(question[:blank]):
        return False
    after = re.findall(r"[^\W\d_]{2,}", question[blank + 3 :])
    return len(after) < MIN_WORDS_AFTER_SUBJECT_BLANK


_ASKED_ACRONYM = re.compile(r"\b([A-Z]{2,8})\b(?=[^A-Z]*$)")


def _all_spell_the_acronym(item: QuizItem) -> bool:
    """Every option of an acronym item has the acronym's initials, one word a letter."""
    match = _ASKED_ACRONYM.search(item.question)
    if match is None:
        return False
    letters = match.group(1).casefold()
    return all(
        "".join(word[:1] for word in option.split()).casefold() == letters
        for option in item.options
    )


def problems(
    item: QuizItem,
    expansions: Mapping[str, Set[str]] | None = None,
    brands: Set[str] = frozenset(),
) -> list[str]:
    """Every rule ``item`` breaks; an empty list means it may be shipped. ``brands`` are the
    notes' name prefixes (index.quiz.brands)."""
    expansions = expansions or {}
    found: list[str] = []
    if item.kind not in KINDS:
        found.append(f"unknown kind {item.kind!r}")
    if item.lang not in ("en", "es"):
        found.append(f"unknown language {item.lang!r}")
    if not item.question.strip() or len(item.question) > MAX_QUESTION:
        found.append("question empty or longer than 300 characters")
    least = 2 if item.kind == "compare" else 3
    if not least <= len(item.options) <= 4:
        found.append(f"needs {least} to 4 options")
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
    if item.kind != "define" and not lengths_compatible(list(item.options)):
        found.append("option lengths too different")
    if any(_RAW_MARKUP.search(text) for text in (item.question, *item.options)):
        found.append("raw markup in the question or an option")
    answer = item.correct_option
    if item.kind == "numeric":
        shapes = [_NUMERIC_OPTION.match(option) for option in item.options]
        if not all(shapes):
            found.append("numeric options must all be numbers")
        elif len({(m.group("joiner"), m.group("unit")) for m in shapes if m}) != 1:
            found.append("numeric options must share one unit, written alike")
        else:
            values = [parse_number(m.group("num")) for m in shapes if m]
            numbers = [value[0] if value else 0.0 for value in values]
            answer_value = numbers[item.answer]
            if is_power_of_two(answer_value) and not any(
                is_power_of_two(value) for i, value in enumerate(numbers) if i != item.answer
            ):
                found.append("the answer is the lone power of two")
            answer_match = shapes[item.answer]
            unit = answer_match.group("unit") if answer_match else ""
            whole = answer_value == int(answer_value)
            if not unit and whole and enumerates_count(item.question, int(answer_value)):
                found.append("the question lists what it asks to count")
            if whole and derivable_power(item.question, int(answer_value)):
                found.append("the question gives the bits the answer is two to the power of")
            if derivable_number(item.question, answer_value, answer):
                found.append("the other numbers of the question give the answer")
            if not unit and whole and numbers_its_members(item.question, int(answer_value)):
                found.append("the question numbers the counted things up to the answer")
            if not unit and whole and range_spans_count(item.question, int(answer_value)):
                found.append("a range in the question counts the answer")
            if whole and sequence_gives_it(item.question, int(answer_value)):
                found.append("the numbers around the blank step evenly through the answer")
            if not unit and _ONE_FOR_EACH.search(item.question):
                found.append("a count of one per something the question does not give")
            if lone_precise_number(numbers, item.answer):
                found.append("the answer is the lone precise figure among round ones")
        blank_at = item.question.find("___")
        before = item.question[:blank_at] if blank_at >= 0 else ""
        key_shape = shapes[item.answer]
        key_unit = key_shape.group("unit") if key_shape is not None else ""
        if blank_at >= 0 and (
            _CHOSEN_VALUE.search(before)
            or (_TOOK.search(before) and _DURATION_UNIT.match(key_unit or ""))
        ):
            found.append("the blank is a value one chooses or observed once, not a fact")
        if _number_leaks(item.question, answer):
            found.append("answer appears in the question")
        if bare_trivial_count(answer):
            found.append("a bare 0 or 1 is not a figure to learn")
        answer_shape = shapes[item.answer]
        bare_count = answer_shape is not None and not answer_shape.group("unit")
        if bare_count and counts_against_variable(item.question):
            found.append("a bare count next to variable counts (N, M, X)")
    elif item.kind in TERM_KINDS:
        for i, option in enumerate(item.options):
            for other in item.options[i + 1 :]:
                if are_variants(option, other):
                    found.append(f"options {option!r} and {other!r} are variants")
        if len({term_shape(option) for option in item.options}) != 1:
            found.append("options of different types")
        if any(_NUMERIC_OPTION.match(option) for option in item.options):
            found.append("a term option is a bare number")
        # an acronym item names the acronym: its initials are every option's, by design
        if item.kind != "acronym" and answer_leaks(item.question, answer, expansions):
            found.append("answer appears in the question")
        elif item.kind != "acronym" and _numbered_variant(item.question, answer):
            found.append("the question names a numbered variant of the answer")
        distractors = [o for i, o in enumerate(item.options) if i != item.answer]
        form = odd_one_out(answer, distractors, brands)
        if form is not None:
            found.append(f"the answer alone differs from the distractors in form ({form})")
        word = giveaway_word(item.question, answer, distractors, brands)
        if word is not None:
            found.append(f"question repeats the answer's word {word!r}")
        part = shared_stem(item.question, answer, distractors)
        if part is not None:
            found.append(f"question shares the stem of the answer's {part!r}")
        if number_form_leak(item.question, answer):
            found.append("the question writes the answer in its other number")
        if number_word_leak(item.question, answer, distractors):
            found.append("the answer spells out a figure of the question")
        if item.kind != "acronym" and initials_leak(item.question, answer):
            found.append("question spells out the answer's initials")
        if item.kind == "acronym" and not _all_spell_the_acronym(item):
            found.append("an option does not spell the acronym, so its initials give it away")
        if code_letters_leak(item.question, answer, distractors):
            found.append("the answer's letters open a word of the question")
        odd = odd_form(item.options)
        if odd is not None:
            found.append(f"one option differs from the others in {odd}")
    blank = item.question.find("___")
    if blank < 0 and item.kind in ("cloze", "numeric"):
        found.append("cloze without a blank")
    cue = cue_beside_blank(item.question, bare_numbers=item.kind != "numeric")
    if cue is not None:
        found.append(f"a {cue} beside the blank gives the answer away")
    if blank >= 0 and in_example_clause(item.question, blank):
        found.append("the blank is inside an example clause")
    if blank >= 0 and item.kind == "cloze" and in_enumeration(item.question, blank, blank + 3):
        found.append("the blank is one item of a long list")
    if blank >= 0 and item.kind == "cloze" and _thin_subject_blank(item.question, blank):
        found.append("the blank is the line's subject and too little is said of it")
    return found


def passes(
    item: QuizItem,
    expansions: Mapping[str, Set[str]] | None = None,
    brands: Set[str] = frozenset(),
) -> bool:
    return not problems(item, expansions, brands)
