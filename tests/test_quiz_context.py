"""The bracketed context names the heading that truly covers a line: a step's number, a short
service name or an aside never sends a question up to a vaguer heading (a blind grade found
"[Respiración celular]" over the Krebs cycle and "[Bases de Datos en AWS]" over S3)."""

from __future__ import annotations

from index.chunker import chunk_text
from index.quiz.candidates import note_lines
from index.quiz.kinds import _clean_title, subject_prefix


def _prefix(text: str, line_start: str, answer: str) -> str | None:
    lines = note_lines(chunk_text("bio.md", text))
    line = next(line for line in lines if line.text.startswith(line_start))
    return subject_prefix(line, answer)


def test_a_steps_number_is_not_part_of_the_topic():
    assert _clean_title("Etapa 3: Ciclo de Krebs") == "Ciclo de Krebs"
    assert _clean_title("Part II - Mitosis") == "Mitosis"
    assert _clean_title("Layer 7") == "Layer 7"  # a name with a number, not a step


def test_the_heading_with_the_answers_number_still_covers_the_line():
    text = (
        "# Respiración celular\n\nIntro.\n\n"
        "## Etapa 3: Ciclo de Krebs\n\n- Por cada vuelta: 3 NADH, 1 FADH2, 2 CO2.\n\n"
        "## Fermentación (sin O2)\n\n- Solo 2 ATP por glucosa, los de la glucólisis.\n"
    )
    assert _prefix(text, "Por cada vuelta", "3") == "[Ciclo de Krebs] "
    assert _prefix(text, "Solo 2 ATP", "2") == "[Fermentación] "
    assert _prefix(text, "Solo 2 ATP", "glucólisis") == "[Fermentación (sin O2)] "


def test_a_short_service_name_is_a_heading():
    text = "# Bases de Datos\n\nIntro.\n\n## S3\n\n- Reliability: 11 nines of durability\n"
    assert _prefix(text, "Reliability", "11") == "[S3] "
