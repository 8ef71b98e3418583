"""'What does CRR stand for?': the expansion the notes give, against expansions that spell the
same letters (one word swapped for a word of another expansion in the same place), so the
initials give nothing away. The other direction ("which acronym stands for …?") is not asked:
the initials alone would answer it."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence, Set

from index.quiz.candidates import NoteLine
from index.quiz.kinds import Candidate, _item, subject_prefix
from index.quiz.rules import near_spelling
from index.quiz.text import contains_phrase, normalise, stem, word_list

ACRONYM_FRAME = {"en": "What does {acronym} stand for?", "es": "¿Qué significa la sigla {acronym}?"}
MIN_WORD = 4  # only words this long are swapped: "per", "for" carry no meaning to vary
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
# words that do not name anything, whatever expansion they sit in ("Set Less Than")
_NOT_SWAPPABLE = frozenset(
    word_list(
        "than that this with from into over under upon about after before between tollens "
        "ponens para sobre entre desde hasta less least more most "
        "much many same side other another"
    )
)
NAME_LOWERCASE = 0.1  # 'Cognito' once in 32 in lower case is a name; 'capacity' is a word
MIN_USES = 2  # a swapped-in word the notes write at least this often: no one-off typo
# lines whose facts are not to be learnt, even an acronym's meaning
_BAD_LINE = frozenset({"typo", "typo in its heading", "practice section", "code or markup"})


def plain_expansion(acronym: str, phrase: str) -> list[str] | None:
    """The words of ``phrase`` when each starts with the next letter of ``acronym`` (one word a
    letter, plain words only), else None: 'Cross Region Replication' for CRR."""
    words = phrase.split()
    if len(words) != len(acronym) or len(words) < 2:
        return None
    if not all(_WORD.fullmatch(word) for word in words):
        return None
    if any(
        word[0].casefold() != letter.casefold() for word, letter in zip(words, acronym, strict=True)
    ):
        return None
    return words


def _styled(word: str, like: str) -> str:
    """``word`` written in the case of ``like`` (Title, lower or UPPER)."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:].lower()
    return word.lower()


def misspelt(word: str, uses: Mapping[str, int]) -> bool:
    """'Harware' where the notes write 'Hardware' more often: a slip, not the name."""
    folded = word.casefold()
    return any(
        near_spelling(folded, other) and count > uses.get(folded, 0)
        for other, count in uses.items()
        if abs(len(other) - len(folded)) <= 1 and other[:1] == folded[:1]
    )


def _alike(first: str, second: str) -> bool:
    """Two words one would read as the same ('disk'/'disc', 'Systems'/'system')."""
    a, b = stem(first.casefold()), stem(second.casefold())
    return a == b or (len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1)


def _pick(key: str, count: int) -> int:
    return hashlib.sha256(key.encode()).digest()[0] % count


def acronym_candidates(
    lines: Sequence[NoteLine],
    expansions: Mapping[str, Set[str]],
    skip: Mapping[str, Set[str]],
    brands: Set[str] = frozenset(),
) -> list[Candidate]:
    """One 'What does X stand for?' per acronym with a single plain expansion in the notes.

    ``brands`` (index.quiz.brands) are never swapped: "Amazon" names no part of a thing."""
    not_swappable = _NOT_SWAPPABLE | brands
    plain: dict[str, list[str]] = {}
    for acronym, phrases in expansions.items():
        if len(phrases) != 1 or not acronym.isalpha() or not acronym.isupper():
            continue
        words = plain_expansion(acronym, next(iter(phrases)))
        if words is not None:
            plain[acronym] = words
    uses: Counter[str] = Counter(
        word.casefold() for line in lines for word in _WORD.findall(line.text)
    )
    lowercase: Counter[str] = Counter(
        word for line in lines for word in _WORD.findall(line.text) if word.islower()
    )
    names = {word for word, count in uses.items() if lowercase[word] <= NAME_LOWERCASE * count}
    plain = {
        acronym: words
        for acronym, words in plain.items()
        if not any(misspelt(word, uses) for word in words)
    }
    real = {normalise(" ".join(words)) for words in plain.values()}
    real |= {normalise(phrase) for phrases in expansions.values() for phrase in phrases}
    # words of expansions by (file, place, initial): "last" words are the nouns naming a thing;
    # one file keeps to one subject, so its words make believable wrong expansions
    source_of = {
        acronym: line.chunk.source
        for acronym, words in plain.items()
        if (line := _line_of(lines, acronym, " ".join(words))) is not None
    }
    pool: dict[tuple[str, bool, str], set[str]] = defaultdict(set)
    for acronym, words in plain.items():
        if acronym not in source_of:
            continue
        for index, word in enumerate(words):
            folded = word.casefold()
            if len(word) >= MIN_WORD and folded not in not_swappable and uses[folded] >= MIN_USES:
                place = (source_of[acronym], index == len(words) - 1, word[0].casefold())
                pool[place].add(folded)
    out: list[Candidate] = []
    for acronym, words in sorted(plain.items()):
        line = _line_of(lines, acronym, " ".join(words))
        if line is None:
            continue
        source = source_of[acronym]
        here = {(last, initial): found for (f, last, initial), found in pool.items() if f == source}
        distractors = _distractors(acronym, words, here, real, names)
        if len(distractors) < 3:
            continue
        answer = " ".join(words)
        title = title_line_above(lines, line, acronym)
        if title is not None:
            prefix = f"[{title}] "  # "S3 Replication (CRR & SRR)" just above, not the chunk's
        else:
            prefix = subject_prefix(line, answer, skip[line.chunk.source], own_subject=False) or ""
        option_stems = {
            stem(w.casefold()) for option in (answer, *distractors) for w in option.split()
        }
        if prefix and {stem(w.casefold()) for w in _WORD.findall(prefix)} & option_stems:
            prefix = ""  # "[S3 Replication]" would point at the option that keeps "Replication"
        template = ACRONYM_FRAME.get(line.lang, ACRONYM_FRAME["en"])
        question = prefix + template.format(acronym=acronym)
        out.append(Candidate(_item("acronym", line, question, answer, distractors), 2.6, line))
    return out


TITLE_LOOKBACK = 4  # lines above an acronym's line where its own title line may stand
MAX_TITLE_WORDS = 6


def title_line_above(lines: Sequence[NoteLine], line: NoteLine, acronym: str) -> str | None:
    """A short line just above, in the same chunk, that names the acronym without expanding
    it ("S3 Replication (CRR & SRR)" over "Same Region Replication (SRR)"): in notes without
    headings, that line and not the chunk's first line is what the acronym belongs to."""
    pattern = re.compile(r"(?<![\w-])" + re.escape(acronym) + r"s?(?![\w-])")
    index = lines.index(line)
    for above in reversed(lines[max(0, index - TITLE_LOOKBACK) : index]):
        if above.chunk_index != line.chunk_index:
            break
        text = above.text.strip().rstrip(":")
        if len(text.split()) <= MAX_TITLE_WORDS and pattern.search(text) and text[-1:] != ".":
            return text
    return None


def _line_of(lines: Sequence[NoteLine], acronym: str, expansion: str) -> NoteLine | None:
    """The first sound line that writes both the acronym and its expansion."""
    pattern = re.compile(r"(?<![\w-])" + re.escape(acronym) + r"s?(?![\w-])")
    for line in lines:
        if line.problem in _BAD_LINE:
            continue
        if pattern.search(line.text) and contains_phrase(line.text, expansion):
            return line
    return None


def _distractors(
    acronym: str,
    words: list[str],
    pool: Mapping[tuple[bool, str], set[str]],
    real: Set[str],
    names: Set[str] = frozenset(),
) -> list[str]:
    """Three wrong expansions of ``acronym`` that spell its letters, or fewer when none fit.

    A name (a word the notes hardly ever write in lower case, in ``names``) swaps only with a
    name, a common word only with a common word: "Read Cognito Units" for RCU is no rival.

    Each distractor swapping a different word of the key would make the key the one option
    sharing words with all the others (a blind grade called it a convergence giveaway), so
    the swaps are balanced: three alternatives for one word, or, when no word has three, one
    each for two words and both together; every option then shares as many words with the
    others. Two swapped words in every distractor read as word salad to a strict examiner.
    """
    alternatives: dict[int, list[str]] = {}
    for index, word in enumerate(words):
        if len(word) < MIN_WORD:
            continue
        last = index == len(words) - 1
        own = stem(word.casefold())
        swaps = sorted(
            other
            for other in pool.get((last, word[0].casefold()), ())
            if stem(other) != own
            and other[:4] != word.casefold()[:4]
            and not any(_alike(other, kept) for kept in words)
            and (other in names) == (word.casefold() in names)
        )
        if swaps:
            start = _pick(acronym + str(index), len(swaps))
            alternatives[index] = [_styled(other, word) for other in swaps[start:] + swaps[:start]]
    places = sorted(alternatives, reverse=True)  # the last word, naming the thing, first
    rich = [place for place in places if len(alternatives[place]) >= 3]
    if rich:  # one word varies, three ways: "Link Aggregation / Access / Application Groups"
        place = max(rich, key=lambda p: (len(alternatives[p]) >= 3, p))
        plans = [{place: rank} for rank in range(3)]
    elif len(places) >= 2:
        first, second = places[:2]
        plans = [{first: 0}, {second: 0}, {first: 0, second: 0}]
    else:
        return []
    chosen: list[str] = []
    for plan in plans:
        if any(rank >= len(alternatives[place]) for place, rank in plan.items()):
            continue
        phrase = [alternatives[i][plan[i]] if i in plan else word for i, word in enumerate(words)]
        text = " ".join(phrase)
        if normalise(text) not in real and text not in chosen:
            chosen.append(text)
    return chosen
