"""'What does CRR stand for?': the notes' expansion against wrong expansions of the same letters
(so the initials give nothing away), built from words of the same file's other expansions, never
another real expansion, a one-off typo or a function word."""

from __future__ import annotations

import dataclasses

from index.model import Chunk
from index.quiz.acronym_items import acronym_candidates, misspelt, plain_expansion
from index.quiz.candidates import acronym_expansions, note_lines
from index.quiz.rules import problems

NOTES = """# Storage
## S3 Replication
CRR (Cross Region Replication) copies objects to a bucket in another region.
SRR (Same Region Replication) copies objects to a bucket in the same region.
Replication needs versioning on both buckets; CRR and SRR are asynchronous.
## Access
ACL (Access Control List) grants access per object or bucket.
IAM (Identity and Access Management) policies grant access to principals.
The ACL and IAM policies are evaluated together, and Regional endpoints apply.
## Keys
CMK (Customer Master Key) encrypts data keys; a CMK never leaves KMS.
Customer keys and Master keys are rotated; Control of keys stays with the Customer.
## Capacity
RCU (Read Capacity Units) and WCU (Write Capacity Units) size a table.
Read and Write Capacity is billed per hour; Units are rounded up.
## Recovery
RPO (Recovery Point Objective) and RTO (Recovery Time Objective) guide backups.
A Recovery Point is a moment in Time; the Objective is agreed with the business.
"""


def _lines():
    chunk = Chunk("c1", "notes.md", 1, 20, ("Storage", "S3"), "S3", NOTES, "en")
    return note_lines([chunk])


def test_plain_expansions_have_one_word_a_letter():
    assert plain_expansion("CRR", "Cross Region Replication") == ["Cross", "Region", "Replication"]
    assert plain_expansion("CIS", "Center for Internet Security") is None
    assert plain_expansion("CNG", "CryptoNG") is None
    assert plain_expansion("AMI", "Amazon Machine-Image") is None


def test_every_option_spells_the_acronym_and_exactly_one_is_the_notes_expansion():
    lines = _lines()
    expansions = acronym_expansions(lines)
    candidates = acronym_candidates(lines, expansions, {"notes.md": frozenset()})
    assert candidates, expansions
    for candidate in candidates:
        item = candidate.item
        acronym = item.question.split()[-3] if item.lang == "en" else item.question.split()[-1]
        acronym = acronym.strip("?")
        real = {phrase.casefold() for phrase in expansions[acronym]}
        assert [o.casefold() in real for o in item.options].count(True) == 1
        assert item.correct_option.casefold() in real
        for option in item.options:
            assert "".join(w[0] for w in option.split()).upper() == acronym
        # never another acronym's real expansion as a wrong one
        others = {p.casefold() for a, ps in expansions.items() if a != acronym for p in ps}
        assert not others & {o.casefold() for o in item.options}
        assert problems(item, expansions) == [], problems(item, expansions)


def test_an_option_that_does_not_spell_the_acronym_gives_itself_away():
    lines = _lines()
    expansions = acronym_expansions(lines)
    [item, *_] = [c.item for c in acronym_candidates(lines, expansions, {"notes.md": frozenset()})]
    wrong = list(item.options)
    wrong[(item.answer + 1) % len(wrong)] = "Simple Queue Service"
    found = problems(dataclasses.replace(item, options=tuple(wrong)), expansions)
    assert "an option does not spell the acronym, so its initials give it away" in found


def test_a_word_the_notes_mostly_spell_otherwise_is_a_slip():
    uses = {"hardware": 5, "harware": 1, "security": 4}
    assert misspelt("Harware", uses)
    assert not misspelt("Hardware", uses) and not misspelt("Security", uses)


def test_a_misspelt_expansion_is_not_asked():
    text = NOTES + "HSM (Harware Security Module) keeps keys.\n" + "Hardware is hardware. " * 3
    chunk = Chunk("c1", "notes.md", 1, 30, ("Storage", "S3"), "S3", text, "en")
    lines = note_lines([chunk])
    expansions = acronym_expansions(lines)
    asked = {
        c.item.correct_option
        for c in acronym_candidates(lines, expansions, {"notes.md": frozenset()})
    }
    assert "Harware Security Module" not in asked


def test_the_key_is_not_the_option_sharing_most_words_with_the_others():
    # one word swapped per distractor made the key the common core of all four options
    skip = {"notes.md": frozenset[str]()}
    items = [c.item for c in acronym_candidates(_lines(), acronym_expansions(_lines()), skip)]
    assert items
    for item in items:
        words = [set(option.casefold().split()) for option in item.options]
        shared = [sum(len(w & other) for other in words if other is not w) for w in words]
        key = shared[item.answer]
        assert any(shared[i] >= key for i in range(len(shared)) if i != item.answer), item


def test_one_word_with_three_alternatives_is_preferred_to_swapping_two():
    from index.quiz.acronym_items import _distractors

    pool = {
        (False, "c"): {"cross", "customer"},
        (False, "r"): {"relational", "read", "route"},
        (True, "r"): {"routing"},
    }
    options = _distractors("CRR", ["Cross", "Region", "Replication"], pool, set())
    assert len(options) == 3
    assert all(o.startswith("Cross ") and o.endswith(" Replication") for o in options), options
