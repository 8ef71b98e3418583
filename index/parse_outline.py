"""Parse plain-text outline notes: separator lines cut blocks, topic lines head indented bullets.

Structure read from the text (see corpus/aws-saa-apuntes.txt):
- a separator is a line like ``-----``, ``#####33``, ``*****``, ``=====`` or ``........``;
- a *banner* is a single short line between separators (``####`` / ``Bases de Datos`` / ``####``,
  or a title line then a separator at the top of the file):
  it names a section that lasts until the next banner or the next heavy separator
  (``#``, ``*``, ``=`` or two separators in a row);
- a *block* is the text between separators; its first line is its heading;
- inside a block, a *topic* starts at a short heading-like line that opens indented bullets,
  stands alone after a blank line, or comes back to the left margin after a list.
Breadcrumb: (banner section, block heading, topic line), skipping repeats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.parse_text import (
    Line,
    Section,
    clean_line,
    clean_title,
    is_separator,
    short_title,
    trim_blank,
)

_HEAVY_SEPARATOR_CHARS = frozenset("#*=")
_PARENTHESES = re.compile(r"\([^()]*\)")
_ENUMERATOR = re.compile(r"^(?:[^\W\d_]+\s+)?(?:\d{1,2}(?:\.\d{1,2})*|[IVXLC]{1,5}|[a-z])[.)]\s+")
_MAX_TOPIC_CHARS = 70
_MAX_TOPIC_WORDS = 9
_MAX_BANNER_CHARS = 80
# Verbs and negations: a short line holding one of these is a remark, not a title.
_SENTENCE_WORDS_TEXT = """
es son está están tiene tienen no puede pueden hay se solo sólo debe deben
is are was has have can cannot should must does not
"""
_SENTENCE_WORDS = frozenset(_SENTENCE_WORDS_TEXT.split())


@dataclass(slots=True)
class _Block:
    lines: list[Line]
    heavy_before: bool  # the separators before it include a heavy one, or several lines
    separator_before: bool
    separator_after: bool = False


def parse_outline(raw_lines: Sequence[str]) -> list[Section]:
    """Sections of an outline note: one per topic of each block, with a breadcrumb path."""
    sections: list[Section] = []
    section_title: str | None = None
    after_banner = False
    for index, block in enumerate(_split_blocks(raw_lines)):
        content = [line for line in block.lines if not line.blank]
        if (
            len(content) == 1
            and (block.separator_before or index == 0)
            and block.separator_after
            and _is_banner_text(content[0])
        ):
            section_title = clean_title(content[0].text) or section_title
            after_banner = True
            continue
        if block.heavy_before and not after_banner:
            section_title = None
        after_banner = False
        sections.extend(_block_sections(block.lines, section_title, group=index))
    return sections


def _split_blocks(raw_lines: Sequence[str]) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[Line] = []
    run_chars: set[str] = set()
    run_length = 0

    def close_block() -> None:
        nonlocal run_length
        if any(not line.blank for line in current):
            if blocks and run_length:
                blocks[-1].separator_after = True
            heavy = bool(run_chars & _HEAVY_SEPARATOR_CHARS) or run_length >= 2
            blocks.append(_Block(trim_blank(current), heavy, run_length > 0))
            run_chars.clear()
            run_length = 0
        current.clear()

    for number, raw in enumerate(raw_lines, start=1):
        if is_separator(raw):
            close_block()
            run_chars.update(raw.strip())
            run_length += 1
        else:
            current.append(clean_line(number, raw))
    close_block()
    if blocks and run_length:
        blocks[-1].separator_after = True
    return blocks


def _block_sections(lines: list[Line], section_title: str | None, group: int) -> list[Section]:
    block_title = short_title(lines[0].text) or "Notes"
    outer = (section_title,) if section_title else ()
    prefix = (*outer, block_title)
    # "AWS STS\n - Allows ..." opens a list: the block's first line is only its first topic.
    # "Amazon S3\nInfinitely scaling ..." is a heading over the whole block.
    following = next((line for line in lines[1:] if not line.blank), None)
    parent = prefix if following is None or following.indent <= lines[0].indent else outer
    heads = _topic_heads(lines)
    sections: list[Section] = []
    for position, start in enumerate(heads):
        end = heads[position + 1] if position + 1 < len(heads) else len(lines)
        topic_lines = trim_blank(lines[start:end])
        if not topic_lines:
            continue
        if position == 0:
            path, title = prefix, block_title
        else:
            title = clean_title(lines[start].text) or block_title
            path = parent if parent and parent[-1] == title else (*parent, title)
        sections.append(Section(path, title, tuple(topic_lines), group=group, lead=position == 0))
    return sections


def _topic_heads(lines: list[Line]) -> list[int]:
    """Indexes (into ``lines``) of the lines that open a topic; the first line always does.

    A topic needs a body: a heading-like line right after a topic line that has none yet
    ("S3 Storage Classes" / "Saber cual usar para que" / bullets) stays in that topic.
    """
    heads = [0]
    content = [i for i, line in enumerate(lines) if not line.blank]
    base_indent = min(lines[i].indent for i in content)
    head_indent = lines[0].indent
    head_has_body = False
    for position in range(1, len(content)):
        index = content[position]
        line = lines[index]
        previous = lines[content[position - 1]]
        following = lines[content[position + 1]] if position + 1 < len(content) else None
        blank_around = (lines[index - 1].blank, index + 1 < len(lines) and lines[index + 1].blank)
        if head_has_body and _opens_topic(
            line, previous, following, blank_around, head_indent, base_indent
        ):
            heads.append(index)
            head_indent = line.indent
            head_has_body = False
        else:
            head_has_body = True
    return heads


def _opens_topic(
    line: Line,
    previous: Line,
    following: Line | None,
    blank_around: tuple[bool, bool],
    head_indent: int,
    base_indent: int,
) -> bool:
    if not _looks_like_topic(line):
        return False
    blank_before, blank_after = blank_around
    back_to_margin = previous.indent > line.indent
    near_margin = line.indent <= base_indent + 1 and (blank_before or back_to_margin)
    if not (line.indent <= head_indent or near_margin):
        return False
    if following is not None and not blank_after and _opens_list(line, following):
        # "Spot Fleets" + indented bullets; "Supports:" + a list is an intro, unless set apart.
        return not line.text.endswith(":") or blank_before or back_to_margin
    # A line standing alone: a title, not a remark ("Las Local Zones no tiene AZ").
    return (
        (blank_before or back_to_margin)
        and not line.text.endswith((".", ":"))
        and not _reads_like_sentence(line.text)
    )


def _opens_list(line: Line, following: Line) -> bool:
    if following.indent > line.indent:
        return True
    return following.is_bullet and following.indent >= line.indent


def _looks_like_topic(line: Line) -> bool:
    text = line.text
    if not 2 <= len(text) <= _MAX_TOPIC_CHARS or line.is_bullet:
        return False
    if text[0].islower() or text.endswith((",", ";")) or "://" in text:
        return False
    # "Revolución Industrial - segunda (aprox. 1870-1914)": an abbreviation in an aside is not
    # a sentence's end, nor is the dot of a number ("TEMA 1. CONCEPTO", "2. Tipos de …")
    bare = _ENUMERATOR.sub("", _PARENTHESES.sub("", text))
    if ". " in bare or len(text.split()) > _MAX_TOPIC_WORDS:
        return False
    return any(ch.isalpha() for ch in text)


def _reads_like_sentence(text: str) -> bool:
    words = text.lower().split()
    return any(word in _SENTENCE_WORDS for word in words)


def _is_banner_text(line: Line) -> bool:
    return (
        len(line.text) <= _MAX_BANNER_CHARS
        and not line.is_bullet
        and any(ch.isalpha() for ch in line.text)
    )
