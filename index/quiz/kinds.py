"""Turn mined facts into candidate items of each kind (match, cloze, numeric), each with a score."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence, Set
from dataclasses import dataclass

from index.quiz.candidates import (
    LABELS,
    Definition,
    NoteLine,
    NumberFact,
    term_shape,
    unit_family,
)
from index.quiz.citations import names_a_case
from index.quiz.distractors import TermPool, numeric_options
from index.quiz.facts import dangling_start, example_or_hypothetical
from index.quiz.item import MAX_QUESTION, QuizItem, explanation_for, item_id, place_answer
from index.quiz.rules import (
    answer_leaks,
    bare_trivial_count,
    counts_against_variable,
    in_enumeration,
    in_example_clause,
)
from index.quiz.text import (
    contains_phrase,
    normalise,
    strip_asides,
    table_row_line,
    window_around,
    word_list,
)

BLANK = "___"
MATCH_FRAME = {
    "en": "Which term matches: “{text}”?",
    "es": "¿Qué término corresponde a: «{text}»?",
}
CLOZE_FRAME = {"en": "Complete: {text}", "es": "Completa: {text}"}
# Headings that say nothing about what is under them: never a question's subject.
GENERIC_TITLES = frozenset(
    phrase.replace("_", " ")
    for phrase in word_list(
        "good_to_know cosas_a_saber resumen summary overview intro introduction introduccion "
        "notas notes apuntes others otros otras other misc miscellaneous varios general tags "
        "related conclusion conclusiones index indice references referencias links todo faq "
        "everything_else the_rest el_resto extra extras theory teoria refresher basics "
        "features caracteristicas characteristics properties propiedades"
    )
)
_CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")
MAX_NUMERIC_LINE = 180  # a longer line is a run of facts; its blank is a needle in a haystack
COMFORTABLE_QUESTION = 160  # longer questions are a chore to read in a poll on a phone


@dataclass(frozen=True, slots=True)
class Candidate:
    """An item before selection, with how good it looks (higher is better)."""

    item: QuizItem
    score: float
    line: NoteLine


def _clean_title(title: str) -> str:
    title = strip_asides(title)
    title = re.sub(r"\s*\(\d{1,2}:\d{2}\)\s*$", "", title).strip(" #")
    title = re.sub(r"^\[[^\]]*\]\s*", "", title)
    title = re.sub(r"\s*[-–]?\s*PART\s*[\d,\s]+$", "", title, flags=re.IGNORECASE)
    title = re.sub(r"^(?:\d{1,2}|[IVX]{1,4})[.)]\s+(?=\S)", "", title)  # "3. Ciclo de Krebs"
    # "Etapa 3: Ciclo de Krebs", "Part II - Mitosis": the step's number says nothing of the topic
    title = re.sub(r"^[^\W\d_]+\s+(?:\d{1,2}|[IVX]{1,4})\s*[:.\-–]\s+(?=\w)", "", title)
    if len(title) > 45:  # "Ciclo de Krebs (= ciclo del ácido cítrico = …)": the name before
        title = re.sub(r"\s*\([^()]*\)\s*$", "", title)
    return title.strip(" -–")


# "Spot Instances: discount up to 90%": a short capitalised label before a colon names the line.
_LABEL = re.compile(r"^(?P<label>[A-ZÁÉÍÓÚ][\w@&+.-]*(?:\s+[\w@&+.-]+){0,3}):\s+\S")


_NAME_PAIR = re.compile(r"([A-Z][a-z]+ [A-Z]{2,5})\s+[a-z]{3,}")


def _proper_name(label: str) -> bool:
    """'Spot Instances', 'Amazon S3', 'CloudWatch': every word capitalised, two or more words
    (one word must look like a name: an acronym or an inner capital); 'Reliability' is not."""
    words = label.split()
    if re.search(r"\d", label) and len(words) == 1:
        return False
    if len(words) == 1:
        word = words[0]
        inner = any(ch.isupper() for ch in word[1:]) and any(ch.islower() for ch in word)
        return term_shape(word) == "acronym" or inner
    return all(word[:1].isupper() for word in words)


def _names_own_subject(text: str) -> str | None:
    """The line's first word when it is a name (EFS, CloudWatch, GP2), or its label before a
    colon ("Spot Instances: …"): the line's own subject."""
    label = _LABEL.match(text)
    if label is not None and _proper_name(label.group("label")):
        return label.group("label")
    first = re.match(r"[\w@&+.-]+(?![/\w])", text)
    if first is None:
        return None
    word = first.group(0)
    inner_capital = any(ch.isupper() for ch in word[1:]) and any(ch.islower() for ch in word)
    if term_shape(word) == "acronym" or inner_capital:
        return word
    return None


def _category_heading(title: str) -> bool:
    """An all-capitals word too long for an acronym ("DATABASES", "STORAGE"): a shelf of many
    subjects, which names none of them."""
    letters = re.sub(r"[^\w]", "", title)
    return title.isupper() and " " not in title.strip() and len(letters) >= 6


def _titles_the_file(title: str, skip: Set[str]) -> bool:
    """The file's title, or a heading that opens with it ("HISTORIA DEL ARTE - 2º Bachillerato"
    in "Historia del arte.txt"): the whole file's subject names no line's."""
    return title in skip or any(" " in known and title.startswith(known + " ") for known in skip)


_CODE_NAME = re.compile(r"[A-Z][A-Za-z]?\d{1,2}")


def _usable_title(title: str, answer: str, skip: Set[str]) -> bool:
    if not title or len(title) > 45 or len(title.split()) > 6 or title.endswith("…"):
        return False
    if not title[:1].isalpha():
        return False
    if len(re.findall(r"[^\W\d_]", title)) < 3 and not _CODE_NAME.fullmatch(title):
        return False  # "A)", "1b"; but "S3" and "EC2" name services
    if normalise(title) in GENERIC_TITLES or _titles_the_file(normalise(title), skip):
        return False
    if _category_heading(title):
        return False
    if re.match(r"^[\w-]+:\s", title) or re.search(r"\d{5,}", title):
        return False  # "id: 1716491727-permisos": front matter, not a heading
    if example_or_hypothetical(title):
        return False  # "Si dice File / NFS": a case to recognise, not a topic
    if contains_phrase(title, answer) or answer_leaks(title, answer, {}):
        return False
    return normalise(answer).replace(" ", "") not in normalise(title).replace(" ", "")


MAX_OUTLINE_TITLE_WORDS = 5


def _outline_title(parent: str | None) -> str | None:
    """The outline line a line is nested under, when it is a short name ("Amazon Glacier",
    "Reserved:"), not a sentence or a generic label: it covers the line better than the
    chunk's heading does."""
    if parent is None:
        return None
    name = parent.strip().rstrip(":").strip()
    words = name.split()
    if not 1 <= len(words) <= MAX_OUTLINE_TITLE_WORDS or re.search(r"[.;:!?,()]", name):
        return None
    if not name[:1].isupper() or dangling_start(name) is not None:
        return None
    if normalise(name) in GENERIC_TITLES or normalise(name) in LABELS:
        return None
    return name


def _names_something(title: str) -> bool:
    """'Amazon Glacier', 'RDS backups', 'CloudWatch': a name, not a shelf word ('Deployment',
    'Atributos') that says less than the heading above it."""
    words = title.split()
    if len(words) >= 2:
        return True
    return term_shape(title) == "acronym" or _proper_name(title)


def subject_prefix(
    line: NoteLine, answer: str, skip: Set[str] = frozenset(), *, own_subject: bool = True
) -> str | None:
    """'[Heading] ' naming what the line is about, '' when the line names its own subject, or
    None when nothing does (the item is dropped).

    The innermost heading that is not the file's title, a generic label or a giveaway, falling
    back up the path. A line that opens with another name than its heading's ("EFS …" under
    "EBS volume types") is about that name: the heading would mislead.
    """
    own = _names_own_subject(line.text) if own_subject else None
    if own and (contains_phrase(answer, own) or normalise(own) in normalise(answer)):
        own = None  # the blank is the subject itself: the heading must name the topic
    verb_first = dangling_start(line.text) == "verb"
    titles = list(line.path or (line.chunk.title,))
    if line.beside_title:
        titles = titles[:-1]  # "[On Demand]" over "Reserved - 75% discount": a sibling item
    outline_title = _outline_title(line.parent)
    if outline_title is not None and (line.beside_title or _names_something(outline_title)):
        titles.append(outline_title)  # "Amazon Glacier" over "Cada item en Glacier …"
    for raw_title in reversed(titles):
        title = _clean_title(raw_title)
        if not _usable_title(title, answer, skip):
            # "Fermentación (sin O2)" over a blank of 2: the name without its aside still
            # covers the line, better than the wider heading above it would
            title = re.sub(r"\s*\([^()]*\)\s*$", "", title)
            if not _usable_title(title, answer, skip):
                continue
        if own and not verb_first and not contains_phrase(title, own):
            return ""
        return f"[{title}] "
    if own and not verb_first:
        return ""
    pair = _NAME_PAIR.match(line.text) if own_subject else None  # "Dynamo DB supports …"
    if pair is not None and not contains_phrase(answer, pair.group(1)):
        return ""
    return None


def length_penalty(question: str) -> float:
    """How much a long question costs in the ranking: 0 up to 160 characters, 0.6 at 300."""
    excess = max(0, len(question) - COMFORTABLE_QUESTION)
    return 0.6 * excess / (MAX_QUESTION - COMFORTABLE_QUESTION)


_STOP = frozenset(
    word_list(
        "the and for with from that this are was can has have not but its para por con los las "
        "una del que como más mas sin sus son está esta"
    )
)


def _content_words(text: str) -> int:
    return len(_CONTENT_WORD.findall(text))


def _meaningful_words(text: str) -> int:
    """Content words that are not function words: 'para Workloads especificos' has two."""
    return sum(word.casefold() not in _STOP for word in _CONTENT_WORD.findall(text))


_CLAUSE_END = re.compile(r"(?:(?<=[^\W\d_])|(?<=\)))[.;:](?=\s)|\s[—–]\s")


def clause_cut(text: str, room: int) -> str | None:
    """``text`` when it fits in ``room``, else cut at its last sentence or clause end that fits
    (". ", "; ", " — "), or None when what is left is too thin to define anything: a definition
    ending "… hasta la…" mid-sentence reads as a riddle."""
    if len(text) <= room:
        return text
    ends = [match for match in _CLAUSE_END.finditer(text) if match.end() <= room]
    if not ends:
        return None
    last = ends[-1]
    kept = text[: last.end()].strip(" ;:—–")
    if kept.endswith(";") or kept.endswith(":"):
        kept = kept[:-1]
    return kept if _meaningful_words(kept) >= 3 else None


def _frame(frame: Mapping[str, str], lang: str, prefix: str, body: str) -> str | None:
    template = frame.get(lang, frame["en"])
    room = MAX_QUESTION - len(prefix) - len(template.format(text=""))
    fitted = clause_cut(body, room)
    return None if fitted is None else prefix + template.format(text=fitted)


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
        path=tuple(line.path),
        chunk_id=line.chunk.id,
        line=line.line_no,
    )


def match_candidate(
    definition: Definition, pool: TermPool, only: Collection[str], skip: Set[str] = frozenset()
) -> Candidate | None:
    """'Which term matches: <description>?' with the term's siblings (``only``) as distractors."""
    line, term, description = definition.line, definition.term, definition.description
    if contains_phrase(description, term) or _meaningful_words(description) < 3:
        return None
    prefix = subject_prefix(line, term, skip)
    if prefix is None:
        return None
    question = _frame(MATCH_FRAME, line.lang, prefix, description)
    if question is None:
        return None
    siblings = pool.nearest(term, line, question, only=only)
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
    line: NoteLine,
    term: str,
    span: tuple[int, int],
    pool: TermPool,
    df: int,
    only: Collection[str],
    skip: Set[str] = frozenset(),
) -> Candidate | None:
    """'Complete: … ___ …' blanking a known term of the line."""
    start, end = span
    if in_example_clause(line.text, start) or in_enumeration(line.text, start, end):
        return None  # "(e.g. S3, RDS, Redshift, ___)": any of many answers would do
    if table_row_line(line.text):
        return None  # a table row's cells read as one sentence are garbled
    body = line.text[:start] + BLANK + line.text[end:]
    if contains_phrase(body, term) or _content_words(body) < 4:
        return None
    prefix = subject_prefix(line, term, skip)
    if prefix is None:
        return None
    template = CLOZE_FRAME.get(line.lang, CLOZE_FRAME["en"])
    room = MAX_QUESTION - len(prefix) - len(template.format(text=""))
    body = window_around(body, start, start + len(BLANK), room)
    question = prefix + template.format(text=body)
    siblings = pool.nearest(term, line, question, only=only)
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


# an aside holding the blank and at most one word beside it: "(___)", "(___ más)", "(max ___)"
_BARE_ASIDE = re.compile(r"\(\s*___\s*(?:[^\s()]+\s*)?\)|\(\s*[^\s()]+\s+___\s*\)")
_COMPOUND_BEFORE = re.compile(r"\d\s?(?:h|hs|hrs?|min)\s*$", re.IGNORECASE)
_COMPOUND_AFTER = re.compile(r"\s*\d+\s?(?:s|seg|secs?|min)\b", re.IGNORECASE)
_SINGULAR_ENTRY = re.compile(r"\s+[a-zñáéíóú]+(?<!s)\b(?!\s*[:=])")


def numeric_candidate(
    fact: NumberFact, nearby: Sequence[str], skip: Set[str] = frozenset()
) -> Candidate | None:
    """'Complete: … ___ …' blanking a number (with its unit), distractors in the same unit."""
    line = fact.line
    answer = fact.number + fact.joiner + fact.unit
    family = unit_family(fact.unit)
    if in_example_clause(line.text, fact.start):
        return None  # "e.g. in 6 hours": an illustration, not a figure to learn
    if table_row_line(line.text):
        return None  # "Old test · Liquidated damages clause: … (4 tests)": a garbled stem
    if names_a_case(line.text) or (line.parent is not None and names_a_case(line.parent)):
        return None  # "1937 lease of flats", "2 sailors deserted": a case's story, not its law
    if not fact.unit and (bare_trivial_count(fact.number) or counts_against_variable(line.text)):
        return None  # "Fanout -> 1 SNS -> N SQS": the shape of a pattern, not a fact
    if fact.unit:
        body = line.text[: fact.start] + BLANK + line.text[fact.end :]
    else:
        body = line.text[: fact.start] + BLANK + line.text[fact.start + len(fact.number) :]
    if _content_words(body) < 3 or len(line.text) > MAX_NUMERIC_LINE:
        return None
    if line.text.rstrip().endswith(":"):
        return None  # "… each one of 5 stages of the pipeline:": the figures are below
    if re.search(r"(?<![\w.])[01]{4}(?:[\s_][01]{4})+(?![\w.])", line.text):
        return None  # "… to 16 bits is 1111 1111 1111 0001": a worked example, count the digits
    if len(re.findall(r"(?<![\w])[a-e]\)\s?\w", line.text)) >= 2:
        return None  # "a)expedited (…), b)standard (…), c)bulk (___)": a run of facts
    if line.text.count(" / ") >= 2:
        return None  # "Caching per stage / Default TTL ___ / up to 1hour / …": a run of facts
    after = line.text[fact.end : fact.end + 25]
    before = line.text[max(0, fact.start - 25) : fact.start]
    if re.match(r"\W{0,3}\(\s*~?\d", after) or re.search(r"\d\s?[^\W\d]*\W{0,3}\(\s*~?$", before):
        return None  # "900 seg. (15 minutos)": the same figure in other words next to it
    if re.search(r"\s[-–—]\s*$", line.text[: fact.start]) and not line.text[fact.end :].strip(" ."):
        return None  # "… - Puede cambiarse el tipo - 54%": a figure of what?
    if _BARE_ASIDE.search(body):
        return None  # "… on HDFS (___)", "(___ más)": a figure in an aside, said of nothing
    if _COMPOUND_BEFORE.search(before) or _COMPOUND_AFTER.match(after):
        return None  # "23 h ___ 4 s": minutes of an hour, which no wrong option may pass 59
    if fact.start == 0 and not fact.unit and _SINGULAR_ENTRY.match(line.text[fact.end :]):
        return None  # "15 vida e integridad física": an article's number, not a count of lives
    prefix = subject_prefix(line, answer, skip)
    if prefix is None:
        return None
    template = CLOZE_FRAME.get(line.lang, CLOZE_FRAME["en"])
    room = MAX_QUESTION - len(prefix) - len(template.format(text=""))
    body = window_around(body, fact.start, fact.start + len(BLANK), room).rstrip(" ,;")
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
