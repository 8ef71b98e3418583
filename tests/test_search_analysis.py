"""Tokens and stems for bilingual AWS notes: folding, compounds, units, EN+ES stems, stop words."""

from __future__ import annotations

import unicodedata

import pytest
from whoosh.formats import Frequency

from index.analysis import (
    QUERY_STOP_WORDS,
    STOP_WORDS,
    NotesFrequency,
    NotesTokenizer,
    _fold_with_offsets,
    exact_analyzer,
    fold,
    iter_words,
    stemmed_analyzer,
    stems,
    words,
)
from index.glossary import translations
from index.spelling import SpellingCorrector, edit_distance


def tokens_of(text: str, stemmed: bool = False) -> list[str]:
    return [t.text for t in NotesTokenizer(stemmed=stemmed)(text)]


def test_fold_strips_accents_and_case():
    assert fold("Réplicas ÁRBOL Ñandú") == "replicas arbol nandu"


def test_service_names_with_digits_stay_whole():
    assert words("S3 EC2 Route53 gp3") == ["s3", "ec2", "route53", "gp3"]


def test_colon_compound_gives_parts_camel_pieces_and_joined_form():
    (_, first, _, _), (_, second, _, _) = iter_words("sts:AssumeRole")
    assert first == ("sts", "stsassumerole")
    assert second == ("assumerole", "assume", "role")
    assert tokens_of("sts:AssumeRole") == ["sts", "assumerole"]  # exact: as written
    stemmed = set(tokens_of("sts:AssumeRole", stemmed=True))
    assert {"sts", "stsassumerol", "assum", "role"} <= stemmed


def test_number_with_unit_is_also_split():
    assert tokens_of("10Gbps") == ["10gbps"]
    assert {"10gbps", "10", "gbps"} <= set(tokens_of("10Gbps", stemmed=True))


def test_hyphenated_region_keeps_parts_and_joined_form():
    assert tokens_of("us-east-1") == ["us", "east", "1"]
    assert {"us", "east", "1", "useast1"} <= set(tokens_of("us-east-1", stemmed=True))


def test_word_offsets_point_at_the_original_text():
    text = "¿Cuántas réplicas?"
    spans = [text[start:end] for _, _, start, end in iter_words(text)]
    assert spans == ["Cuántas", "réplicas"]


def test_ligatures_keep_offsets_consistent():
    text = "ﬁle <p>"
    spans = [(tokens[0], text[start:end]) for _, tokens, start, end in iter_words(text)]
    assert spans[0] == ("file", "ﬁle")


def test_english_and_spanish_stems_meet():
    assert set(stems("hibernar")) & set(stems("hibernate"))
    assert set(stems("replicas")) & set(stems(fold("réplicas")))
    assert set(stems("policies")) & set(stems("policy"))


def test_stemmed_field_drops_stop_words_of_both_languages():
    toks = tokens_of("the replicas de la base", stemmed=True)
    assert "the" not in toks and "de" not in toks and "la" not in toks
    assert "replica" in toks


def test_exact_field_keeps_every_word():
    assert tokens_of("the replicas") == ["the", "replicas"]


def test_particles_of_technical_phrases_are_kept_and_no_subject_gets_exceptions():
    assert "up" not in STOP_WORDS and "out" not in STOP_WORDS  # "scale up", "opt out"
    assert "ha" in STOP_WORDS  # Spanish "ha": no exception for one subject's "HA"


def test_question_words_are_query_stop_words():
    for word in ("what", "cuantas", "vs", "como", "is"):
        assert word in QUERY_STOP_WORDS


def test_glossary_translates_by_stem_both_ways():
    assert "cuenta" in translations("accounts")
    assert "account" in translations("cuentas")
    assert translations("aurora") == frozenset()


def test_edit_distance_counts_a_swap_as_one():
    assert edit_distance("presigend", "presigned") == 1
    assert edit_distance("lamda", "lambda") == 1
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("abc", "xyz") == 3


def test_corrector_prefers_frequent_words_and_skips_short_or_known_ones():
    corrector = SpellingCorrector({"presigned": 5, "glacier": 9, "placier": 1, "lambda": 3})
    assert corrector.correct("presigend") == "presigned"
    assert corrector.correct("glacjer") == "glacier"
    assert corrector.correct("lambda") is None  # known
    assert corrector.correct("xyz") is None  # too short
    assert corrector.correct("completelydifferent") is None


def test_only_slips_of_the_fingers_count_as_typos():
    from index.spelling import plausible_typo

    assert plausible_typo("presigend", "presigned")  # swap
    assert plausible_typo("aurrora", "aurora")  # extra letter
    assert plausible_typo("manger", "manager")  # missing letter
    assert plausible_typo("cloudfromt", "cloudfront")  # neighbouring key
    assert not plausible_typo("lento", "dento")  # first letter changed
    assert not plausible_typo("cuesta", "cuenta")  # far-apart keys
    assert not plausible_typo("slowest", "lowest")


def test_completions_prefer_common_words_and_need_three_letters():
    corrector = SpellingCorrector({"aurora": 30, "auroradb": 2, "auto": 50, "au": 3})
    assert corrector.completions("auro") == ["aurora", "auroradb"]
    assert corrector.completions("au") == []
    assert corrector.completions("zzz") == []


def test_the_notes_format_counts_the_same_postings_as_whooshs_own():
    text = "S3 Lifecycle rules move objects; lifecycle rules expire objects. ¿Cuántas réplicas?"
    for analyzer in (exact_analyzer(), stemmed_analyzer()):
        ours = sorted(NotesFrequency(field_boost=1.5).word_values(text, analyzer))
        whooshs = sorted(Frequency(field_boost=1.5).word_values(text, analyzer))
        assert ours == whooshs and any(freq == 2 for _, freq, _, _ in ours)


def _folded_char_by_char(text: str) -> tuple[str, list[int]]:
    pieces, origin = [], []
    for index, ch in enumerate(text):
        folded = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        pieces.append(folded)
        origin.extend([index] * len(folded))
    return "".join(pieces), origin


@pytest.mark.parametrize(
    "text",
    [
        "¿Cuántas réplicas?",
        "cafe\u0301 decomposed",
        "ﬁle ½ Straße",
        "ñandú Ω™",
        "日本語 e ü",
        "ascii",
    ],
)
def test_folding_keeps_each_character_s_offset_whatever_it_folds_to(text):
    # a character may fold to one ("é"), none (a combining accent) or several ("ﬁ", "½")
    folded, origin = _fold_with_offsets(text)
    assert (folded, list(origin)) == _folded_char_by_char(text)
