"""Word .docx files as notes (python-docx): headings become Markdown headings, lists and tables
keep their text; a file that is not a .docx, a locked one, a bomb and an empty one are refused."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from bot.features.notebooks.intake import Limits, NotAccepted, read_upload
from index.parse_markdown import parse_markdown

LIMITS = Limits(
    download_bytes=1_000_000,
    notes_bytes=1_000_000,
    note_files=50,
    zip_bytes=2_000_000,  # an empty Word file unpacks to about 0.8 MB
    zip_members=10,
)


def word_file(build) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def biology(document) -> None:
    document.add_heading("Cell biology", level=1)
    document.add_heading("Mitochondria", level=2)
    document.add_paragraph("The mitochondrion produces ATP through oxidative phosphorylation.")
    document.add_paragraph("Has its own DNA", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Organelle", "Role"
    table.cell(1, 0).text, table.cell(1, 1).text = "Ribosome", "Makes proteins"


def test_a_docx_becomes_markdown_with_its_headings() -> None:
    intake = read_upload("Biology.docx", word_file(biology), LIMITS)
    assert list(intake.files) == ["Biology.docx.md"]
    text = intake.files["Biology.docx.md"].decode("utf-8")
    assert "# Cell biology" in text.splitlines()
    assert "## Mitochondria" in text.splitlines()
    assert "- Has its own DNA" in text.splitlines()
    assert "Ribosome | Makes proteins" in text
    sections = parse_markdown(text.splitlines())
    assert ("Cell biology", "Mitochondria") in [section.path for section in sections]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"plain text, not a zip", "can't be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "locked with a password"),
        (word_file(lambda d: d.add_paragraph("   ")), "no text"),
    ],
    ids=["not-a-zip", "encrypted-ole", "empty"],
)
def test_a_bad_docx_is_refused_with_why(content: bytes, says: str) -> None:
    with pytest.raises(NotAccepted) as refused:
        read_upload("notes.docx", content, LIMITS)
    assert says in refused.value.msgid


def test_a_zip_that_is_no_word_file_or_unpacks_too_far_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("hello.txt", "not word")
    with pytest.raises(NotAccepted) as refused:
        read_upload("notes.docx", buffer.getvalue(), LIMITS)
    assert "can't be read" in refused.value.msgid

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" * 3_000_000)
    with pytest.raises(NotAccepted) as refused:
        read_upload("bomb.docx", buffer.getvalue(), LIMITS)
    assert "unpacks to over" in refused.value.msgid
