"""Acronyms and their expansions mined from the notes themselves ("Service Control Policy (SCP)").

Candidates come from these patterns: ``Expansion (ACR)``, ``ACR (Expansion)``, ``ACR - Expansion``
and ``ACR: Expansion`` at the start of a line, and ``ACR, o expansión`` / ``ACR, or expansion``;
headings and note titles (file names) are mined like text. A candidate is kept only when the
acronym's letters match the initials of the expansion's words (camel-case and hyphenated pieces
count; "of"/"de" may be skipped; one extra word of slop; a trailing digit is a count, "EC2", or a
version, "GP2"), so "Custom Metric (ASG)" or "EC2 - VM" are not mined.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from index.analysis import fold, strip_accents
from index.model import Chunk

_ACRONYM = r"[A-Z][A-Za-z0-9]{1,7}"
# letters of any script: "Frontera de Posibilidades de Producción (FPP)" is one expansion
_WORD = r"[^\W\d_][^\W_]*(?:-[^\W_]+)*"
_BACKWARD = re.compile(rf"((?:{_WORD}[ ]+){{1,10}})\((?P<acr>{_ACRONYM})\)")
# What ``_BACKWARD`` cannot match without, found far faster: its scan tries up to ten words
# before every word of a line, the most costly part of mining
_BACKWARD_MARK = re.compile(rf"\({_ACRONYM}\)")
_FORWARD_PAREN = re.compile(rf"(?<![\w(])(?P<acr>{_ACRONYM})[ ]+\((?P<exp>[^()\n]{{3,80}})\)")
_FORWARD_DASH = re.compile(
    rf"^[ \t]*(?:[-*•][ \t]+)?(?P<acr>{_ACRONYM})(?:[ \t]+[-–]|[ \t]*:)[ \t]+"
    rf"(?P<exp>[^\n]{{3,80}})",
    re.M,
)
# "TLB, o translation lookaside buffer", "LSM, or log-structured merge tree", "i.e."
_FORWARD_OR = re.compile(
    rf"(?<![\w(])(?P<acr>{_ACRONYM}),[ ]+(?:o|u|or|i\.e\.|es decir|that is)[ ]+"
    rf"(?P<exp>[^\n]{{3,80}})"
)
# the characters without which a forward pattern cannot match
_FORWARD_MARKS = ((_FORWARD_PAREN, "("), (_FORWARD_DASH, "-–:"), (_FORWARD_OR, ","))
SKIPPABLE = {
    "of",
    "and",
    "for",
    "the",
    "to",
    "a",
    "an",
    "in",
    "on",
    "de",
    "del",
    "la",
    "el",
    "los",
    "las",
    "y",
    "en",
    "&",
}
_SEGMENT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def acronym_letters(acronym: str) -> str | None:
    """The letters an acronym stands for: "SCP" → "scp", "EC2" → "ecc", "ENIs" → "eni".

    None when the token does not look like an acronym (fewer than two capitals, mostly lower case).
    """
    core = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
    capitals = sum(ch.isupper() for ch in core)
    digits = sum(ch.isdigit() for ch in core)
    if capitals + digits < 2 or capitals < 1 or capitals + digits < len(core) - 1:
        return None
    letters: list[str] = []
    for ch in core:
        if ch.isupper():
            letters.append(ch.lower())
        elif ch.isdigit():
            if not letters or ch in "01" or int(ch) > 4:
                return None
            letters.extend(letters[-1] * (int(ch) - 1))
        elif not letters:
            return None
    return "".join(letters) if 2 <= len(letters) <= 8 else None


def _letter_readings(acronym: str) -> list[tuple[str, bool]]:
    """Ways to read an acronym's letters, and whether the reading is strict.

    "EC2" → ("ecc", False) then ("ec", True): a trailing digit may also be a version ("GP2" for
    General Purpose), a reading kept only for plain Title Case initials (not "EBS can" for EC2).
    """
    readings: list[tuple[str, bool]] = []
    letters = acronym_letters(acronym)
    if letters:
        readings.append((letters, False))
    core = _strip_plural(acronym)
    versionless = core.rstrip("0123456789")
    version_letters = acronym_letters(versionless) if versionless != core else None
    if version_letters and version_letters != letters:
        readings.append((version_letters, True))
    return readings


def _plain_initials(letters: str, expansion: str) -> bool:
    words = expansion.split()
    return all(w[:1].isupper() for w in words) and "".join(w[0] for w in words).lower() == letters


def _segments(word: str) -> list[str]:
    """Camel-case and hyphenated pieces, read without accents ("Producción" is one piece)."""
    pieces: list[str] = []
    for part in strip_accents(word).split("-"):
        pieces.extend(_SEGMENT.findall(part) or ([part] if part else []))
    return pieces


def _match(letters: str, words: list[str], slop: int = 1) -> tuple[int, int] | None:
    """Match acronym letters against words; return (first, last) word index used, or None.

    Every word must consume letters with its pieces' initials (a capitalised piece such as "NG" may
    give several), except skippable small words; ``slop`` extra words are allowed.
    """
    word_segments = [[s.lower() for s in _segments(w)] for w in words]
    uppercase = [[s.isupper() and len(s) > 1 for s in _segments(w)] for w in words]

    memo: dict[tuple[int, int, int], tuple[int, int] | None] = {}

    def solve(i: int, j: int, budget: int) -> tuple[int, int] | None:
        # Returns (first word index that consumed a letter, last such index) for words[i:].
        key = (i, j, budget)
        if key in memo:
            return memo[key]
        result: tuple[int, int] | None = None
        if i == len(words):
            result = (-1, -1) if j == len(letters) else None
            memo[key] = result
            return result
        options: list[tuple[int, int, int]] = []  # (next j, budget left, consumed?)
        if words[i].lower() in SKIPPABLE:
            options.append((j, budget, 0))
        elif budget > 0 and i > 0:
            options.append((j, budget - 1, 0))
        for end_j, cost in _word_consumptions(word_segments[i], uppercase[i], letters, j):
            if cost <= budget:
                options.append((end_j, budget - cost, 1))
        for next_j, left, consumed in options:
            if i == 0 and not consumed:
                continue
            rest = solve(i + 1, next_j, left)
            if rest is None:
                continue
            first, last = rest
            result = (i, last if last >= 0 else i) if consumed else (first, last)
            break
        memo[key] = result
        return result

    return solve(0, 0, slop)


def _word_consumptions(
    segments: list[str], uppercase: list[bool], letters: str, j: int
) -> list[tuple[int, int]]:
    """Ways one word can consume letters from position j: (new j, slop cost)."""
    results: list[tuple[int, int]] = []

    def walk(k: int, pos: int, cost: int) -> None:
        if k == len(segments):
            if pos > j:
                results.append((pos, cost))
            return
        seg = segments[k]
        if pos < len(letters) and seg and seg[0] == letters[pos]:
            # The initial, then optionally more letters of a capitalised piece ("NG", "DB").
            walk(k + 1, pos + 1, cost)
            if uppercase[k]:
                extra = pos + 1
                for ch in seg[1:]:
                    if extra < len(letters) and ch == letters[extra]:
                        extra += 1
                        walk(k + 1, extra, cost)
                    else:
                        break
        elif k > 0:
            walk(k + 1, pos, cost)  # a trailing piece without its own letter ("Sign-on" in SSO)

    walk(0, j, 0)
    return results


def _clean_words(text: str) -> list[str]:
    return re.findall(_WORD, text)


def _expansion_before(letters: str, before: str) -> str | None:
    words = _clean_words(before)
    for slop in (0, 1):
        for size in range(1, min(len(words), len(letters) + 3) + 1):
            candidate = words[-size:]
            matched = _match(letters, candidate, slop)
            if matched is not None:
                first, last = matched
                return " ".join(candidate[first : last + 1])
    return None


def _expansion_after(letters: str, after: str) -> str | None:
    words = _clean_words(re.split(r"[,;.()/]| - ", after, maxsplit=1)[0])
    for slop in (0, 1):
        for size in range(1, min(len(words), len(letters) + 3) + 1):
            candidate = words[:size]
            matched = _match(letters, candidate, slop)
            if matched is not None:
                first, last = matched
                return " ".join(candidate[first : last + 1])
    return None


def spells_out(acronym: str, phrase: str) -> bool:
    """True when ``phrase``, or its last few words, spell ``acronym`` out by the miner's rules.

    "Cross Region Replication" spells CRR, "copies with Cross-Region Replication" too; "Custom
    Metric" does not spell ASG. Same initials rules (and one word of slop) as ``mine_text``.
    """
    return _first_expansion(acronym, phrase, _expansion_before) is not None


def spelt_out_anywhere(acronym: str, text: str) -> bool:
    """True when two or more consecutive words anywhere in ``text`` spell ``acronym`` out.

    Initials as in ``spells_out`` but without slop: "Uses Server Name Indication for TLS" spells
    SNI, "Standard-Infrequent Access" spells IA (a hyphenated word's pieces count as words
    here); the acronym itself ("SNI") does not.
    """
    readings = _letter_readings(acronym)
    if not readings:
        return False
    itself = {acronym.lower(), _strip_plural(acronym).lower()}
    for words in (_clean_words(text), _clean_words(text.replace("-", " "))):
        for letters, strict in readings:
            if _spelt_in_words(letters, strict, words, itself):
                return True
    return False


def _spelt_in_words(letters: str, strict: bool, words: list[str], itself: set[str]) -> bool:
    for start, word in enumerate(words):
        if word[0].lower() != letters[0]:
            continue
        for size in range(2, min(len(words) - start, len(letters) + 3) + 1):
            window = words[start : start + size]
            matched = _match(letters, window, slop=0)
            if matched is None or matched[0] == matched[1]:
                continue
            used = window[matched[0] : matched[1] + 1]
            if any(w.lower() in itself for w in used):
                continue  # "RDS Security" is the acronym itself plus a word, not its expansion
            if not strict or _plain_initials(letters, " ".join(used)):
                return True
    return False


def mine_text(text: str) -> list[tuple[str, str]]:
    """(acronym, expansion) pairs found in one text, in order, validated."""
    found: list[tuple[str, str]] = []
    for line in text.splitlines():
        # Each pattern needs its punctuation: a line without it is not scanned (most lines).
        if "(" in line and _BACKWARD_MARK.search(line):
            for match in _BACKWARD.finditer(line):
                acronym = match.group("acr")
                expansion = _first_expansion(acronym, match.group(1), _expansion_before)
                if expansion:
                    found.append((_strip_plural(acronym), expansion))
        for pattern, marks in _FORWARD_MARKS:
            if not any(mark in line for mark in marks):
                continue
            for match in pattern.finditer(line):
                expansion = _first_expansion(
                    match.group("acr"), match.group("exp"), _expansion_after
                )
                if expansion:
                    found.append((_strip_plural(match.group("acr")), expansion))
    return found


def _first_expansion(
    acronym: str, words: str, find: Callable[[str, str], str | None]
) -> str | None:
    for letters, strict in _letter_readings(acronym):
        expansion = find(letters, words)
        if expansion and (not strict or _plain_initials(letters, expansion)):
            return expansion
    return None


def _strip_plural(acronym: str) -> str:
    return acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym


def mine_acronyms(texts: Iterable[str], most: int | None = 3) -> dict[str, list[str]]:
    """Folded acronym → its expansions, from all texts.

    Spellings of one sense ("Service Control Policy", "Service Control Policies", a typo) are
    grouped; senses come first, the one defined in the most texts first (then the most often),
    at most ``most`` of them, and their other spellings follow, so a caller that takes the first
    two gets two senses rather than one sense twice.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    places: dict[str, Counter[str]] = defaultdict(Counter)
    spelling: dict[str, str] = {}
    for text in texts:
        here: set[tuple[str, str]] = set()
        for acronym, expansion in mine_text(text):
            key, folded = fold(expansion), fold(acronym)
            counts[folded][key] += 1
            here.add((folded, key))
            spelling.setdefault(key, expansion)
        for folded, key in here:
            places[folded][key] += 1
    table: dict[str, list[str]] = {}
    for acronym, counter in sorted(counts.items()):
        ranked = sorted(counter, key=lambda k: (-places[acronym][k], -counter[k]))
        senses = _senses(ranked)
        heads = [spelling[sense[0]] for sense in senses[:most]]
        rest = [spelling[key] for sense in senses[:most] for key in sense[1:]]
        table[acronym] = heads + rest
    return table


def _senses(ranked: list[str]) -> list[list[str]]:
    """Folded expansions grouped into senses, in the given order (best spelling first)."""
    senses: list[list[str]] = []
    for key in ranked:
        words = _sense_words(key)
        for sense in senses:
            if _same_sense(words, _sense_words(sense[0])):
                sense.append(key)
                break
        else:
            senses.append([key])
    return senses


def _sense_words(expansion: str) -> list[str]:
    words = [s.lower() for w in expansion.split() for s in _segments(w)]
    return [_singular(w) for w in words if w not in SKIPPABLE]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _same_sense(one: list[str], other: list[str]) -> bool:
    """Word by word alike: equal, one typo apart, or one long stem ("Manager", "Management")."""
    if len(one) != len(other):
        return False
    for a, b in zip(one, other, strict=True):
        if a == b:
            continue
        prefix = len(_common_prefix(a, b))
        if prefix >= 6 or (min(len(a), len(b)) >= 4 and _one_edit(a, b)):
            continue
        return False
    return True


def _common_prefix(a: str, b: str) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[:i]
    return a[: min(len(a), len(b))]


def _one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion or substitution turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1:
        return False
    prefix = len(_common_prefix(a, b))
    a, b = a[prefix:], b[prefix:]
    if len(a) == len(b):
        return a[1:] == b[1:]
    return a[1:] == b if len(a) > len(b) else b[1:] == a


def mine_chunks(chunks: Iterable[Chunk]) -> dict[str, list[str]]:
    """Acronyms mined from chunk titles, heading paths and text."""
    return mine_acronyms("\n".join((*chunk.path, chunk.title, chunk.text)) for chunk in chunks)
