"""A Word ``.docx`` file as Markdown (python-docx): its headings become headings, list paragraphs
list items, tables rows of cells; a file that is not a .docx, is locked or holds no text is
refused with why. Blocking and pure: run it through asyncio.to_thread."""

from __future__ import annotations

import io
import re
import zipfile

from bot.features.notebooks.intake import NotAccepted
from bot.i18n import N_

# a password-protected .docx (and an old binary .doc) is an OLE compound file, not a zip
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING = re.compile(r"^heading (\d)$")
_LOCKED = N_("That Word file is locked with a password (or is an old .doc): send it as .docx.")
_UNREADABLE = N_("That .docx can't be read.")


def docx_markdown(content: bytes, unpacked_limit: int) -> str:
    """The text of a .docx as Markdown; ``unpacked_limit``: the most its parts may unpack to."""
    if content.startswith(_OLE_MAGIC):
        raise NotAccepted(_LOCKED)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > unpacked_limit:
                raise NotAccepted(
                    N_("That .docx unpacks to over {mb} MB: send a smaller one."),
                    mb=f"{unpacked_limit / (1024 * 1024):g}",
                )
            if "EncryptionInfo" in archive.namelist():
                raise NotAccepted(_LOCKED)
    except zipfile.BadZipFile as error:
        raise NotAccepted(_UNREADABLE) from error
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(content))
        blocks = [
            _table_lines(block) if isinstance(block, Table) else _paragraph_line(block)
            for block in document.iter_inner_content()
        ]
    except (PackageNotFoundError, KeyError, ValueError, SyntaxError, zipfile.BadZipFile) as error:
        raise NotAccepted(_UNREADABLE) from error  # lxml's XMLSyntaxError is a SyntaxError
    text = "\n\n".join(block for block in blocks if block.strip())
    if not text.strip():
        raise NotAccepted(N_("That .docx has no text in it."))
    return text + "\n"


def _paragraph_line(paragraph: object) -> str:
    from docx.text.paragraph import Paragraph

    assert isinstance(paragraph, Paragraph)
    text = " ".join(paragraph.text.split())
    if not text:
        return ""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    name = style.strip().lower()
    if name == "title":
        return f"# {text}"
    heading = _HEADING.match(name)
    if heading:
        return "#" * min(6, max(1, int(heading.group(1)))) + " " + text
    if name.startswith("list"):
        return f"- {text}"
    return text


def _table_lines(table: object) -> str:
    from docx.table import Table

    assert isinstance(table, Table)
    rows = []
    for row in table.rows:
        cells = [" ".join(cell.text.split()) for cell in row.cells]
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)
