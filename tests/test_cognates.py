"""Cross-language matching by cognates mined from the notes, without a hand-written word list."""

from __future__ import annotations

from collections import Counter

from index.cognates import (
    PackedCognates,
    cognate_root,
    cognates_of,
    count_words,
    mine_cognates,
)


def test_cognates_share_a_root_across_languages():
    pairs = [
        ("probability", "probabilidad"),
        ("congruential", "congruencial"),
        ("generator", "generador"),
        ("conditional", "condicional"),
        ("complexity", "complejidad"),
        ("hypervisor", "hipervisor"),
        ("connection", "conexion"),
    ]
    for english, spanish in pairs:
        assert cognate_root(english) is not None
        assert cognate_root(english) == cognate_root(spanish), (english, spanish)


def test_unrelated_words_do_not_share_a_root():
    assert cognate_root("container") != cognate_root("contenido")
    assert cognate_root("table") is None or cognate_root("table") != cognate_root("tabique")
    assert cognate_root("red") is None  # short words are too often false friends


def test_a_word_finds_its_cognate_in_the_other_language_only():
    counts = {
        "en": Counter({"probability": 5, "probabilities": 1, "event": 3}),
        "es": Counter({"probabilidad": 4, "suceso": 2}),
    }
    table = mine_cognates(counts)
    assert cognates_of("probabilidad", table) == ["probability", "probabilities"]
    assert "probabilidad" in cognates_of("probability", table)
    assert cognates_of("suceso", table) == []


def test_a_word_missing_from_the_notes_still_finds_its_cognate():
    table = mine_cognates({"en": Counter({"generator": 3}), "es": Counter()})
    assert cognates_of("generador", table) == ["generator"]


def test_packed_table_gives_what_the_mined_one_gives() -> None:
    table = mine_cognates(
        count_words(
            [
                ("es", ["probabilidad", "generador", "lineal", "congruencial"]),
                ("en", ["probability", "generator", "linear", "congruential", "probabilities"]),
            ]
        )
    )
    packed = PackedCognates(table)
    assert len(packed) == len(table)
    for word in ("probabilidad", "probability", "generador", "linear", "suceso", "lineales"):
        assert cognates_of(word, packed) == cognates_of(word, table)
    assert cognates_of("generador", packed) == ["generator"]
