"""Which note lines state facts: not examples, exercises, lab steps, opinions, code or fragments."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from index.lang import lang_scores
from index.quiz.text import normalise, word_list

# Headings and file names of practice material: what is under them is worked, not taught.
_PRACTICE_WORDS = frozenset(
    word_list(
        "demo demos lab labs laboratorio laboratorios exercise exercises ejercicio ejercicios "
        "example examples ejemplo ejemplos problema problemas hoja homework hw practica practicas "
        "worked tarea tareas ejercitacion walkthrough"
    )
)
# An exam's heading is its questions ("Examen parcial 2022"), unless it heads notes to study
# for one ("Exam 1 review", "Teoría examen final", "Apuntes parcial 2"): 'parcial' alone is
# also 'partial' ("Historia constitucional (parcial)").
_EXAM_WORDS = frozenset(word_list("examen examenes exam exams quiz midterm"))
_STUDY_WORDS = frozenset(
    word_list(
        "review repaso teoria theory apuntes notes notas resumen summary guide guia cheatsheet "
        "preparation preparacion study estudio"
    )
)
# Answers to exercises open their heading ("Soluciones hoja 2", "Solutions"); elsewhere the
# word is of the subject ("EC2 for solutions architects").
_SOLUTION_WORDS = frozenset(word_list("solucion soluciones solution solutions"))
# Markers that open an example or a hypothetical anywhere in a line.
_EXAMPLE = re.compile(
    r"(?<![\w.])(?:e\.\s?g\b\.?|eg\b\.|i\.\s?e\b\.?|for (?:example|instance)|such as|"
    r"por ejemplo|p\.\s?ej\b\.?|ej\.|ej:|example|ejemplo|like\b|como por)",
    re.IGNORECASE,
)
# Line openings of a hypothetical, a task or an exercise statement.
_HYPOTHETICAL_START = re.compile(
    r"^(?:si|if|suppose|supongamos|suponga|imagine|imagina|consider|considera|considere|"
    r"let'?s|let|assume|say|here is|here's|here are|now|ahora|note that|remember|recuerda|"
    r"demostrar|demuestra|demuestre|prove|show|dibuja|dibujar|draw|calcula|calcular|compute|"
    r"find|halla|hallar|encuentra|encontrar|determina|determinar|resuelve|resolver|solve|"
    r"what|which|how|why|when|qu[eé]|cu[aá]l|c[oó]mo|cu[aá]nto?s?|cu[aá]ndo|por qu[eé]|¿|q:|a:)\b",
    re.IGNORECASE,
)
# Imperatives that open a lab step, English and Spanish (infinitive, tú and vos forms).
_IMPERATIVES = frozenset(
    word_list(
        "add attach choose click configure connect copy create define delete deploy download "
        "enable disable enter go install launch log make move navigate open pick press push pull "
        "put remove "
        "run select set start stop type upload use verify check try wait write edit apply give "
        "crear crea creá agregar agrega agregá añadir añade usar usa usá utilizar utiliza "
        "configurar configura configurá elegir elige elegí seleccionar selecciona seleccioná "
        "instalar instala instalá ir ve andá hacer haz hacé poner pon poné ejecutar ejecuta "
        "correr corre abrir abre abrí mirar mira mirá probar prueba probá subir sube bajar baja "
        "conectar conecta conectá habilitar habilita activar activa definir define copiar copia "
        "mover mueve escribir escribe empezar empieza"
    )
)
_VOSEO = re.compile(
    r"\b(?:agregá|poné|elegí|usá|hacé|creá|configurá|seleccioná|andá|mirá|fijate)\b"
)
# Opinion, marketing and first-person words: not what an exam asks.
_OPINION = re.compile(
    r"!|\b(?:best|great|awesome|amazing|ultimate|love|popular|recommended|easy|easier|fácil|"
    r"facil|según|i|i'm|i've|my|me|we|our|us|mi|mis|nosotros|nuestro|nuestra|nuestros|"
    r"cool|nice|super|genial|increíble|sencillo|in my opinion|creo|hay que saber|"
    r"need to know|exam|examen|faster|cheaper|better than|much better|mejor que|"
    r"m[aá]s r[aá]pido|m[aá]s barato)\b",
    re.IGNORECASE,
)
# Code, formulas, tables and raw markup: unreadable in a poll, and not prose facts.
_CODE_OR_MARKUP = re.compile(
    r"[`$\\{}^=|~<>#]|\[\[|\]\]|!\[|\*\*|\*\w[^*]*\*|(?<!\w)_\w[^_]*_(?!\w)|"
    r"<img|\(\s*\)|;\s*$|//|\w\(\w|^\s*%",
)
# Words that point elsewhere for the subject: a line opening with one cannot stand alone.
_POINTING_PHRASE = re.compile(
    r"^(?:es decir|o sea|that is|in other words|en otras palabras)\b", re.I
)
_POINTING_START = frozenset(
    word_list(
        "ambos ambas both also tambien también it its they them this these that those este esta "
        "esto estos estas ese esa eso esos esas ello ellos ellas ella he she which que lo and or "
        "but y o pero then entonces luego so así asi otherwise sino instead"
    )
)
# A verb first: the subject is whatever the heading is about; fine under a subject heading only.
_VERB_START = frozenset(
    word_list(
        "uses provides allows supports requires needs has have is are was were can could will "
        "would does do makes helps lets gives offers works runs stores keeps means becomes "
        "includes contains returns sends creates es son está están estan tiene tienen puede "
        "pueden permite permiten soporta soportan sirve hace hacen se"
    )
)
_FUNCTION_END = frozenset(
    word_list(
        "and or the of to a an with which that is are for in on by de del la el los las que y o "
        "con en por para un una se como"
    )
)


def practice_section(path: Sequence[str], source: str) -> bool:
    """True under a demo, lab, exercise or example heading, or in a file named like one."""
    for heading in (*path, source.rsplit("/", 1)[-1]):
        ordered = re.sub(r"[\d_-]+", " ", normalise(heading)).split()
        words = set(ordered)
        if words & _PRACTICE_WORDS or "demo" in heading.casefold():
            return True
        if words & _EXAM_WORDS and not words & _STUDY_WORDS:
            return True
        if ordered and ordered[0] in _SOLUTION_WORDS:
            return True
    return False


def example_or_hypothetical(text: str) -> bool:
    """A line that is an illustration ("e.g. …", "Por ejemplo …", "… (example)") or a
    hypothetical or exercise ("Si…", "Suppose…"). An example clause inside a line of facts is
    left to the kinds, which never blank a word inside one."""
    opening = text.lstrip("([ ")
    if _EXAMPLE.match(opening) or _HYPOTHETICAL_START.match(opening):
        return True
    return bool(re.search(r"\((?:example|ejemplo|e\.g\.?)\)", text, re.IGNORECASE))


def lab_step(text: str) -> bool:
    """A step to do, not a fact to learn: starts with an imperative, or has a vos imperative."""
    first = re.match(r"[^\W\d_]+", text.lstrip("([ "))
    if first and first.group(0).casefold() in _IMPERATIVES:
        return True
    return bool(_VOSEO.search(text.casefold()))


# "10x performance vs other data warehousing": a vendor's boast against unnamed rivals.
_BOAST = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?x\s+(?:the\s+)?(?:performance|faster|better|cheaper|throughput|"
    r"m[aá]s)\b|\b(?:vs\.?|versus|than|que)\s+(?:other|others|otros|otras|the competition|"
    r"la competencia)\b",
    re.IGNORECASE,
)


# A figure of a moment ("currently 15 minutes", "hoy en día") or of one course ("el profe dijo
# 30-32", "in lecture"): true when written, or for one class, not a fact to learn for good.
_DATED_OR_COURSE = re.compile(
    r"\b(?:currently(?!\s+\w+ing\b)|at the moment|at present|as of|nowadays|these days|"
    r"today|this year|last year|recently|not yet|for now|coming soon|in preview|actualmente|"
    r"hoy en d[ií]a|"
    r"hoy|a la fecha|a d[ií]a de hoy|este a[ñn]o|el a[ñn]o pasado|recientemente|por ahora|"
    r"todav[ií]a no|a[uú]n no|por el momento|profe|profes|profesor|profesora|professor|prof|"
    r"teacher|lecturer|docente|catedr[aá]tico|in class|in lecture|en clase|la clase|"
    r"this course|este curso|el curso|syllabus|temario|midterm|final exam|"
    r"(?:for|in|at|on) the exam|exam tips?|para el examen|(?:en|para) el parcial|"
    r"this (?:semester|term)|este (?:semestre|cuatrimestre)|homework|deberes)\b",
    re.IGNORECASE,
)
# A price ("$1/month", "0,10 USD por hora", "5 euros"): set by a vendor, and it changes.
_PRICE = re.compile(
    r"(?<![\w$\\])[$€£]\s?\d[\d.,]*\s?(?:/\s?[a-z]+\b|per\b|por\b|an?\s+(?:month|hour|year)|"
    r"al\s+(?:mes|año)|each\b|cada\b)|\d\s?(?:usd|eur|dollars?|d[oó]lares|euros?|cents?|centavos)\b",
    re.IGNORECASE,
)


def dated_or_course(text: str) -> bool:
    """A fact of a moment or of one course: 'currently', 'hoy en día', 'el profe dijo', a
    price, what counts 'for the exam'."""
    return bool(_DATED_OR_COURSE.search(text) or _PRICE.search(text))


def opinion(text: str) -> bool:
    """Opinion, marketing or first-person narrative."""
    return bool(_OPINION.search(text) or _BOAST.search(text))


_ARROW = re.compile(r"->|=>|<-|→")


def code_or_markup(text: str) -> bool:
    """Code, formulas, table rows or raw Markdown/Obsidian/HTML markup (arrows are prose)."""
    return bool(_CODE_OR_MARKUP.search(_ARROW.sub(" ", text)))


def fragment(text: str) -> bool:
    """A piece of a sentence: starts in lower case, or ends on a word that needs a follow-up."""
    stripped = text.strip()
    if not stripped:
        return True
    if stripped[0].islower():
        return True
    last = re.findall(r"[^\W\d_]+", stripped.casefold())
    return bool(last) and stripped[-1].isalpha() and last[-1] in _FUNCTION_END


def dangling_start(text: str) -> str | None:
    """'pointing' for a first word that refers elsewhere ("Ambos", "also"), 'verb' for a verb
    first ("Uses", "Se puede"), else None."""
    first = re.match(r"[^\W\d_]+", text.lstrip("([ "))
    word = first.group(0).casefold() if first else ""
    if word in _POINTING_START or _POINTING_PHRASE.match(text.lstrip("([ ")):
        return "pointing"
    if word in _VERB_START:
        return "verb"
    return None


def mixed_language(text: str) -> bool:
    """English and Spanish function words both weigh in the line: no single frame fits it."""
    english, spanish = lang_scores(text)
    low, high = sorted((english, spanish))
    return low >= 1 and low >= 0.3 * high


_CLAUSE_SPLIT = re.compile(r"\s*(?:[,;:()]|\s[-–—]\s|\.\s)\s*")
# English derivational endings: 'durability', 'availability', 'awareness', 'replication'
# (Spanish writes -idad, -ción, -ción with an accent): evidence where no function word is.
_ENGLISH_ENDING = re.compile(r"\b[a-z]{3,}(?:ity|ness|tion|tions|ment|ments)\b")


def _clause_lang(clause: str) -> str | None:
    english, spanish = lang_scores(clause)
    english += len(_ENGLISH_ENDING.findall(clause.casefold()))
    if english >= 1 and spanish == 0:
        return "en"
    if spanish >= 2 and english == 0:
        return "es"
    return None


def mixed_clauses(text: str) -> bool:
    """One clause reads English and another Spanish ("High durability (…) de los objetos a
    través de múltiple AZ"): a line of two languages, whatever the frame."""
    langs = {
        _clause_lang(clause)
        for clause in _CLAUSE_SPLIT.split(text)
        if len(re.findall(r"[^\W\d_]{2,}", clause)) >= 2
    }
    return {"en", "es"} <= langs


def fact_problem(text: str, path: Sequence[str], source: str) -> str | None:
    """Why a cleaned line is not quiz material, or None when it states a fact."""
    if practice_section(path, source):
        return "practice section"
    if dangling_start(text) == "pointing":
        return "dangling first word"
    if code_or_markup(text):
        return "code or markup"
    if example_or_hypothetical(text):
        return "example or hypothetical"
    if lab_step(text):
        return "lab step"
    if opinion(text):
        return "opinion"
    if dated_or_course(text):
        return "dated or course-specific"
    if fragment(text):
        return "fragment"
    if mixed_language(text) or mixed_clauses(text):
        return "mixed language"
    return None


_WORD = re.compile(r"[^\W\d_]{5,}")
SUBSTITUTION_LENGTH = 8  # shorter words one letter apart are often two real words
# 'almacenieminto' for 'almacenamiento': two slips (three with a long opening in common), in a
# long word only; shorter words two slips apart are often two words ('disjuntos', 'distintos').
TWO_SLIPS_LENGTH = 12
# 'CloudWath' five times beside 'CloudWatch' sixty: a slip made again, ten times rarer at least.
MAX_REPEATED_TYPO = 5
RARITY_RATIO = 10
_INFLECTIONS = ("s", "es", "d", "ed", "n", "r", "y", "a", "e", "o")


class TypoSpotter:
    """Spots misspelt words: rare in the notes and one slip away from a common word.

    'collectioin', 'Beanstal', 'acrhivos' are each written once where 'collection', 'Beanstalk'
    and 'archivos' are written often. Plurals and endings ('cost'/'costs', 'nuevo'/'nueva') are
    words of their own.
    """

    def __init__(self, texts: Sequence[str], common: int = 3) -> None:
        counts: dict[str, int] = {}
        for text in texts:
            for word in _WORD.findall(text.casefold()):
                counts[word] = counts.get(word, 0) + 1
        self._counts = counts
        self._common = {word for word, count in counts.items() if count >= common}
        self._by_deletion: dict[str, set[str]] = {}
        self._by_opening: dict[str, list[str]] = {}
        self._by_plain: dict[str, list[str]] = {}
        for word in sorted(self._common):
            plain = _without_accents(word)
            if plain != word and plain not in self._common:
                self._by_plain.setdefault(plain, []).append(word)
        for word in sorted(self._common):
            self._by_opening.setdefault(word[:3], []).append(word)
        for word in self._common:
            for variant in self._deletions(word):
                self._by_deletion.setdefault(variant, set()).add(word)

    @staticmethod
    def _deletions(word: str) -> set[str]:
        return {word[:i] + word[i + 1 :] for i in range(len(word))}

    @staticmethod
    def _inflected(short: str, long: str) -> bool:
        return any(long == short + end for end in _INFLECTIONS)

    def typo(self, word: str, deep: bool = False) -> str | None:
        """The common word ``word`` looks like a slip of (a letter dropped, added or two
        swapped), or None. ``deep`` looks two or three slips away too: for Spanish lines, whose
        long words are regular enough ('almacenieminto'); English has real pairs that close
        ('translation', 'transition')."""
        folded = word.casefold()
        uses = self._counts.get(folded, 0)
        if uses > MAX_REPEATED_TYPO or len(folded) < 5:
            return None
        if deep and _MISSING_ACCENT.search(folded):
            return _MISSING_ACCENT.sub(_accented, folded)  # 'configuracion', 'volumenes'
        common = self._slip_of(folded, deep)
        if common is None and deep:
            common = self._unaccented(folded)
        if common is None:
            return None
        if uses > 1 and self._counts.get(common, 0) < RARITY_RATIO * uses:
            return None  # written alike several times and not much rarer: a word of its own
        return common

    def _unaccented(self, word: str) -> str | None:
        """'limite' for 'límite': the accent dropped from a common word (Spanish lines only)."""
        for common in self._by_plain.get(word, ()):
            if common != word:
                return common
        return None

    def _slip_of(self, folded: str, deep: bool) -> str | None:
        for common in sorted(self._by_deletion.get(folded, ())):  # a letter dropped
            if not self._inflected(folded, common):
                return common
        for variant in sorted(self._deletions(folded)):  # a letter added
            if variant in self._common and not self._inflected(variant, folded):
                return variant
        for i in range(len(folded) - 1):  # two letters swapped
            swapped = folded[:i] + folded[i + 1] + folded[i] + folded[i + 2 :]
            if swapped != folded and swapped in self._common:
                return swapped
        if len(folded) >= SUBSTITUTION_LENGTH:  # one letter changed, in a long word only
            for i in range(1, len(folded) - 1):
                variant = folded[:i] + folded[i + 1 :]
                for common in sorted(self._by_deletion.get(variant, ())):
                    same_length = len(common) == len(folded) and common[i] != folded[i]
                    if same_length and common[:i] + common[i + 1 :] == variant:
                        return common
        if deep and len(folded) >= TWO_SLIPS_LENGTH:
            return self._two_slips(folded)
        return None

    def _two_slips(self, word: str) -> str | None:
        """A common word two edits away (three after a long common opening), the slips inside
        it: same opening and ending, so a different ending ('replication', 'replicated') is a
        different word, not a typo."""
        for common in self._by_opening.get(word[:3], ()):
            if abs(len(common) - len(word)) > 2 or word[-2:] != common[-2:]:
                continue
            allowed = 2
            if word[:5] == common[:5]:
                allowed = 3
            if _edit_distance(word, common, allowed) <= allowed:
                return common
        return None

    def has_typo(self, text: str, deep: bool = False) -> bool:
        return any(self.typo(word, deep) for word in _WORD.findall(text))


def _edit_distance(first: str, second: str, bound: int) -> int:
    """Levenshtein distance, giving up (returning ``bound + 1``) once it must exceed ``bound``."""
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i]
        for j, b in enumerate(second, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]


# Spanish endings that always carry an accent: 'configuracion' and 'volumenes' are typos
# whatever else the notes write ('-ciones', 'imágenes' and the like are spelt right).
_MISSING_ACCENT = re.compile(r"(?<=[a-z]{2})(cion|(?<!s)sion|umenes|amenes|imenes|agenes|igenes)$")
_ACCENTED = {
    "cion": "ción",
    "sion": "sión",
    "umenes": "úmenes",
    "amenes": "ámenes",
    "imenes": "ímenes",
    "agenes": "ágenes",
    "igenes": "ígenes",
}


def _accented(match: re.Match[str]) -> str:
    return _ACCENTED[match.group(1)]


def _without_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
