"""Acronym mining: the three patterns, initials validation, and the real notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.acronyms import (
    acronym_letters,
    mine_acronyms,
    mine_text,
    spells_out,
    spelt_out_anywhere,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.parametrize(
    ("line", "pair"),
    [
        ("A Service Control Policy (SCP) is a json document", ("SCP", "Service Control Policy")),
        ("ASG (AutoScalling Group) scales out", ("ASG", "AutoScalling Group")),
        ("ASG - AutoScalling Group", ("ASG", "AutoScalling Group")),
        ("- EIP - Elastic IP address", ("EIP", "Elastic IP")),
        ("Link Aggregation Groups (LAG) bundle links", ("LAG", "Link Aggregation Groups")),
        ("Multi-factor Authentication (MFA) (8:25)", ("MFA", "Multi-factor Authentication")),
        ("AWS Key Management Service (KMS)", ("KMS", "Key Management Service")),
        ("Elastic Compute Cloud (EC2)", ("EC2", "Elastic Compute Cloud")),
        ("Simple Storage Service (S3)", ("S3", "Simple Storage Service")),
        ("Elastic Network Interfaces (ENIs)", ("ENI", "Elastic Network Interfaces")),
        ("Center for Internet Security (CIS)", ("CIS", "Center for Internet Security")),
        (" - GP2 - General Purpose (cheap)", ("GP2", "General Purpose")),  # 2: a version
    ],
)
def test_valid_pairs_are_mined(line, pair):
    assert pair in mine_text(line)


@pytest.mark.parametrize(
    "line",
    [
        "Custom Metric (ASG)",  # initials do not match
        "EC2 - VM",
        "ELB - Load Balancing across VMs",
        "Private Hosted Zone (Route53)",  # not an acronym
        "On Prem (Problem)",
        "running on Windows (SMB)",
        "S3 - PART 2",
        "EC2 with EBS can (EC2)",  # a version reading needs plain Title Case initials
    ],
)
def test_junk_is_not_mined(line):
    assert mine_text(line) == []


def test_trailing_extra_word_is_trimmed_from_the_expansion():
    assert ("ELB", "Elastic Load Balancer") in mine_text("Elastic Load Balancer Architecture (ELB)")


def test_acronym_letters_expand_digits_and_drop_plural_s():
    assert acronym_letters("EC2") == "ecc"
    assert acronym_letters("S3") == "sss"
    assert acronym_letters("ENIs") == "eni"
    assert acronym_letters("Route53") is None
    assert acronym_letters("Problem") is None


@pytest.mark.parametrize(
    ("acronym", "phrase", "spelt"),
    [
        ("CRR", "Cross Region Replication", True),
        ("CRR", "copies objects with Cross-Region Replication", True),
        ("SSO", "Single Sign-On", True),
        ("GP2", "General Purpose", True),
        ("EC2", "Elastic Compute Cloud", True),
        ("ASG", "Custom Metric", False),
        ("CRR", "Cross Region Replication to another account", False),  # not at the end
        ("EC2", "EBS can", False),
        ("Problem", "Pro Blem", False),  # not an acronym
        ("", "", False),
    ],
)
def test_spells_out_says_whether_a_phrase_ends_in_the_expansion(acronym, phrase, spelt):
    assert spells_out(acronym, phrase) is spelt


@pytest.mark.parametrize(
    ("acronym", "text", "spelt"),
    [
        ("SNI", "Uses Server Name Indication for TLS", True),
        ("IA", "Move to S3 Standard-Infrequent Access after 30 days", True),
        ("CRR", "copies with Cross-Region Replication to another bucket", True),
        ("GP2", "General Purpose SSD volumes", True),
        ("ALB", "[Application LB] routes by path", True),
        ("RDS", "[RDS Security - Encryption] IAM policies", False),  # the acronym itself
        ("SSL", "SNI solves the problem of loading multiple certificates", False),  # no slop
        ("AnyCast", "All Clients reach the nearest server", False),  # not an acronym
        ("SNI", "", False),
    ],
)
def test_spelt_out_anywhere_finds_an_expansion_inside_a_text(acronym, text, spelt):
    assert spelt_out_anywhere(acronym, text) is spelt


def test_most_frequent_expansion_comes_first():
    table = mine_acronyms(
        ["Auto Scaling Group (ASG)", "Auto Scaling Group (ASG)", "ASG - AutoScalling Group"]
    )
    assert table["asg"][0] == "Auto Scaling Group"
    assert "AutoScalling Group" in table["asg"]
    texts = ["A B Cee (ABC)", "Aa Bb Cc (ABC)", "ABC - Ax By Cz", "ABC - Alpha Beta Gamma Cee"]
    assert len(mine_acronyms(texts, most=None)["abc"]) == 4
    assert len(mine_acronyms(texts)["abc"]) == 3


def test_real_notes_yield_the_expected_table():
    table = mine_acronyms(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    assert len(table) >= 40
    assert table["scp"][0].lower().startswith("service control polic")
    assert table["lag"] == ["Link Aggregation Groups"]
    assert table["sts"] == ["Security Token Service"]
    assert "auto scaling group" in [e.lower() for e in table["asg"]]
    assert table["mfa"] == ["Multi-factor Authentication"]
    # every mined pair really is an acronym of its expansion's initials
    for acronym, expansions in table.items():
        for expansion in expansions:
            assert expansion[0].lower() == acronym[0], (acronym, expansion)


def test_spellings_of_one_sense_follow_the_senses():
    texts = [
        "Service Control Policy (SCP)",
        "Service Control Policies (SCP)",
        "Servise Control Policy (SCP)",
        "SCP - Secure Copy Protocol",
    ]
    table = mine_acronyms(texts)
    # Two senses first, so the search's first two expansions are not one sense twice.
    assert [e.lower() for e in table["scp"][:2]] == [
        "service control policy",
        "secure copy protocol",
    ]
    assert set(table["scp"][2:]) == {"Service Control Policies", "Servise Control Policy"}


def test_the_sense_defined_in_more_places_comes_first():
    one_note = "Instruction Count (IC). IC - Instruction Count. Instruction Count (IC)."
    others = ["Integrated Circuit (IC) chips", "an Integrated Circuit (IC)"]
    table = mine_acronyms([one_note, *others])
    assert table["ic"][0] == "Integrated Circuit"
    assert table["ic"][1] == "Instruction Count"


def test_an_expansion_with_accented_letters_is_mined_whole():
    mined = mine_acronyms(
        [
            "FPP (Frontera de Posibilidades de Producción) = PPF en inglés.",
            "El Retículo Endoplasmático Rugoso (RER) sintetiza proteínas.",
        ],
        most=None,
    )
    assert mined["fpp"] == ["Frontera de Posibilidades de Producción"]
    assert mined["rer"] == ["Retículo Endoplasmático Rugoso"]
