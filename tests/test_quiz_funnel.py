"""The bench's quiz funnel: every candidate is counted once, at the stage where it is lost."""

from __future__ import annotations

from index.chunker import chunk_text
from index.quiz import build_question_bank
from index.quiz.funnel import funnel, rule_name

NOTES = """# Linear Systems

- The system is consistent if its solution set is not empty.
- The system is inconsistent if its solution set is empty.
- The system is determined if its solution set holds exactly one solution.
- A linear system is said to be overdetermined if it has more equations than unknowns.
- For example, suppose we solve the system by hand with two unknowns.
"""


def test_rule_names_drop_the_words_of_one_item():
    assert rule_name("options 'GP2' and 'gp2' are variants") == "options … and … are variants"
    assert rule_name("question repeats the answer's word 'queue'") == (
        "question repeats the answer's word …"
    )
    assert rule_name("the answer alone differs from the distractors in form (one word)") == (
        "the answer alone differs from the distractors in form…"
    )


def test_the_funnel_accounts_for_every_line_and_candidate():
    chunks = chunk_text("n.md", NOTES)
    result = funnel(chunks)
    assert result.lines >= 5
    assert result.line_rejections["example or hypothetical"] == 1
    assert result.fact_lines == result.lines - sum(result.line_rejections.values())
    assert sum(result.shipped.values()) == len(build_question_bank(chunks))
    assert result.shipped["condition"] >= 3
    assert result.duplicates >= 0
    passing = sum(result.candidates.values()) - sum(result.below_bar.values())
    assert passing == (
        sum(result.rule_rejections.values()) + result.duplicates + sum(result.shipped.values())
    )
