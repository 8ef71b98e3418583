"""Distractors are the same kind of thing as the key: written with the same case, digits or
none, verb form or none, and about as many words. A lower-case word, a gerund, a code or a
long phrase beside names makes the key the odd one out."""

from __future__ import annotations

from index.chunker import load_chunks
from index.quiz.candidates import note_lines
from index.quiz.distractors import TermPool, same_kind

NOTES = """# Cell division

## Ways cells divide

- Mitosis gives two identical nuclei.
- budding happens in yeast.
- Dividing takes energy.
- Phase G1 comes first.
- Division by a contractile ring that pinches the cell in two halves.
- Meiosis gives four haploid cells.
- Amitosis splits the nucleus without a spindle.
- Cytokinesis splits the cytoplasm.
"""


def test_off_kind_terms_are_never_offered_beside_a_name(tmp_path):
    (tmp_path / "cells.md").write_text(NOTES, encoding="utf-8")
    lines = note_lines(load_chunks(tmp_path))
    by_word = {line.text.split()[0]: line for line in lines}
    pool = TermPool()
    for term, word in [
        ("budding", "budding"),
        ("Dividing", "Dividing"),
        ("G1", "Phase"),
        ("Division by a contractile ring", "Division"),
        ("Meiosis", "Meiosis"),
        ("Amitosis", "Amitosis"),
        ("Cytokinesis", "Cytokinesis"),
    ]:
        pool.add(term, by_word[word])
    chosen = [term for term, _ in pool.nearest("Mitosis", by_word["Mitosis"], "Which one?")]
    assert sorted(chosen) == ["Amitosis", "Cytokinesis", "Meiosis"]


def test_same_kind_compares_case_digits_verb_form_and_word_count():
    assert same_kind("Mitosis", "Binary fission")
    assert not same_kind("Mitosis", "budding")
    assert not same_kind("Mitosis", "Dividing")
    assert not same_kind("Mitosis", "Division by a contractile ring")
    assert not same_kind("Kinesis", "Kinesis2")
    assert same_kind("Failover", "Latency-based")


def test_a_sub_item_is_not_a_sibling_of_the_items_above_it():
    from index.chunker import chunk_text
    from index.quiz.candidates import note_lines
    from index.quiz.groups import list_groups

    text = (
        "# Mitosis\n\nFases (PMAT):\n\n"
        "1. Profase: la cromatina se condensa.\n"
        "2. Metafase: cromosomas en la placa ecuatorial.\n"
        "3. Anafase: se separan las cromátidas.\n"
        "4. Telofase: se forma la envoltura nuclear.\n"
        "- Citocinesis: división del citoplasma.\n"
        "  - Animal: anillo contráctil de actina.\n"
        "  - Vegetal: fragmoplasto y placa celular.\n"
    )
    groups = list_groups(note_lines(chunk_text("bio.md", text)))
    assert [group.terms for group in groups] == [
        ("Profase", "Metafase", "Anafase", "Telofase", "Citocinesis")
    ]
