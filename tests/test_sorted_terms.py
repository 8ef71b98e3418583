"""SortedTerms: one UTF-8 blob bisected on bytes finds what a bisect over the str list finds."""

from __future__ import annotations

import bisect
import random

import pytest

from index.sorted_terms import SortedTerms, join


def test_lookups_match_a_sorted_list_of_str():
    rng = random.Random(1)
    words = sorted({"".join(rng.choices("abcñé", k=rng.randint(1, 6))) for _ in range(3000)})
    terms = SortedTerms.of(words)
    assert len(terms) == len(words) and list(terms) == words and terms == words
    assert terms[0] == words[0] and terms[-1] == words[-1] and terms[10:13] == words[10:13]
    for word in [*words, "", "zzz", "a", "ab", "éé", "ññññññññ"]:
        at = bisect.bisect_left(words, word)
        expected = at if at < len(words) and words[at] == word else None
        assert terms.find(word) == expected, word
        assert (word in terms) == (expected is not None)
        assert [w for _, w in terms.prefixed(word)] == [w for w in words if w.startswith(word)]


def test_an_empty_list_and_a_nul_in_a_term():
    empty = SortedTerms(b"")
    assert len(empty) == 0 and list(empty) == [] and empty.find("a") is None
    assert list(empty.prefixed("a")) == []
    with pytest.raises(ValueError):
        join(["a\0b"])
