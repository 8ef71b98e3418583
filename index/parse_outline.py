"""Parse plain-text outline notes: separator lines cut blocks, topic lines head indented bullets.

Structure read from the text (see corpus/aws-saa-apuntes.txt):
- a separator is a line like ``-----``, ``#####33``, ``*****``, ``=====`` or ``........``;
- a *banner* is a single short line between separators (``####`` / ``Bases de Datos`` / ``####``):
  it names a section that lasts until the next banner or the next heavy separator
  (``#``, ``*``, ``=`` or two separators in a row);
- a *block* is the text between separators; its first line is its heading;
- inside a block, a *topic* starts at a short heading-like line that opens indented bullets,
  stands alone after a blank line, or comes back to the left margin after a list.
Breadcrumb: (banner section, block heading, topic line), skipping repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.parse_text import Line, Section, clean_line, clean_title, is_separator, short_title

_HEAVY_SEPARATOR_CHARS = frozenset("#*=")
_MAX_TOPIC_CHARS = 70
_MAX_TOPIC_WORDS = 9
_MAX_BANNER_CHARS = 80


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
            and block.separator_before
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
            blocks.append(_Block(_trim(current), heavy, run_length > 0))
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
    prefix = (section_title, block_title) if section_title else (block_title,)
    heads = _topic_heads(lines)
    sections: list[Section] = []
    for position, start in enumerate(heads):
        end = heads[position + 1] if position + 1 < len(heads) else len(lines)
        topic_lines = _trim(lines[start:end])
        if not topic_lines:
            continue
        if position == 0:
            path, title = prefix, block_title
        else:
            title = clean_title(lines[start].text) or block_title
            path = prefix if title == block_title else (*prefix, title)
        sections.append(Section(path=path, title=title, lines=topic_lines, group=group))
    return sections


def _topic_heads(lines: list[Line]) -> list[int]:
    """Indexes (into ``lines``) of the lines that open a topic; the first line always does."""
    heads = [0]
    content = [i for i, line in enumerate(lines) if not line.blank]
    base_indent = min(lines[i].indent for i in content)
    head_indent = lines[0].indent
    for position in range(1, len(content)):
        index = content[position]
        line = lines[index]
        if not _looks_like_topic(line):
            continue
        previous = lines[content[position - 1]]
        following = lines[content[position + 1]] if position + 1 < len(content) else None
        blank_before = lines[index - 1].blank
        if not (line.indent <= head_indent or (blank_before and line.indent <= base_indent + 1)):
            continue
        back_to_margin = previous.indent > line.indent
        opens_list = following is not None and _opens_list(line, following)
        ends_like_prose = line.text.endswith((".", ":"))
        if opens_list:
            is_topic = not line.text.endswith(":") or blank_before or back_to_margin
        else:
            is_topic = (blank_before or back_to_margin) and not ends_like_prose
        if is_topic:
            heads.append(index)
            head_indent = line.indent
    return heads


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
    if ". " in text or len(text.split()) > _MAX_TOPIC_WORDS:
        return False
    return any(ch.isalpha() for ch in text)


def _is_banner_text(line: Line) -> bool:
    return (
        len(line.text) <= _MAX_BANNER_CHARS
        and not line.is_bullet
        and any(ch.isalpha() for ch in line.text)
    )


def _trim(lines: list[Line]) -> list[Line]:
    start = 0
    end = len(lines)
    while start < end and lines[start].blank:
        start += 1
    while end > start and lines[end - 1].blank:
        end -= 1
    return lines[start:end]
