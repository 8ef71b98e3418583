"""Words that open many of the notes' names ("AWS Lambda", "Amazon S3", "Google Cloud"): a
vendor or family prefix, learned from the notes rather than listed, so no subject is built in."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from index.lang import function_word

# A capitalised word (or acronym) and the capitalised word right after it: "AWS Lambda".
_PAIR = re.compile(r"(?<![\w./-])([A-Z]\w*)[ \t]+([A-Z][\w-]*)")
_WORD = re.compile(r"(?<![\w./-])[^\W\d_]\w*")
MIN_NAMES = 6  # different names it opens: "Boston Massacre", "Boston Tea Party" are two
MIN_SHARE = 0.5  # of its capitalised uses, opening a name: 'Public' opens one now and then
MAX_LOWERCASE = 0.1  # 'public subnet', 'data': a common word that also starts title-case names


def brand_words(texts: Iterable[str]) -> frozenset[str]:
    """Casefolded words that open at least ``MIN_NAMES`` different capitalised names, open a
    name in most of their capitalised uses and are hardly ever written in lower case."""
    followers: dict[str, set[str]] = defaultdict(set)
    capitalised: Counter[str] = Counter()
    lowercase: Counter[str] = Counter()
    opening: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text):
            (capitalised if word[0].isupper() else lowercase)[word.casefold()] += 1
        for line in text.split("\n"):
            for match in _PAIR.finditer(line):
                first = match.group(1).casefold()
                followers[first].add(match.group(2).casefold())
                opening[first] += 1
    return frozenset(
        word
        for word, names in followers.items()
        if len(names) >= MIN_NAMES
        and not function_word(word)
        and opening[word] >= MIN_SHARE * capitalised[word]
        and lowercase[word] <= MAX_LOWERCASE * (capitalised[word] + lowercase[word])
    )
