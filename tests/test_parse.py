"""Parsing the shipped notes and note-like text: style detection, breadcrumbs, clean text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.chunker import chunk_text, load_chunks
from index.lang import detect_lang, detect_lang_or, lang_scores
from index.model import Chunk
from index.parse import detect_style, parse_note
from index.parse_text import clean_inline, clean_title, split_lines

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PRO = "aws-sa-pro-notes.txt"
SAA = "aws-saa-apuntes.txt"


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return load_chunks(CORPUS)


def only(chunks: list[Chunk], source: str, title: str) -> Chunk:
    found = [chunk for chunk in chunks if chunk.source == source and chunk.title == title]
    assert len(found) == 1, [chunk.path for chunk in found]
    return found[0]


def raw_lines(source: str) -> list[str]:
    return split_lines((CORPUS / source).read_text(encoding="utf-8"))


# --- style detection -------------------------------------------------------------------------


def test_shipped_files_are_recognised_by_content():
    assert detect_style(raw_lines(PRO)) == "markdown"
    assert detect_style(raw_lines(SAA)) == "outline"


def test_style_does_not_depend_on_the_extension(tmp_path: Path):
    swapped = tmp_path / "swapped"
    swapped.mkdir()
    shutil.copy(CORPUS / PRO, swapped / "pro.md")
    shutil.copy(CORPUS / SAA, swapped / "saa.md")
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copy(CORPUS / PRO, plain / "pro.txt")
    shutil.copy(CORPUS / SAA, plain / "saa.txt")

    as_md = load_chunks(swapped)
    as_txt = load_chunks(plain)

    def shape(chunks: list[Chunk]) -> list[tuple]:
        return [(c.source[:3], c.path, c.line_start, c.line_end, c.text) for c in chunks]

    assert shape(as_md) == shape(as_txt)
    pro = [chunk for chunk in as_md if chunk.source == "pro.md"]
    assert ("pro", "STORAGE SERVICES", "S3 Object Lock") in {chunk.path for chunk in pro}


def test_separators_outnumbering_hash_lines_mean_outline():
    text = "# not a heading really\n-----\nEC2\n - a\n-----\nS3\n - b\n"
    assert detect_style(split_lines(text)) == "outline"
    assert detect_style(split_lines("# Title\n## Lecture\nbody\n---\n")) == "markdown"
    assert detect_style(split_lines("just some prose\nwith two lines\n")) == "outline"


def test_setext_headings_in_a_md_file_are_headings_not_outline_separators():
    # an H1, then sections underlined with dashes (a common export): Markdown, one section each
    text = "# Interview prep\n\nCustomer Obsession\n------------------\nS: a story\n\n"
    text += "Ownership\n---------\nS: another\n\nDive Deep\n=========\nS: a third\n"
    assert detect_style(split_lines(text), ".md") == "markdown"
    style, sections = parse_note(text, ".md")
    assert style == "markdown"
    assert [section.title for section in sections] == [
        "Customer Obsession",
        "Ownership",
        "Dive Deep",
    ]
    assert not any(section.title.startswith("#") for section in sections)


# --- Markdown-like notes -----------------------------------------------------------------------


def test_known_lecture_has_breadcrumb_lines_and_clean_text(chunks):
    lock = only(chunks, PRO, "S3 Object Lock")

    assert lock.path == ("aws sa pro notes", "STORAGE SERVICES", "S3 Object Lock")
    assert lock.breadcrumb == "aws sa pro notes › STORAGE SERVICES › S3 Object Lock"
    assert (lock.line_start, lock.line_end) == (473, 485)  # from its heading line
    assert raw_lines(PRO)[472].startswith("##  S3 Object Lock (9:56)")  # the heading above
    assert lock.text.startswith("Object Lock is either enabled on bucket creation")
    assert "  1. Compliance Mode impact (even by root user)" in lock.text.split("\n")  # level 2
    assert lock.lang == "en"


def test_durations_are_stripped_and_tags_kept_in_lecture_titles(chunks):
    titles = {chunk.title for chunk in chunks if chunk.source == PRO}
    assert "[DEMO] Implementing EFS - PART1" in titles
    assert "[NEW] Gateway Endpoint Refresher" in titles  # "[**NEW**]" loses its bold markers
    assert not any(title.endswith(")") and ":" in title[-7:] for title in titles)


def test_lectures_without_a_body_give_no_chunk(chunks):
    titles = {chunk.title for chunk in chunks if chunk.source == PRO}
    assert "Multi-factor Authentication (MFA)" not in titles
    assert not any(title.startswith("SECTION QUIZ") for title in titles)
    assert "Security Token Service (STS)" in titles


def test_html_leftovers_and_bold_markers_never_survive(chunks):
    for chunk in chunks:
        lowered = chunk.text.lower()
        assert "<p>" not in lowered and "</p>" not in lowered and "<br" not in lowered
        assert "**" not in chunk.text
        assert "**" not in chunk.title and "**" not in " ".join(chunk.path)


def test_text_is_plain_not_html_escaped(chunks):
    dx = only(chunks, PRO, "Direct Connect Resilience")
    assert "AWS Region <-> AWS DX Router" in dx.text
    assert "&lt;" not in dx.text and "&amp;" not in dx.text


def test_mid_line_p_tag_becomes_a_space():
    chunks = chunk_text("n.md", "# S\n## L\nfirst sentence.<p> Second<p>half<br/>end\n")
    assert chunks[0].text == "first sentence. Second half end"


def test_text_before_the_first_heading_and_deeper_levels():
    intro = "Intro line, long enough to be a chunk of its own and not merge away. " * 3
    text = f"{intro}\n# Part\n## Lecture (1:02:03)\n### Detail ###\nDeep body.\n" + intro
    chunks = chunk_text("n.md", text)
    assert [(c.path, c.title) for c in chunks] == [
        (("Part",), "Part"),  # the only H1 is the note's title: the preamble sits under it
        (("Part", "Lecture", "Detail"), "Detail"),
    ]
    assert chunks[1].text.startswith("Deep body.")


def test_tiny_sections_merge_into_their_parent_and_keep_their_titles_searchable():
    text = "# Part\nIntro line.\n## Lecture (1:02:03)\n### Detail ###\nDeep body.\n"
    (chunk,) = chunk_text("n.md", text)
    assert (chunk.path, chunk.title, chunk.text) == (("Part",), "Part", "Intro line.\n\nDeep body.")
    assert "Detail" in chunk.keywords


def test_untitled_heading_is_only_a_break():
    (chunk,) = chunk_text("n.md", "# S\n## L (1:00)\nfirst\n## (12:23)\nsecond\n")
    assert (chunk.path, chunk.text) == (("S", "L"), "first\n\nsecond")


def test_hash_lines_inside_code_fences_are_not_headings():
    text = "# Ops\n## Scripts\n```\n# comment in a script\necho hi\n```\n"
    (chunk,) = chunk_text("n.md", text)
    assert chunk.path == ("Ops", "Scripts")
    assert "# comment in a script" in chunk.text


# --- plain-text outline ------------------------------------------------------------------------


def test_banner_between_separators_names_the_section(chunks):
    types = only(chunks, SAA, "Database Types")
    assert types.path == ("aws saa apuntes", "Bases de Datos en AWS", "Database Types")
    assert (types.line_start, types.line_end) == (1892, 1898)
    assert types.text.startswith("Database Types\n - RDBMS (=SQL/OLTP): RDS, Aurora")

    sts = only(chunks, SAA, "AWS STS - Security Token service")
    assert sts.path == ("aws saa apuntes", "IAM (Avanzado)", "AWS STS - Security Token service")
    assert sts.line_start == 2129


def test_block_heading_is_parent_of_its_topics(chunks):
    balancing = only(chunks, SAA, "Load Balancing")
    assert balancing.path == (
        "aws saa apuntes",
        "High Availability and Scalability",
        "Load Balancing",
    )
    assert " - Forward internet traffic to multiple servers" in balancing.text.split("\n")


def test_first_line_that_opens_a_list_is_a_topic_not_a_parent(chunks):
    fleets = only(chunks, SAA, "Spot Fleets")
    # "EC2 Spot Instance" only heads its own bullets
    assert fleets.path == ("aws saa apuntes", "Spot Fleets")
    assert fleets.text.startswith("Spot Fleets\n - Spot Fleets = set of Spot Instances")


def test_heavy_separator_ends_a_banner_section(chunks):
    route53 = only(chunks, SAA, "Route 53 - Managed DNS")
    assert route53.path == ("aws saa apuntes", "Route 53 - Managed DNS")


def test_outline_sections_from_a_small_example():
    text = "\n".join(
        [
            "Apuntes",
            "-----",
            "EC2 - VM",
            "EBS - Storage de VMs",
            "",
            "Spot Request",
            "- Max price",
            "- Number of instances",
            "Spot Fleets",
            " - Spot Fleets = set of Spot Instances",
            "#####",
            "Bases de Datos",
            "#####",
            "RDS",
            " - Managed Postgres",
        ]
    )
    style, sections = parse_note(text)
    assert style == "outline"
    assert [(s.path, s.lines[0].number) for s in sections] == [
        (("Apuntes", "EC2 - VM"), 3),
        (("Apuntes", "EC2 - VM", "Spot Request"), 6),
        (("Apuntes", "EC2 - VM", "Spot Fleets"), 9),
        (("Bases de Datos", "RDS"), 14),
    ]


def test_title_line_then_separator_at_the_top_is_a_banner_not_a_chunk():
    chunks = chunk_text("n.txt", "Apuntes AWS\n=====\nEC2 - VM\n - Stop\n")
    assert [(c.path, c.text) for c in chunks] == [
        (("n", "Apuntes AWS", "EC2 - VM"), "EC2 - VM\n - Stop")
    ]


def test_standalone_remark_is_not_taken_for_a_topic_title():
    text = "S3\nBuckets hold objects.\n\nLas Local Zones no tiene AZ\n\nMore about buckets.\n"
    _, sections = parse_note(text)
    assert [s.title for s in sections] == ["S3"]


def test_an_abbreviation_in_a_topics_aside_does_not_make_it_a_sentence():
    text = "\n".join(
        [
            "Historia",
            "-----",
            "Revolución Industrial - primera (aprox. 1760 - 1840)",
            "  - Empieza en Gran Bretaña",
            "",
            "Revolución Industrial - segunda (aprox. 1870-1914)",
            "  - Acero barato: convertidor Bessemer (1856)",
            "",
            "Se estudia en clase. Ver apuntes",
            "  - esto no es un tema",
        ]
    )
    _, sections = parse_note(text)
    titles = [s.title for s in sections]
    assert "Revolución Industrial - segunda (aprox. 1870-1914)" in titles
    assert "Se estudia en clase. Ver apuntes" not in titles


def test_a_numbered_topic_line_is_a_topic_not_a_sentence():
    text = "\n".join(
        [
            "DERECHO CONSTITUCIONAL - apuntes",
            "Grupo B, prof. Sanz. Examen tipo test.",
            "",
            "TEMA 1. CONCEPTO DE CONSTITUCIÓN",
            "",
            "\ta) Constitución de EE.UU.: firmada en 1787.",
            "",
            "TEMA 2. HISTORIA CONSTITUCIONAL",
            "",
            "\t- 1812 Constitución de Cádiz",
        ]
    )
    _, sections = parse_note(text)
    titles = [s.title for s in sections]
    assert "TEMA 1. CONCEPTO DE CONSTITUCIÓN" in titles
    assert "TEMA 2. HISTORIA CONSTITUCIONAL" in titles


# --- cleaning ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("**Public VIF:**<p>", "Public VIF:"),
        ("a  <P >  b</p><BR/>c", "a b c"),
        ("<**p>", ""),
        ("*<p>*", "* *"),
        ("&lt;p&gt; &amp; &nbsp;x", "‹p› & x"),
        ("tab\tand\x00nul\x1b", "tab and nul"),
        ("1ms <1ms latency, A <-> B", "1ms <1ms latency, A <-> B"),
    ],
)
def test_clean_inline(raw, clean):
    assert clean_inline(raw) == clean


def test_clean_title_strips_durations_markers_and_trailing_punctuation():
    assert clean_title("  [DEMO] Create the ORG, member accounts (6:09)") == (
        "[DEMO] Create the ORG, member accounts"
    )
    assert clean_title("- Preguntas para elegir una base de datos:") == (
        "Preguntas para elegir una base de datos"
    )
    assert len(clean_title("word " * 100)) <= 101


# --- language ----------------------------------------------------------------------------------


def test_language_of_real_chunks(chunks):
    pro = [chunk for chunk in chunks if chunk.source == PRO]
    saa = [chunk for chunk in chunks if chunk.source == SAA]
    assert all(chunk.lang == "en" for chunk in pro)
    assert sum(chunk.lang == "es" for chunk in saa) >= 0.6 * len(saa)
    assert only(chunks, SAA, "EBS volume").lang == "es"
    assert only(chunks, SAA, "Database Types").lang == "en"  # English bullets in the Spanish notes


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("", "en"),
        ("\x00\x01 1234 ----", "en"),
        ("¿Qué es una VPC?", "es"),
        ("Los Security Group son por Region/VPC. Se tiene que crear por región", "es"),
        ("The Spot Fleet will try to meet the target capacity with price constraints", "en"),
        ("EC2 ASG ELB AMI EBS", "en"),
    ],
)
def test_detect_lang(text, lang):
    assert detect_lang(text) == lang


def test_a_line_without_evidence_keeps_the_default_language():
    assert lang_scores("EC2 ASG ELB AMI EBS") == (0.0, 0.0)
    assert detect_lang_or("EC2 ASG ELB AMI EBS", "es") == "es"
    assert detect_lang_or("EC2 ASG ELB AMI EBS", "en") == "en"
    assert detect_lang_or("Se puede usar con EC2", "en") == "es"
    assert detect_lang_or("It can be used with EC2", "es") == "en"
