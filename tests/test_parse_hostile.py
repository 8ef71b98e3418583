"""Hostile Markdown: nesting far past any parser's limit and broken front matter give a warning
and still-indexed text, never a crash or a lost note."""

from __future__ import annotations

import logging

from index.chunker import chunk_text


def test_lists_nested_ten_thousand_deep_are_indexed_with_a_warning(caplog):
    text = "# Deep\n" + "".join("  " * depth + "- item\n" for depth in range(10_000))
    text += "- lastmarkerword\n"
    with caplog.at_level(logging.WARNING):
        chunks = chunk_text("deep.md", text)
    assert "nest too deep" in caplog.text
    assert any("lastmarkerword" in chunk.text for chunk in chunks)


def test_quotes_nested_ten_thousand_deep_are_indexed_with_a_warning(caplog):
    text = "# Quotes\n" + ">" * 10_000 + " innermostword\n\nafterword\n"
    with caplog.at_level(logging.WARNING):
        chunks = chunk_text("quotes.md", text)
    assert "nest too deep" in caplog.text
    joined = " ".join(chunk.text for chunk in chunks)
    assert "innermostword" in joined and "afterword" in joined


def test_invalid_yaml_front_matter_still_indexes_the_note(caplog):
    text = "---\ntitle: [unclosed\naliases: : :\n---\n# Note\nThe body survives broken YAML.\n"
    with caplog.at_level(logging.WARNING):
        (chunk,) = chunk_text("broken.md", text)
    assert "front matter" in caplog.text
    assert chunk.text == "The body survives broken YAML."
    assert chunk.title == "Note"


def test_front_matter_gives_title_aliases_and_tags_as_metadata_not_text():
    text = "---\ntitle: Consensus\naliases:\n  - Raft\ntags: [distributed, algorithms]\n---\n"
    text += "Leaders replicate a log to followers.\n"
    (chunk,) = chunk_text("1716491727-consensus.md", text)
    assert chunk.path == ("Consensus",)
    assert set(chunk.keywords) >= {"Raft", "distributed", "algorithms"}
    assert "title" not in chunk.text and "Raft" not in chunk.text


def test_obsidian_syntax_is_cleaned_for_display_and_indexing():
    text = (
        "Intro to [[Logic/Semantic#Model|models]] and [[Other note]].\n\n"
        "![[diagram.png]] ![alt text](img.png) <b>bold</b> *emphasis* _under_ #todo\n\n"
        "> [!NOTE] Terminology\n> A model satisfies a formula.\n\n"
        "| Term | Meaning |\n|---|---|\n| [[a\\|Alpha]] | first |\n\n"
        "$$\nx^2 + y^2 = z^2\n$$\n\n"
        "```python\ndef f():\n    return 1\n```\n"
    )
    (chunk,) = chunk_text("Logic/Note.md", text)
    lines = chunk.text.split("\n")
    assert lines[0] == "Intro to models and Other note."
    assert "alt text bold emphasis under" in chunk.text
    assert "[[" not in chunk.text and "diagram" not in chunk.text and "<b>" not in chunk.text
    assert "Terminology" in lines and "[!NOTE]" not in chunk.text
    assert "Term: Alpha · Meaning: first" in lines
    assert "$$\nx^2 + y^2 = z^2\n$$" in chunk.text
    assert "```python\ndef f():\n    return 1\n```" in chunk.text
    assert "todo" in chunk.keywords and "#todo" not in chunk.text
    assert chunk.path == ("Logic", "Note")


def test_navigation_footers_are_not_passages():
    text = (
        "# Docker\nContainers package an application with its libraries and configuration.\n\n"
        "## Related\n[202110010028](../202110010028) - What's a Container\n\n"
        "## Tags\n#containers #linux\n\nLinks: [[Kubernetes]], [[Pods]]\n"
    )
    (chunk,) = chunk_text("202110011837/README.md", text)
    assert "Related" not in chunk.text and "Kubernetes" not in chunk.text
    assert {"containers", "linux"} <= set(chunk.keywords)


def test_a_colon_lead_in_stays_with_its_list():
    body = "Some words to make this section long enough to stand alone as a chunk. " * 14
    text = f"# Topic\n{body}\n\nThe three cases are:\n\n- first case\n- second case\n"
    chunks = chunk_text("topic.md", text)
    (holder,) = [c for c in chunks if "The three cases are:" in c.text]
    assert "- first case" in holder.text and "- second case" in holder.text


def test_heading_less_markdown_is_still_markdown():
    text = "#Amazon\n\n> a quote line\n\nOLAP ---> Analysis\n\n![[embed.png]]\n\nBody text here.\n"
    chunks = chunk_text("vault/SQS.md", text)
    assert {chunk.title for chunk in chunks} == {"SQS"}
    assert all(chunk.path == ("vault", "SQS") for chunk in chunks)


def test_angle_bracket_words_are_text_and_real_html_tags_are_markup():
    from index.parse_markdown import _HTML_TAG

    text = "keeps <retention> rules <p>and</p> <img src='x.png'> <queue-name>"
    cleaned = " ".join(_HTML_TAG.sub(" ", text).split())
    assert cleaned == "keeps <retention> rules and <queue-name>"
