"""Mine quiz material from note lines: definitions ("X - description"), key terms and numbers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from index.acronyms import mine_acronyms, spells_out
from index.lang import Lang, detect_lang_or, lang_scores, word_ending_lang
from index.model import Chunk
from index.quiz.citations import citation_spans
from index.quiz.facts import TypoSpotter, fact_problem
from index.quiz.text import (
    clean_line,
    contains_phrase,
    is_meta_line,
    normalise,
    word_list,
)

MAX_LINE = 600  # longer lines are prose dumps, not facts
WRAP_WIDTH = 60  # a line this long without a full stop may go on in the next one


@dataclass(frozen=True, slots=True)
class NoteLine:
    """One cleaned, quiz-worthy line of a chunk."""

    chunk: Chunk
    chunk_index: int  # position of the chunk in the list handed to the generator
    line_no: int  # 1-based line in the source file (best effort)
    text: str  # cleaned: no bullets, emphasis or HTML
    lang: str
    problem: str | None = None  # why the line is not a fact to ask about (see facts.py)
    bullet: bool = False  # a list item in the notes
    # The outline line this one is nested under, in the same chunk ("Amazon Glacier" over
    # "  - Cada item en Glacier …"), or None at the top level.
    parent: str | None = None
    # Under a top-level list item beside the one the chunk is titled by ("On Demand - …"
    # titling "Reserved:" and its "Reserved - 75% discount"): the title is a sibling, not a cover.
    beside_title: bool = False

    @property
    def position(self) -> tuple[str, int, int]:
        return (self.chunk.source, self.chunk_index, self.line_no)

    @property
    def path(self) -> tuple[str, ...]:
        """The heading path over this line (a small section merged into the chunk has its own)."""
        return self.chunk.path_at(self.line_no)


@dataclass(frozen=True, slots=True)
class Definition:
    """A line that pairs a term with what it is or does."""

    line: NoteLine
    term: str
    description: str


@dataclass(frozen=True, slots=True)
class NumberFact:
    """A number (with its unit, if any) inside a line."""

    line: NoteLine
    start: int  # span of the blank in line.text
    end: int
    number: str  # as written: "16.000", "99.99", "10"
    unit: str  # as written after the number, "" for a bare count
    joiner: str  # "" or " ": how number and unit are written together


_BULLET_START = re.compile(r"^\s*(?:[-*•·+]|\d{1,2}[.)])\s+")
_FENCE = re.compile(r"^\s*(?:```|~~~)")


_ENTRY_START = re.compile(r"^[^\W_][\w .'/-]{0,30}:\s")


def _logical_lines(raw_lines: Sequence[str]) -> list[tuple[int, str, bool]]:
    """(offset, text, is a list item) per logical line: code fences left out, and a paragraph
    hard-wrapped over several lines joined back into one."""
    out: list[tuple[int, str, bool]] = []
    in_fence = False
    previous_open = False  # the last line kept may continue on the next
    for offset, raw in enumerate(raw_lines):
        if _FENCE.match(raw):
            in_fence = not in_fence
            previous_open = False
            continue
        if in_fence or not raw.strip():
            previous_open = False
            continue
        bullet = bool(_BULLET_START.match(raw))
        stripped = raw.strip()
        entry = bool(_ENTRY_START.match(stripped))  # "mayo 1969: Cordobazo": its own line
        if previous_open and not bullet and not entry and stripped[:1].islower() and out:
            first_offset, text, was_bullet = out[-1]
            out[-1] = (first_offset, text.rstrip() + " " + stripped, was_bullet)
        else:
            out.append((offset, raw, bullet))
        # Hard-wrapped prose runs to the margin; a short line without a full stop is an outline.
        previous_open = (
            len(raw.rstrip()) >= WRAP_WIDTH
            and not re.search(r"[.:;!?]\s*$", raw)
            and not stripped.startswith("#")
            # "Scalable Reads / Automated Backups / … / Multi master support": a run of items,
            # not prose, so "stores 6 copies …" below is a line of its own
            and stripped.count(" / ") < 2
        )
    return out


_INLINE_MATH = re.compile(r"\$(?=\S)[^$\n]+?(?<=\S)\$")
_MATH_REMARK = re.compile(r"\s*\([^()]*\$[^()]*\)")
_SENTENCE = re.compile(r"(?<=[^\W\d_]{2}[.;])\s+")
MIN_WORDS_BEFORE_MATH = 4


def without_trailing_math(text: str) -> str | None:
    """The line up to its first inline formula, when what comes before stands on its own.

    'Suceso seguro: Siempre se cumple. Es por tanto $\\Omega$' → 'Suceso seguro: Siempre se
    cumple.'; a formula in parentheses is a remark and goes too. None when the formula is the
    line's subject or sits mid-sentence ('the point $(x, y)$ where …'), or for display math.
    """
    if "$$" in text or not _INLINE_MATH.search(text):
        return None
    text = _MATH_REMARK.sub("", text)
    kept: list[str] = []
    for sentence in _SENTENCE.split(text):
        formula = _INLINE_MATH.search(sentence)
        if formula is None:
            kept.append(sentence)
            continue
        head = sentence[: formula.start()].rstrip(" ,:;")
        tail = _INLINE_MATH.sub("", sentence[formula.start() :]).strip(" .,;:")
        if not tail and len(head.split()) >= MIN_WORDS_BEFORE_MATH:
            kept.append(head)  # "… entre sucesiones elementales $A \\cup B$": a trailing formula
        break
    result = " ".join(kept).strip()
    if "$" in result or len(result.split()) < MIN_WORDS_BEFORE_MATH:
        return None
    return result


# "$m$ filas", "a set $S$": a formula that is one letter reads as the letter ("$14$ days"
# stays markup: a figure written as math is a formula to the notes).
_SYMBOL_MATH = re.compile(r"\$(?P<symbol>[A-Za-z])\$")


def with_plain_symbols(text: str) -> str | None:
    """The line with each one-symbol formula written plainly ('una matriz con $m$ filas' →
    'una matriz con m filas'), or None when it has none, or any other formula ('$A^{-1}$')."""
    if "$$" in text or not _SYMBOL_MATH.search(text):
        return None
    plain = _SYMBOL_MATH.sub(lambda match: match.group("symbol"), text)
    return None if "$" in plain else plain


def note_lines(chunks: Sequence[Chunk]) -> list[NoteLine]:
    """Every non-meta line of every chunk, cleaned, with its source line number, its language
    and, when it is not a fact worth asking about, why not."""
    lines: list[NoteLine] = []
    typos = TypoSpotter([chunk.text for chunk in chunks])
    for index, chunk in enumerate(chunks):
        raw_lines = chunk.text.split("\n")
        chunk_lang: Lang = "es" if chunk.lang == "es" else "en"
        outline: list[tuple[int, str, int]] = []  # (indent, text, offset) of open outline levels
        title_indent = _title_item_indent(chunk, raw_lines)
        for offset, raw, bullet in _logical_lines(raw_lines):
            if len(raw) > MAX_LINE or is_meta_line(raw):
                continue
            text = clean_line(raw)
            indent = _indent(raw)
            while outline and outline[-1][0] >= indent:
                outline.pop()
            parent = outline[-1][1] if outline else None
            top_indent, top_offset = (outline[0][0], outline[0][2]) if outline else (indent, offset)
            if text:
                outline.append((indent, text, offset))
            if len(text) < 8 or is_meta_line(text):
                continue
            # under (or being) a list item beside the one the chunk's title was taken from
            beside = (
                title_indent == top_indent and top_offset > 0 and (bullet or parent is not None)
            )
            line_no = chunk.source_line(offset)
            lang = detect_lang_or(text, chunk_lang)
            if lang_scores(text) == (0.0, 0.0):
                lang = word_ending_lang(text) or lang  # a line of jargon: the frame follows it
            problem = fact_problem(text, chunk.path, chunk.source)
            if problem == "code or markup":
                before_math = without_trailing_math(text)
                if before_math and fact_problem(before_math, chunk.path, chunk.source) is None:
                    text, problem = before_math, None
            if problem == "code or markup":
                plain = with_plain_symbols(text)
                if plain and fact_problem(plain, chunk.path, chunk.source) is None:
                    text, problem = plain, None
            if problem is None and (
                typos.has_typo(text, deep=lang == "es") or _DOUBLED_WORD.search(text)
            ):
                problem = "typo"  # "used for for data": a slip a stem would copy
            heading_deep = chunk_lang == "es"
            if problem is None and chunk.path and typos.has_typo(chunk.path[-1], heading_deep):
                problem = "typo in its heading"  # "AWS CloudWath Alarms" would head the stem
            lines.append(
                NoteLine(chunk, index, line_no, text, lang, problem, bullet, parent, beside)
            )
    return lines


_DOUBLED_WORD = re.compile(r"\b([^\W\d_]{2,})\s+\1\b", re.IGNORECASE)


def _indent(raw: str) -> int:
    stripped = raw.lstrip(" \t")
    return len(raw[: len(raw) - len(stripped)].replace("\t", "    "))


def _title_item_indent(chunk: Chunk, raw_lines: Sequence[str]) -> int | None:
    """The indent of the chunk's first line when that line is a list item its title was taken
    from ("- On Demand - Se paga …" titled "On Demand"), else None."""
    first = next((raw for raw in raw_lines if raw.strip()), "")
    if not chunk.path or not _BULLET_START.match(first):
        return None
    title = normalise(chunk.path[-1])
    if not title or not normalise(clean_line(first)).startswith(title):
        return None
    return _indent(first)


# --- terms -----------------------------------------------------------------------------------

# Generic labels that head note lines ("Pros: …", "Operations: …"): never answers.
LABELS = frozenset(
    normalise(word)
    for word in word_list(
        "pros cons use case use cases use casds caso de uso casos de uso operations security "
        "reliability performance cost costs example ejemplo note nota limitaciones "
        "limitations atributos attributes beneficios benefits resumen summary proceso process "
        "estrategias default others otros good to know flow phases supports features e.g eg "
        "i.e ie step paso tip important importante why how what when where answer question "
        "result output input source target destination type types tipo tipos option options "
        "opcion usado para used for cuando si no yes sirve "
        # a student's labels for their own work, not names of things: "Pendiente: pasar en limpio"
        "pendiente pendientes todo to do pending por hacer ojo duda dudas ver see also links "
        "enlaces referencias references ref refs fuente fuentes bibliografia bibliography"
    )
) | frozenset(
    normalise(phrase.replace("_", " "))
    for phrase in word_list(
        "use_case use_cases caso_de_uso casos_de_uso good_to_know e.g i.e usado_para used_for "
        "se_usa sirve_para cosas_a_saber access_controls to_do por_hacer see_also ver_también"
    )
)
_FUNCTION_WORDS = frozenset(
    word_list(
        "a an the of for and or to in on with by de del la el los las para con en y o por a un "
        "una is are es son se"
    )
)
# Words that make a "term" a phrase or a sentence: verbs, adverbs, joiners.
_NOT_IN_TERMS = frozenset(
    word_list(
        "or and with without y o con sin also instead then however entonces luego además ademas "
        "only solo sólo just puede pueden tiene tienen tener hay permite permiten can could may "
        "must will should allows allow provides provide uses use using usa usar need needs "
        "needed se si if when cuando that que this these esto este esta there here aquí is are "
        "es son was were be happens happen supports support soporta soportan has have needs "
        "requires becomes run runs corre"
    )
)
# Judging or generic adjectives: "Condiciones terribles", "Acero barato", "Nuevos países
# líderes" and "Main features" are a student's labels for a point, not names of things.
_EVALUATIVE = frozenset(
    word_list(
        "terrible terribles horrible horribles barato barata baratos baratas caro cara caros "
        "caras nuevo nueva nuevos nuevas buen bueno buena buenos buenas malo mala malos malas "
        "importante importantes principal principales grandes varios varias otros otras "
        "distintos distintas diferentes mejores peores main new important cheap expensive "
        "terrible good bad better worse other various different big huge"
    )
)


def _label_phrase(words: Sequence[str]) -> bool:
    """Two or more words judging or sorting rather than naming: an evaluative adjective in
    lower case, or opening a phrase whose other words are all lower case ("New Deal" names)."""
    if len(words) < 2:
        return False
    if any(word in _EVALUATIVE for word in words[1:]):
        return True
    rest_lower = all(word[:1].islower() for word in words[1:])
    return words[0].casefold() in _EVALUATIVE and rest_lower


_KEEP_SMALL = frozenset({"of", "for", "de", "del", "to", "on", "in", "en", "at", "as", "a", "the"})
_IMPERATIVES = frozenset(
    word_list(
        "push pull create configure connect add install enable disable deploy set go click open "
        "select choose define launch attach detach copy move upload download crear configurar "
        "conectar agregar instalar habilitar seleccionar elegir definir lanzar copiar mover subir "
        "bajar comparison comparación comparacion difference differences diferencias"
    )
)
_TERM_TOKEN = re.compile(r"^(?=.*\w)[\w@&+./-]+$")
_LECTURE_WORDS = frozenset(
    word_list(
        "architecture refresher advanced basics overview part deep dive 101 demo intro "
        "introduction fundamentals section quiz review summary resumen lecture exam examen"
    )
)
_HEADING_DESC_WORDS = frozenset(
    word_list(
        "features overview basics refresher part intro introduction summary resumen types tipos "
        "cases limits setup config"
    )
)


def term_shape(term: str) -> str:
    """'acronym' for short upper-case/alphanumeric codes (GP2, SSE-KMS), else 'name'."""
    letters = [ch for ch in term if ch.isalpha()]
    if (
        " " not in term
        and letters
        and (
            sum(ch.isupper() for ch in letters) >= max(2, len(letters) * 0.6)
            or any(ch.isdigit() for ch in term)
        )
    ):
        return "acronym"
    return "name"


def tidy_term(raw: str) -> str:
    """The term without a trailing parenthetical, quotes or punctuation: 'GP2 (SSD)' → 'GP2'."""
    term = re.sub(r"\s*\([^)]*\)\s*$", "", raw.strip())
    term = re.sub(r"^\d+\s?(?:ro|ero|do|to|er|st|nd|rd|th|º|ª)?\.\s*", "", term)  # "2do. ECS"
    term = term.strip(" \"'“”«»:;,.-–—")
    return re.sub(r"\s+", " ", term)


def looks_like_term(term: str) -> bool:
    """A short name of a thing (service, feature, option), not a sentence nor a generic label."""
    if not 2 <= len(term) <= 40:
        return False
    words = term.split()
    if not 1 <= len(words) <= 4:
        return False
    if not all(_TERM_TOKEN.match(word) for word in words):
        return False
    norm = normalise(term)
    if not norm or norm in LABELS or norm.replace(" ", "").isdigit():
        return False
    if words[0].casefold() in _FUNCTION_WORDS or words[-1].casefold() in _FUNCTION_WORDS:
        return False
    if sum(word.casefold() in _FUNCTION_WORDS for word in words) > 1:
        return False
    if any(word.casefold() in _NOT_IN_TERMS for word in words):
        return False
    if _label_phrase(words):
        return False
    if words[0].casefold() in _IMPERATIVES or normalise(words[0]) in _LECTURE_WORDS:
        return False  # a step ("Push Image") or a lecture title ("Comparison of …")
    if any(re.match(r"^[A-Z]{2,}[a-z]{2,}", word) for word in words):
        return False  # "USer", "LIMItacion": a typo, not a name
    shouted = all(word.isupper() for word in words if word.isalpha())
    if len(words) > 1 and shouted and (len(words) > 2 or max(map(len, words)) > 5):
        return False  # SHOUTED NOTE, not a name
    if not any(ch.isalpha() for ch in term):
        return False
    # A term carries a capital or a digit somewhere ("st1", "Spot Fleets", "NACLs").
    return any(ch.isupper() or ch.isdigit() for ch in term)


def words(text: str) -> list[str]:
    return text.split()


_ARROW = re.compile(r"^(?P<term>[^:>]{2,45}?)\s*(?:->|→|=>)\s*(?P<desc>.+)$")
_DASH = re.compile(r"^(?P<term>[^:]{2,45}?)\s+[-–—]+\s+(?P<desc>.+)$")
_COLON = re.compile(r"^(?P<term>[^:()]{2,45}?)\s*:\s*(?P<desc>[^/].+)$")
_IS_EN = re.compile(
    r"^(?P<term>[A-Z][\w@&+./-]*(?: [\w@&+./-]+){0,4}?) (?:is|are) (?P<desc>(?:a|an|the) .+)$"
)
_IS_ES = re.compile(
    r"^(?P<term>[A-Z][\w@&+./-]*(?: [\w@&+./-]+){0,4}?) (?:es|son) "
    r"(?P<desc>(?:un|una|el|la|los|las) .+)$"
)
_TRAILING_ACRONYM = re.compile(r"^(?P<desc>.{12,}?)\s*\((?P<term>[A-Z][A-Za-z0-9-]{1,8})\)\.?$")


class TermJudge:
    """Tells specific names (Kinesis, Stored Mode, GP2) from common words (Files, Aplicaciones).

    Learns from the notes which words are written capitalised in mid-sentence (proper nouns).
    """

    def __init__(self, lines: Sequence[NoteLine]) -> None:
        self._capital: Counter[str] = Counter()
        self._lower: Counter[str] = Counter()
        self._not_shouted: Counter[str] = Counter()
        for line in lines:
            for word in re.findall(r"[^\W\d_]+", line.text):
                if not word.isupper():
                    self._not_shouted[word.casefold()] += 1
            words = re.findall(r"[^\W\d_][\w-]*", line.text)
            for word in words[1:]:
                key = normalise(word)
                if word[0].isupper():
                    self._capital[key] += 1
                else:
                    self._lower[key] += 1

    def proper(self, word: str) -> bool:
        key = normalise(word)
        capital, lower = self._capital[key], self._lower[key]
        return capital >= 2 and capital >= 3 * lower

    def shouted(self, word: str) -> bool:
        """'DATABASES', 'OUTAGE': an ordinary word in capitals (the notes also write it low)."""
        return (
            word.isalpha()
            and word.isupper()
            and len(word) >= 4
            and bool(self._not_shouted[word.casefold()])
        )

    def specific_word(self, word: str) -> bool:
        """A strong word, or a capitalised word the notes use as a proper noun."""
        core = word.strip("()[]{}.,;:")
        if not core or self.shouted(core):
            return False
        return self._strong(word) or (core[:1].isupper() and self.proper(core))

    def _strong(self, word: str) -> bool:
        """A code (GP2), an acronym, or CamelCase (CloudWatch, ElastiCache); never shouting."""
        core = word.strip("()[]{}.,;:")
        if not core or self.shouted(core):
            return False
        if any(ch.isdigit() for ch in core) and any(ch.isalpha() for ch in core):
            return True
        if term_shape(core) == "acronym":
            return True
        return any(ch.isupper() for ch in core[1:]) and any(ch.islower() for ch in core)

    def specific(self, term: str) -> bool:
        """True for names worth asking about: a code, a proper noun, or a Title Case phrase.

        "GP2", "CloudWatch", "Kinesis", "Spot Fleets" pass; "Files", "User minimal amount" do not.
        """
        words = term.split()
        if len(words) == 1:
            return self.specific_word(words[0])
        if any(self._strong(word) for word in words):
            return True
        content = [w for w in words if w.casefold() not in _KEEP_SMALL]
        if len(content) >= 2 and all(w[:1].isupper() for w in content):
            return True
        return sum(self.specific_word(w) for w in content) * 2 >= len(content) + 1


def acronym_expansions(lines: Sequence[NoteLine]) -> dict[str, set[str]]:
    """Acronym (upper case) → the phrases that spell it out in the notes: CRR → {Cross Region …}.

    The search index's acronym miner over the quiz's cleaned lines, with every expansion kept.
    """
    mined = mine_acronyms((line.text for line in lines), most=None)
    return {acronym.upper(): set(phrases) for acronym, phrases in mined.items()}


def _split_definition(text: str) -> tuple[str, str] | None:
    if text.rstrip().endswith(":"):
        return None  # a list header: "ECS - Está compuesto por:"
    for pattern in (_ARROW, _DASH, _COLON, _IS_EN, _IS_ES):
        match = pattern.match(text)
        if match:
            term, desc = tidy_term(match.group("term")), match.group("desc").strip()
            if re.search(r"\d\w{0,3}$", term) and desc[:1].isdigit():
                return None  # "1s - 7 days" is a range, not a definition
            if looks_like_term(term):
                return term, desc
    match = _TRAILING_ACRONYM.match(text)
    if match and not spells_out(match.group("term"), match.group("desc")):
        desc = match.group("desc").strip()
        if "(" not in desc and len(desc.split()) <= 12 and desc[:1].isupper():
            return match.group("term"), desc
    return None


SUBJECT_SHARE = 0.2  # of the passages: a word in this many is what the notes are about


def subject_terms(chunks: Sequence[Chunk], brands: frozenset[str]) -> frozenset[str]:
    """Words too general to be an answer: the notes' own subject (a word in at least
    ``SUBJECT_SHARE`` of the passages: "aws" in cloud notes, "célula" in biology ones) and the
    prefixes that open many of their names (``brands``), learned from the notes, not listed."""
    counts: Counter[str] = Counter()
    for chunk in chunks:
        counts.update(set(normalise(chunk.text).split()))
    floor = max(3, SUBJECT_SHARE * len(chunks))
    return frozenset(word for word, count in counts.items() if count >= floor) | brands


def definitions(
    lines: Sequence[NoteLine],
    judge: TermJudge | None = None,
    generic: frozenset[str] = frozenset(),
) -> list[Definition]:
    """Term/description pairs, without generic labels (terms 'defined' in many unrelated places,
    and the notes' ``generic`` subject words: ``subject_terms``).

    With a ``judge``, a term must be a specific name, unless it belongs to an enumeration
    (three or more definitions close together in one chunk, like Cluster / Spread / Partition).
    """
    raw: list[Definition] = []
    for line in lines:
        split = _split_definition(line.text)
        if split is None:
            continue
        term, desc = split
        desc = desc.strip(" -–—:;>")
        if "->" in desc or "=>" in desc or "→" in desc:
            continue  # a flow of steps, not a definition
        nested = _COLON.match(desc) or _DASH.match(desc) or _ARROW.match(desc)
        if nested and looks_like_term(tidy_term(nested.group("term"))):
            continue  # "EC2 - Placement Groups: Cluster / Spread" defines something else
        desc_words = normalise(desc).split()
        if len(desc_words) <= 6 and any(word in _HEADING_DESC_WORDS for word in desc_words):
            continue  # "DynamoDB - Security & Other Features": a heading
        if len(desc) < 12 or len(desc.split()) < 3 or normalise(term) in generic:
            continue
        if line.text.rstrip(" .").endswith(f"({term})"):
            # "… (CMR)": only a real acronym, one the notes use elsewhere too, is worth asking.
            pattern = re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)")
            if sum(bool(pattern.search(other.text)) for other in lines) < 2:
                continue
        raw.append(Definition(line, term, desc))
    uses = Counter(normalise(item.term) for item in raw)
    kept = [item for item in raw if uses[normalise(item.term)] <= 3]
    if judge is None:
        return kept
    out = []
    for item in kept:
        if judge.specific(item.term):
            out.append(item)
            continue
        neighbours = sum(
            1
            for other in kept
            if other is not item
            and other.line.chunk_index == item.line.chunk_index
            and abs(other.line.line_no - item.line.line_no) <= 6
        )
        content = [w for w in item.term.split() if w.casefold() not in _KEEP_SMALL]
        title_case = all(word[:1].isupper() for word in content)
        capitalised = item.term[:1].isupper()
        if (neighbours >= 2 and title_case) or (neighbours >= 3 and capitalised):
            out.append(item)  # a definition list: its terms are one kind whatever their case
    return out


def vocabulary(defs: Sequence[Definition], chunks: Sequence[Chunk]) -> dict[str, str]:
    """Known terms (normalised → as written): defined terms, and headings that look like terms."""
    vocab: dict[str, str] = {}
    for item in defs:
        vocab.setdefault(normalise(item.term), item.term)
    for chunk in chunks:
        for title in chunk.path:
            title = tidy_term(re.sub(r"\(\d{1,2}:\d{2}\)", "", title))
            title_words = set(normalise(title).split())
            if (
                looks_like_term(title)
                and len(title.split()) <= 4
                and not title_words & _LECTURE_WORDS
                and not re.search(r"part\s*\d|theory|demo", title, re.IGNORECASE)
            ):
                vocab.setdefault(normalise(title), title)
    return vocab


# --- numbers ---------------------------------------------------------------------------------

_UNITS = (
    "%|x|Gbps|Mbps|Kbps|Gbit/s|Mbit/s|GB/s|MB/s|MiB/s|GiB/s|Mb/s|Gb/s|KB/s|msg/s|req/s|"
    "KiB|MiB|GiB|TiB|KB|MB|GB|TB|PB|EB|Kb|Mb|Gb|Tb|ms|milisegundos|milliseconds|"
    "segundos|segundo|seconds|second|secs|sec|seg|minutos|minuto|minutes|minute|mins|min|"
    "horas|hora|hours|hour|hrs|hs|días|dias|día|dia|days|day|semanas|weeks|meses|mes|months|month|"
    "años|año|years|year|vCPUs|vCPU|IOPS|TPS|RPS|bytes|byte|bits|bit"
)
_NUMBER = re.compile(
    r"(?<![\w.,/:$€-])(?P<num>\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?)"
    r"(?P<joiner>\s?)(?P<unit>(?:" + _UNITS + r")(?![\w]))?"
)
_RANGE_AFTER = re.compile(r"^\s*(?:-|–|to|a|y|and|or|o|/|:|x\s*\d)\s*\d", re.IGNORECASE)
_RANGE_BEFORE = re.compile(
    r"(?:\d\w{0,3}\s*(?:-|–|to|a|y|and|or|o|/)|(?:from|de|entre|between))\s*$", re.IGNORECASE
)

_STANDARD_BEFORE = re.compile(r"(?<![\w-])[A-Z]{2,6}\s$")
_CODE_BEFORE = re.compile(
    r"\b(?:port|ports|puerto|puertos|error|errores|code|código|codigo|status|returns|devuelve|"
    r"http|version|versión|v)\s*$",
    re.IGNORECASE,
)
_COUNT_NOUN = re.compile(r"^\s([A-Za-zÁÉÍÓÚáéíóúñ][\w-]{2,})")


def unit_family(unit: str) -> str:
    """A coarse kind for a unit: percent, multiplier, size, rate, time or count."""
    folded = unit.casefold()
    if not folded:
        return "count"
    if folded == "%":
        return "percent"
    if folded == "x":
        return "multiplier"
    if "/s" in folded or folded.endswith("ps"):
        return "rate"
    sizes = {"kib", "mib", "gib", "tib", "kb", "mb", "gb", "tb", "pb", "eb"}
    if folded in sizes | {"bit", "bits", "byte", "bytes"}:
        return "size"
    if folded in {"vcpu", "vcpus", "iops", "tps", "rps"}:
        return "count"
    return "time"


def number_facts(line: NoteLine) -> list[NumberFact]:
    """Numbers of a line that make fair blanks: not in names (EC2, t2.micro), ranges or years."""
    facts: list[NumberFact] = []
    text = line.text
    citations = citation_spans(text)
    for match in _NUMBER.finditer(text):
        num, unit, joiner = match.group("num"), match.group("unit") or "", match.group("joiner")
        start, end = match.start("num"), match.end("unit") if unit else match.end("num")
        if any(left <= start < right for left, right in citations):
            continue  # "[1951] 2 KB 215": a law report's volume or page, not a fact
        if not unit:
            joiner = ""
        after = text[end:]
        before = text[:start]
        if after[:1].isalnum() or after.startswith(("-", ".", "/", ":")) and after[1:2].isalnum():
            continue
        if _RANGE_AFTER.match(after) or _RANGE_BEFORE.search(before):
            continue
        if re.search(r"\d\s*,\s*$", before) or re.match(r"^\s*,\s*\d", after):
            continue  # one of a list of numbers: "(5500, 1000, 30000 req/s)"
        if re.match(r"^\d{4}$", num) and 1990 <= int(num) <= 2035 and not unit:
            continue  # a year
        if num.startswith("0") and len(num) > 1 and num[1].isdigit():
            continue  # 0400: a mode, not a quantity
        if unit.casefold() == "x" and joiner != "":
            continue  # "2 x" is not a multiplier
        if not unit:
            if _CODE_BEFORE.search(before):
                continue  # a port, status or error code is an identifier, not a quantity
            if _STANDARD_BEFORE.search(before):
                continue  # "FIPS 140", "ISO 9001", "PEP 8": the number names a standard
            if not num.isdigit():
                continue  # a bare decimal ("99.8 accurate") has no unit to anchor it
            noun = _COUNT_NOUN.match(after)
            if noun is None or noun.group(1).casefold() in _FUNCTION_WORDS:
                continue
        facts.append(NumberFact(line, start, end, num, unit, joiner))
    return facts


def mentions(text: str, term: str) -> bool:
    return contains_phrase(text, term)
