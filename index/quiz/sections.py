"""Kinds read from how other people's notes are laid out: table rows ("Header: cell · …", as the
Markdown parser writes them) and headings whose first sentence defines them ("X is a …").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from index.quiz.candidates import NoteLine, term_shape
from index.quiz.distractors import are_variants, lengths_compatible
from index.quiz.facts import _EXAMPLE, fact_problem, practice_section
from index.quiz.giveaway import initials_leak, shared_stem
from index.quiz.item import MAX_OPTION, MAX_QUESTION
from index.quiz.kinds import (
    GENERIC_TITLES,
    MATCH_FRAME,
    Candidate,
    _clean_title,
    _item,
    _usable_title,
)
from index.quiz.structured import DEFINE_FRAME, MAX_DESCRIPTION_RATIO
from index.quiz.text import contains_phrase, normalise, stem_words, word_list

TABLE_DEFINE_FRAME = {
    "en": "Which “{header}” goes with “{term}”?",
    "es": "¿Qué «{header}» corresponde a «{term}»?",
}
# a column headed so says nothing the frame does not
_DESCRIBING_HEADERS = frozenset(
    word_list("description descripción descripcion definition definición definicion meaning")
)
MIN_ROWS = 4  # the answer and three distractors from its own column
MAX_CELL_TERM = 40
MAX_CELL_WORDS = 5
MAX_DEFINITION = 180  # a longer first sentence is a paragraph, not a definition
_CELL = re.compile(r"^(?P<head>[^:·]{1,30}?):\s+(?P<value>.+)$")
# "TODO" is a note-taker's marker only in capitals: "todos los elementos" is Spanish prose.
_CELL_MARKUP = re.compile(r"[`$\\{}^=|<>#\[\]]|\*\*|(?i:https?://)|\bTODO\b")
_EXAMPLE_HEADERS = frozenset(
    word_list(
        "example examples ejemplo ejemplos usage uso syntax sintaxis code codigo output "
        # free-text columns: "Notes: mucosae, tears; IgA1 & IgA2" describes nothing in order
        "notes notas comments comentarios observaciones remarks otros other misc"
    )
)
# "A goroutine is a lightweight thread …", "Un pseudografo es un grafo en el que …"
_DEFINES = re.compile(
    r"^(?:(?:an?|the|el|la|los|las|un|una)\s+)?(?P<term>.{2,60}?)\s+"
    r"(?:is|are|es|son)\s+(?P<desc>(?:an?|the|un|una|el|la|los|las)\s.+)$",
    re.IGNORECASE,
)
# A section opening on its heading without naming it: "## Módulo de un vector" then "Es la
# distancia entre …" (Zettel notes, where the title is the term).
_OPENS = re.compile(
    r"^(?:(?:es|son|it is|it's|is|are|they are|se trata de)\s+"
    r"(?P<desc>(?:an?|the|un|una|unos|unas|el|la|los|las)\s.+)|"
    r"(?:consiste en|consists of|se define como|is defined as|refers to|se refiere a)\s+"
    r"(?P<act>[^\W\d_].+))$",
    re.IGNORECASE,
)
_WORDY = re.compile(r"[^\W\d_]{3,}")
_BAD_LINE = frozenset({"typo", "typo in its heading", "practice section"})
_HEADING_TERM = re.compile(r"^[^\W\d_][\w'’.+&/–-]*(?: [\w'’.+&/–-]+){0,4}$")
_NOT_A_NAME = frozenset(
    word_list(
        "last first next previous same other another better best worse main major key whole "
        "following above below this that these those it there they we you of de del que than "
        "output input result resultado primer primera ultimo ultima mismo misma otro otra "
        "what which who how why when where que cual quien como cuando donde lo ideal "
        "here aqui if si each every cada todo toda"
    )
)
# First-column headers of a table whose rows are attributes of the things in its columns.
_ATTRIBUTE_HEADERS = frozenset(
    word_list(
        "feature features aspect aspects property properties characteristic characteristics "
        "criterion criteria attribute attributes dimension dimensions parameter parameters "
        "caracteristica caracteristicas aspecto aspectos propiedad propiedades criterio "
        "criterios rasgo rasgos atributo atributos dimension dimensiones parametro parametros"
    )
)
_ARTICLES = frozenset(word_list("a an the un una uno unos unas el la lo los las del"))
_CONDITION = re.compile(r"\b(?:if and only if|iff|si y s[oó]lo si|sii)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[^\W\d_]{3})[.;:](?:\s|$)")


def _pick(key: str, count: int) -> int:
    return hashlib.sha256(key.encode()).digest()[0] % count


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of one table: the same headers, on consecutive lines of one chunk."""

    headers: tuple[str, ...]
    rows: tuple[tuple[NoteLine, tuple[str, ...]], ...]


def table_row(text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(headers, cells) of a line the parser wrote from a table row, else None."""
    if " · " not in text:
        return None
    headers: list[str] = []
    cells: list[str] = []
    for segment in text.split(" · "):
        match = _CELL.match(segment.strip())
        if match is None:
            return None  # a cell with " · " inside, or a row without headers
        headers.append(match.group("head").strip())
        cells.append(match.group("value").strip())
    if len(set(headers)) != len(headers):
        return None
    return tuple(headers), tuple(cells)


def tables(lines: Sequence[NoteLine]) -> list[Table]:
    """Runs of table rows with the same headers, at least ``MIN_ROWS`` long."""
    found: list[Table] = []
    run: list[tuple[NoteLine, tuple[str, ...]]] = []
    run_headers: tuple[str, ...] = ()
    for line in [*lines, None]:
        row = table_row(line.text) if line is not None else None
        last = run[-1][0] if run else None
        continues = (
            row is not None
            and line is not None
            and last is not None
            and row[0] == run_headers
            and line.chunk_index == last.chunk_index
            and 0 < line.line_no - last.line_no <= 2
        )
        if continues and line is not None and row is not None:
            run.append((line, row[1]))
            continue
        if len(run) >= MIN_ROWS:
            found.append(Table(run_headers, tuple(run)))
        run, run_headers = ([(line, row[1])], row[0]) if line is not None and row else ([], ())
    return found


def _latin(text: str) -> bool:
    """Every letter Latin: a frame in English or Spanish cannot carry Hebrew or Greek options."""
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in text)


def _clean_cell(cell: str) -> bool:
    return not _CELL_MARKUP.search(cell) and 1 <= len(cell) <= MAX_OPTION and _latin(cell)


def _term_column(table: Table) -> bool:
    """The first column names things: short, distinct, of one shape, no markup or numbers."""
    terms = [cells[0] for _, cells in table.rows]
    if len({normalise(term) for term in terms}) != len(terms):
        return False
    for term in terms:
        if not _clean_cell(term) or len(term) > MAX_CELL_TERM:
            return False
        if len(term.split()) > MAX_CELL_WORDS or not re.search(r"[^\W\d_]{2}", term):
            return False
    return len({term_shape(term) for term in terms}) == 1


def _comparison_table(table: Table) -> bool:
    """A table comparing its columns ("Feature | Innate | Adaptive"): its first column holds
    attributes ("Memory", "Present in"), not terms of one kind, so they make no options. Told by
    the first header ("Feature", "Característica") or by a heading naming the other columns."""
    if set(normalise(table.headers[0]).split()) & _ATTRIBUTE_HEADERS:
        return True
    first_line = table.rows[0][0]
    heading = " ".join(first_line.path[-1:])
    compared = [header for header in table.headers[1:] if contains_phrase(heading, header)]
    return len(compared) >= 2


def _description(cell: str, lang_path: tuple[str, ...], source: str) -> bool:
    """A cell that says what its row's term is or does: a few words, a fact, no markup."""
    wordy = _WORDY.findall(cell)
    if not _clean_cell(cell) or len(wordy) < 3:
        return False  # "addu rd, rs, rt" is syntax, not a description
    if all(word[:1].isupper() for word in wordy):
        return False  # "Depth First Search": a name in a table of names, not a description
    if any(len(_WORDY.findall(remark)) >= 4 for remark in re.findall(r"\(([^)]*)\)", cell)):
        return False  # "(wrap each department and its employees in a section)": an example
    return fact_problem(cell[:1].upper() + cell[1:], lang_path, source) is None


def _not_headings(line: NoteLine) -> set[str]:
    """The folders above a note and its file name: path elements that are no headings."""
    parts = line.chunk.source.split("/")
    return {normalise(part) for part in [*parts[:-1], parts[-1].rsplit(".", 1)[0]]}


def _title_prefix(line: NoteLine, answer: str, skip: Set[str]) -> str:
    """'[Heading] ' from the innermost usable heading; a note's own title is fine here (a table
    sits in one note), a folder or a generic title is not."""
    path = line.path or (line.chunk.title,)
    folders = _not_headings(line)
    for raw_title in reversed(path):
        title = _clean_title(raw_title)
        words = set(normalise(title).split())
        if normalise(title) in folders or words & GENERIC_TITLES:
            continue
        if _usable_title(title, answer, set()) and normalise(title) not in folders:
            return f"[{title}] "
    return ""


def table_candidates(lines: Sequence[NoteLine], skip: Mapping[str, Set[str]]) -> list[Candidate]:
    """From a table: 'Which term matches: <cell>?' keyed by its row's first cell, the first cells
    of other rows as distractors, or the other way round with the column's cells as options."""
    out: list[Candidate] = []
    for table in tables(lines):
        if not _term_column(table) or _comparison_table(table):
            continue
        terms = [cells[0] for _, cells in table.rows]
        for column in range(1, len(table.headers)):
            if set(normalise(table.headers[column]).split()) & _EXAMPLE_HEADERS:
                continue
            for index, (line, cells) in enumerate(table.rows):
                desc = cells[column]
                source = line.chunk.source
                bad = line.problem in _BAD_LINE or line.problem == "opinion"
                if bad or not _description(desc, line.path, source):
                    continue
                others = [
                    i
                    for i in range(len(terms))
                    if i != index and not are_variants(terms[i], terms[index])
                ]
                ranked = _compatible(
                    terms, index, sorted(others, key=lambda i: (abs(i - index), i))
                )
                if len(ranked) < 3:
                    continue
                prefix = _title_prefix(line, terms[index], skip[source])
                if not prefix:
                    continue  # "Which term matches: 'stop one or more containers'?" of what?
                # Both ways; the bank keeps the better one that passes every rule per line.
                # the column's header says what the cell is: "Receives from: SVC, IVC" and
                # "Exit valve: mitral" tell a chamber apart, "mitral" alone may not
                header = table.headers[column]
                labelled = desc if header.casefold() in _DESCRIBING_HEADERS else f"{header}: {desc}"
                for candidate in (
                    _table_match(line, prefix, terms, index, ranked, labelled),
                    _table_define(line, prefix, table, terms, index, column),
                ):
                    if candidate is not None:
                        out.append(candidate)
    return out


def _compatible(terms: Sequence[str], index: int, ranked: Sequence[int]) -> list[int]:
    """The first three rows, nearest first, whose terms are not much longer or shorter."""
    chosen: list[int] = []
    for other in ranked:
        if lengths_compatible([terms[index], *(terms[i] for i in chosen), terms[other]]):
            chosen.append(other)
        if len(chosen) == 3:
            break
    return chosen


def _table_match(
    line: NoteLine, prefix: str, terms: list[str], index: int, ranked: list[int], desc: str
) -> Candidate | None:
    template = MATCH_FRAME.get(line.lang, MATCH_FRAME["en"])
    question = prefix + template.format(text=desc)
    if len(question) > MAX_QUESTION:
        return None
    item = _item("table", line, question, terms[index], [terms[i] for i in ranked])
    return Candidate(item, 3.0, line)


def _table_define(
    line: NoteLine, prefix: str, table: Table, terms: list[str], index: int, column: int
) -> Candidate | None:
    answer = table.rows[index][1][column]
    if shared_stem(answer, terms[index], []) or initials_leak(answer, terms[index]):
        return None  # "footer": "wraps elements that make up the footer"
    others = []
    for i, (other_line, cells) in sorted(
        enumerate(table.rows), key=lambda pair: (abs(pair[0] - index), pair[0])
    ):
        cell = cells[column]
        if i == index or normalise(cell) == normalise(answer) or other_line.problem in _BAD_LINE:
            continue
        if not _description(cell, other_line.path, other_line.chunk.source):
            continue
        if any(contains_phrase(cell, term) for term in terms):
            continue  # "makes up the footer": it describes another row, a student rules it out
        others.append(cell)
        if len(others) == 3:
            break
    if len(others) < 3:
        return None
    lengths = [len(option) for option in (answer, *others)]
    if max(lengths) > MAX_DESCRIPTION_RATIO * min(lengths):
        return None
    header = table.headers[column]
    frames = DEFINE_FRAME if header.casefold() in _DESCRIBING_HEADERS else TABLE_DEFINE_FRAME
    template = frames.get(line.lang, frames["en"])
    question = prefix + template.format(term=terms[index], header=header)
    if len(question) > MAX_QUESTION:
        return None
    return Candidate(_item("define", line, question, answer, others), 2.9, line)


@dataclass(frozen=True, slots=True)
class HeadingDefinition:
    """A heading whose section opens by defining it: the heading, the definition, the line."""

    term: str
    description: str
    line: NoteLine
    heading: bool = False  # the term is the heading of the section the line opens


def _sentence_term(term: str) -> bool:
    """A term a definition sentence may open with: a short name, not a pronoun or a remark
    ('the last three terms', 'an even better procedure', 'output of the algorithm')."""
    words = normalise(term).split()
    if not 1 <= len(words) <= 3 or not _HEADING_TERM.match(term) or len(term) > MAX_CELL_TERM:
        return False
    return not set(words) & _NOT_A_NAME


def heading_definitions(lines: Sequence[NoteLine]) -> list[HeadingDefinition]:
    """Lines that read '(A) <term> is a …': the first line of a section defining its heading,
    and any line defining a short name. A term defined in several places is left out."""
    first_lines: set[tuple[int, int]] = set()
    seen: dict[int, int] = {}
    for line in lines:
        if line.chunk_index not in seen or line.line_no < seen[line.chunk_index]:
            seen[line.chunk_index] = line.line_no
    first_lines = set(seen.items())
    found: list[HeadingDefinition] = []
    for line in lines:
        last = line.path[-1] if line.path else ""
        heading = _clean_title(re.sub(r"\s*\([^)]*\)\s*$", "", last))
        opens_section = (line.chunk_index, line.line_no) in first_lines
        match = _DEFINES.match(line.text)
        if match is not None:
            term = match.group("term")
        else:
            match = _OPENS.match(line.text) if opens_section and heading else None
            term = heading
        if match is None or line.problem in _BAD_LINE:
            continue
        if opens_section and normalise(term) == normalise(heading):
            term = heading
            if not _HEADING_TERM.match(term) or len(term) > MAX_CELL_TERM:
                continue
        elif not _sentence_term(term):
            continue
        body = match.group("desc") or match.group("act")  # "act": "Consiste en despejar …"
        end = _SENTENCE_END.search(body)
        if (end.group(0) if end else line.text.rstrip()[-1:]).startswith(":"):
            continue  # "… with the following definition:": the definition is below
        desc = body[: end.start()] if end else body
        desc = desc.strip(" ,.")
        if _EXAMPLE.search(desc):
            continue  # "a container for metrics (e.g. …)": the example would be asked too
        if _CELL_MARKUP.search(desc) or not _latin(desc) or len(desc) > MAX_DEFINITION:
            continue
        if "?" in line.text or "¿" in line.text:
            continue  # "A. What is the clock cycle time?": an exercise, not a definition
        if _CONDITION.search(desc):
            continue  # "a contradiction if and only if …" defines the contradiction, not the term
        ended = (end.group(0) if end else line.text.rstrip()[-1:]).startswith(".")
        content = [w for w in _WORDY.findall(desc) if normalise(w) not in _ARTICLES]
        if len(content) < (2 if ended else 4) or re.search(r"\d{6,}", desc):
            continue  # "a graph": too little; "un 1706782930-grafo": a link's file name
        # "Consiste en calcular …" opens on an infinitive, which alone would read as a step.
        capital = line.text if match.group("desc") is None else desc[:1].upper() + desc[1:]
        if fact_problem(capital, line.path, line.chunk.source) is not None:
            continue
        is_heading = term == heading
        found.append(HeadingDefinition(term[:1].upper() + term[1:], desc, line, is_heading))
    defined = Counter(normalise(d.term) for d in found)
    return [d for d in found if defined[normalise(d.term)] == 1]


def _overlap(first: str, second: str) -> int:
    common = {w for w in stem_words(first) if len(w) > 3} & {
        w for w in stem_words(second) if len(w) > 3
    }
    return len(common)


def _genus(description: str) -> str:
    """The noun a definition files its term under: 'un grafo conexo sin ciclos' → 'grafo'."""
    words = [word for word in stem_words(description) if len(word) > 2 and word not in _ARTICLES]
    return words[0] if words else ""


def _families(defs: Sequence[HeadingDefinition]) -> dict[int, int]:
    """Terms of one kind, by id: joined when they share a genus (both 'un grafo …') or one's
    genus names the other (a circuit is 'un recorrido …', and Recorrido is defined too), unless
    their names file them apart; or when their names file them together (see _name_kind)."""
    parent = list(range(len(defs)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    genera = [_genus(d.description) for d in defs]
    terms = [" ".join(stem_words(d.term)) for d in defs]
    names = [_name_kind(d.term, d.line.lang) for d in defs]
    for first in range(len(defs)):
        for second in range(first + 1, len(defs)):
            a, b = genera[first], genera[second]
            named_apart = names[first] and names[second] and names[first] != names[second]
            if a and not named_apart and (a == b or a == terms[second] or b == terms[first]):
                parent[root(first)] = root(second)  # "Regresión lineal" is no "… de un vector"
            elif names[first] and names[first] == names[second]:
                parent[root(first)] = root(second)
    return {id(d): root(index) for index, d in enumerate(defs)}


_OF_A = re.compile(
    r"^\S.*?\s(?:de\s+(?:un|una|el|la|los|las)|of\s+(?:an?|the))\s+(?P<noun>.+)$", re.I
)


def _name_kind(term: str, lang: str) -> str:
    """What a term's name files it under: 'Módulo de un vector' and 'Sentido de un vector' are
    both properties of a vector ('of:vector'); 'Error absoluto' and 'Error relativo' are both
    errors ('head:error', the noun first in Spanish, last in English). '' for a one-word name."""
    of_a = _OF_A.match(term)
    if of_a:
        return "of:" + " ".join(stem_words(of_a.group("noun")))
    words = stem_words(term)
    if len(words) < 2:
        return ""
    named_after = re.match(r"^(?P<head>[^\W\d_]+)\s+(?:de|del)\s+[^\W\d_]", term)
    if named_after and lang == "es":
        return "head:" + stem_words(named_after.group("head"))[0]  # "Método de igualación"
    if re.search(r"\s(?:de|of|del)\s", term, re.IGNORECASE):
        return ""  # "Theorem of …", "Grado de exactitud para …": the genus decides
    return "head:" + (words[0] if lang == "es" else words[-1])


def _kind_of(
    narrow: HeadingDefinition, broad: HeadingDefinition, genus_of: Mapping[str, str]
) -> bool:
    """True when ``narrow`` is defined, through a chain of genera, as a kind of ``broad``."""
    target = " ".join(stem_words(broad.term))
    genus = _genus(narrow.description)
    for _ in range(6):
        if not genus:
            return False
        if genus == target:
            return True
        genus = genus_of.get(genus, "")
    return False


def _same_place(first: HeadingDefinition, second: HeadingDefinition) -> bool:
    """Two headings under one heading of one note (not only under its title), or two terms
    defined in one section."""
    a, b = first.line.chunk, second.line.chunk
    if a.source != b.source or first.heading != second.heading:
        return False
    if first.heading:
        return len(a.path) >= 3 and a.path[:-1] == b.path[:-1]
    # One section and the sections nested in it ("Organelles" › "Membranes"), read at the
    # line (small sections share a chunk), below the note's title. Not sibling sections: a
    # chapter ("MIPS") defines an offset under one, a callee under another, an overflow under
    # a third, three kinds of thing, and a strict examiner rejects one offered for another.
    short, long = sorted((first.line.path, second.line.path), key=len)
    return len(short) >= 3 and long[: len(short)] == short


def heading_candidates(lines: Sequence[NoteLine]) -> list[Candidate]:
    """'Which term matches: <definition>?' keyed by the heading it defines, with other defined
    headings of the same folder (closest in wording first) as distractors."""
    defs = heading_definitions(lines)
    by_folder: dict[str, list[HeadingDefinition]] = defaultdict(list)
    for definition in defs:
        by_folder[definition.line.chunk.source.rsplit("/", 1)[0]].append(definition)
    genus_of = {" ".join(stem_words(d.term)): _genus(d.description) for d in defs}
    families: dict[int, int] = {}
    for folder_defs in by_folder.values():
        families.update(_families(folder_defs))
    sibling_headings: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for line in lines:
        if len(line.path) >= 3:  # under a heading of the note, not only its title
            heading = _clean_title(line.path[-1])
            known = sibling_headings[_parent_key(line)]
            if heading not in known:
                known.append(heading)
    out: list[Candidate] = []
    for definition in defs:
        line = definition.line
        shape = term_shape(definition.term)
        siblings = [
            other
            for other in by_folder[line.chunk.source.rsplit("/", 1)[0]]
            if other is not definition
            and other.line.lang == line.lang
            and term_shape(other.term) == shape
            and not are_variants(other.term, definition.term)
        ]
        about = definition.description + " " + definition.term
        family = families[id(definition)]
        siblings = [
            other
            for other in siblings
            if families[id(other)] == family or _same_place(other, definition)
        ]
        siblings.sort(
            key=lambda other: (
                -_overlap(other.description + " " + other.term, about),
                other.line.chunk.source != line.chunk.source,
                other.term,
            )
        )
        chosen: list[str] = []
        for other in siblings:
            if any(are_variants(other.term, picked) for picked in chosen):
                continue
            if _kind_of(other, definition, genus_of):
                continue  # a cycle is a walk too: "a walk that …" would fit both
            if contains_phrase(definition.description, other.term):
                continue  # "… the system state changes": System State is ruled out unread
            own = set(stem_words(other.term)) - set(stem_words(definition.term))
            own.discard(_genus(definition.description))  # "Grafo simple" for "un grafo …"
            # every word naming it apart is in the definition: it may be a second answer
            if own and own <= set(stem_words(definition.description)):
                continue  # "distinto número de filas y columnas": Matriz fila may fit it too
            if not lengths_compatible([definition.term, *chosen, other.term]):
                continue  # "Ciclo" among "Vértice de corte": the odd length stands out
            chosen.append(other.term)
            if len(chosen) == 3:
                break
        if definition.heading:
            for heading in sibling_headings.get(_parent_key(line), ()):
                if len(chosen) == 3:
                    break
                if _fair_sibling_heading(heading, definition, chosen):
                    chosen.append(heading)
        if len(chosen) < 3:
            continue
        if definition.heading:
            prefix = _title_prefix_above(line, definition.term)
        else:
            prefix = _title_prefix(line, definition.term, frozenset())
        template = MATCH_FRAME.get(line.lang, MATCH_FRAME["en"])
        question = prefix + template.format(text=definition.description)
        if len(question) > MAX_QUESTION:
            continue
        item = _item("heading", line, question, definition.term, chosen)
        out.append(Candidate(item, 3.0, line))
    return out


def _parent_key(line: NoteLine) -> tuple[str, tuple[str, ...]]:
    return line.chunk.source, tuple(line.path[:-1])


_SHELVES = frozenset(
    word_list(
        "theorems teoremas lemmas lemas definitions definiciones examples ejemplos exercises "
        "ejercicios rules reglas methods metodos applications aplicaciones proofs corollaries "
        "corolarios notation notacion"
    )
)


def _fair_sibling_heading(
    heading: str, definition: HeadingDefinition, chosen: Sequence[str]
) -> bool:
    """A sibling section's heading as a distractor: a short name of the defined term's shape,
    not a generic or practice heading, not a variant of an option, and not named in the
    definition (which could then describe it too)."""
    if not _HEADING_TERM.match(heading) or len(heading) > MAX_CELL_TERM:
        return False
    words = set(normalise(heading).split())
    if words & GENERIC_TITLES or words & _NOT_A_NAME or practice_section((heading,), ""):
        return False
    if words & _SHELVES:
        return False  # "Theorems" is a shelf of many things, no rival to "Similarity"
    if term_shape(heading) != term_shape(definition.term) or not _latin(heading):
        return False
    if any(are_variants(heading, option) for option in (definition.term, *chosen)):
        return False
    if set(stem_words(heading)) & set(stem_words(definition.description)):
        return False
    return lengths_compatible([definition.term, *chosen, heading])


def _title_prefix_above(line: NoteLine, answer: str) -> str:
    """'[Parent] ' from the headings above the defined one; '' when none is usable."""
    folders = _not_headings(line)
    for raw_title in reversed(line.path[:-1]):
        title = _clean_title(raw_title)
        if normalise(title) in folders or set(normalise(title).split()) & GENERIC_TITLES:
            continue
        if _usable_title(title, answer, set()):
            return f"[{title}] "
    return ""
