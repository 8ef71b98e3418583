"""Cut parsed note sections into answer-sized chunks with stable ids: the notes → ``Chunk`` step.

A chunk is one lecture or topic; long ones are split at paragraph or bullet boundaries (about
``TARGET_CHARS``, never more than ``MAX_CHARS``), a line that is too long on its own at sentence
ends, and only as a last resort at a space or mid-word. Tiny neighbouring topics of one outline
block are merged. Everything is linear in the size of the input.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.corpus import discover_note_files, note_source, read_note_text
from index.lang import detect_lang
from index.model import Chunk
from index.parse import parse_note_with_meta
from index.parse_markdown import MARKDOWN_GROUP, NoteMeta
from index.parse_text import Line, Section, clean_title

log = logging.getLogger(__name__)

TARGET_CHARS = 1200  # a chunk grows past this only while it is still tiny
MAX_CHARS = 2000  # hard cap on len(Chunk.text)
MIN_CHARS = 300  # a shorter last piece of a long section joins the piece before it
SMALL_CHARS = 150  # a shorter topic joins its neighbour of the same outline block when it fits
SMALL_SECTION_CHARS = 200  # a shorter Markdown section joins its neighbour or parent
_NOTE_ID = re.compile(r"^\d{6,}[-_ ]+(?=\S)")  # a Zettelkasten id before a file name's words
_GENERIC_NAMES = frozenset({"readme", "index", "_index", "untitled"})

_SENTENCE_END = re.compile(r"[.!?…]{1,8}[\"')\]]{0,3}(?=\s)")  # bounded: no backtracking blow-up


@dataclass(slots=True)
class _Atom:
    """An unbreakable run of rendered lines (a bullet with its children, a sentence, ...)."""

    text: str
    first: int
    last: int
    blank_before: bool
    # (line of ``text``, its line in the file) where the numbering jumps; () when the lines
    # run on from ``first``
    starts: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class _Piece:
    """A chunk being assembled: its place in the notes and the text parts packed so far."""

    path: tuple[str, ...]
    title: str
    group: int | None
    lead: bool
    first: int
    last: int
    parts: list[str] = field(default_factory=list)
    length: int = 0
    absorbed: list[str] = field(default_factory=list)  # titles of tiny sections merged in
    sections: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)  # see Chunk
    runs: list[tuple[int, int]] = field(default_factory=list)  # (text line, file line) jumps
    line_count: int = 0  # lines in the text so far

    def _run(self, offset: int, number: int) -> None:
        if self.runs:
            at, then = self.runs[-1]
            if then + (offset - at) == number:
                return  # the numbering runs on
        self.runs.append((offset, number))

    part: int = 0  # index of this piece within its section

    def add(self, atom: _Atom) -> None:
        base = 0
        if self.parts:
            joiner = "\n\n" if atom.blank_before else "\n"
            self.parts.append(joiner)
            self.length += len(joiner)
            base = self.line_count + len(joiner) - 1
        else:
            self.first = atom.first
        self._run(base, atom.first)
        for offset, number in atom.starts:
            self._run(base + offset, number)
        self.parts.append(atom.text)
        self.length += len(atom.text)
        self.line_count = base + atom.text.count("\n") + 1
        self.last = atom.last

    def cost_with(self, atom: _Atom) -> int:
        return self.cost_of(len(atom.text), atom.blank_before)

    def cost_of(self, size: int, blank_before: bool) -> int:
        """The length after appending ``size`` characters (a paragraph break when asked)."""
        joiner = (2 if blank_before else 1) if self.parts else 0
        return self.length + joiner + size


def load_chunks(corpus_dir: Path) -> list[Chunk]:
    """Chunks of every note file under ``corpus_dir``, files in sorted order; never raises on
    file content (unreadable or broken files are skipped with a warning)."""
    root = Path(corpus_dir)
    chunks: list[Chunk] = []
    for path in discover_note_files(root):
        source = note_source(path, root)
        try:
            text = read_note_text(path)
        except OSError as error:
            log.warning("skipping %s: cannot read it (%s)", source, error)
            continue
        try:
            chunks.extend(chunk_text(source, text))
        except Exception:  # a parser bug must not stop the whole index
            log.exception("skipping %s: could not parse it", source)
    return _unique_ids(chunks)  # ids are unique per file already; this guards the whole corpus


def chunk_text(source: str, text: str) -> list[Chunk]:
    """Chunks of one note's text, in file order; ``source`` is its corpus-relative path.

    Every chunk's path starts with the folders above the note and the note's title."""
    name = source.rsplit("/", 1)[-1]
    suffix = name[name.rfind(".") :] if "." in name else ""
    _, sections, meta = parse_note_with_meta(text, suffix)
    title = note_title(source, meta, sections)
    prefix = (*note_folders(source), title)
    keywords = _keywords(meta, title)
    pieces: list[_Piece] = []
    for section in sections:
        pieces.extend(_split_section(_under_title(section, prefix)))
    chunks = [_to_chunk(source, piece, keywords) for piece in _merge_small(pieces)]
    return _unique_ids([chunk for chunk in chunks if chunk is not None])


def note_title(source: str, meta: NoteMeta, sections: list[Section]) -> str:
    """Front matter ``title``, else the note's only H1, else its first alias, else its file name
    (without a Zettelkasten id; a generic name such as README gives way to its folder)."""
    if meta.title:
        return meta.title
    if meta.aliases:
        return meta.aliases[0]
    parts = source.split("/")
    stem = parts[-1].rsplit(".", 1)[0] if "." in parts[-1] else parts[-1]
    if stem.casefold() in _GENERIC_NAMES and len(parts) > 1:
        stem = parts[-2]
    stem = _NOTE_ID.sub("", stem)
    if " " not in stem and ("-" in stem or "_" in stem):
        stem = stem.replace("_", " ").replace("-", " ")
    return clean_title(stem) or clean_title(parts[-1]) or "Notes"


def note_folders(source: str) -> tuple[str, ...]:
    """The folders above a note, outermost first, leaving out bare ids and dates."""
    return tuple(folder for folder in source.split("/")[:-1] if any(ch.isalpha() for ch in folder))


def _keywords(meta: NoteMeta, title: str) -> tuple[str, ...]:
    seen = {title.casefold()}
    found = []
    for word in (*meta.aliases, *meta.tags):
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            found.append(word)
    return tuple(found)


def _under_title(section: Section, prefix: tuple[str, ...]) -> Section:
    """The section with its heading path below the note's folders and title."""
    path = section.path
    if path and path[0].casefold() == prefix[-1].casefold():
        path = path[1:]
    full = (*prefix, *path)
    return replace(section, path=full, title=full[-1])


def chunk_id(source: str, path: tuple[str, ...], text: str, occurrence: int = 0) -> str:
    """Stable id: a hash of where the chunk lives and what it says, not of its position."""
    key = "\x1f".join((source, "\x1e".join(path), text))
    if occurrence:
        key += f"\x1f#{occurrence}"
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _split_section(section: Section) -> list[_Piece]:
    """Pack a section into pieces: whole paragraphs while they fit, else bullet by bullet."""

    def new_piece() -> _Piece:
        piece = _Piece(section.path, section.title, section.group, section.lead, 0, 0)
        piece.part = len(pieces)
        return piece

    pieces: list[_Piece] = []
    current = new_piece()
    for paragraph in _paragraphs(_atoms(section.lines)):
        size = sum(len(atom.text) + 1 for atom in paragraph) - 1
        if (
            current.parts
            and not _fits(current, current.cost_of(size, paragraph[0].blank_before))
            and size <= TARGET_CHARS
        ):
            pieces.append(current)  # the paragraph fits a piece of its own: start one
            current = new_piece()
        for atom in paragraph:
            if current.parts and not _fits(current, current.cost_with(atom)):
                pieces.append(current)
                current = new_piece()
            current.add(atom)
    if current.parts:
        pieces.append(current)
    if pieces and 0 < section.heading_line < pieces[0].first:
        pieces[0].first = section.heading_line  # the passage starts at its heading
    if len(pieces) >= 2 and pieces[-1].length < MIN_CHARS:
        tail = pieces[-1]
        if pieces[-2].length + 2 + tail.length <= MAX_CHARS:
            pieces.pop()
            _absorb(pieces[-1], tail)
    return pieces


def _fits(piece: _Piece, cost: int) -> bool:
    """Whether a piece may grow to ``cost`` characters: up to the target, or up to the cap
    while it is still tiny."""
    return cost <= TARGET_CHARS or (piece.length < MIN_CHARS and cost <= MAX_CHARS)


def _paragraphs(atoms: Iterator[_Atom]) -> Iterator[list[_Atom]]:
    paragraph: list[_Atom] = []
    for atom in atoms:
        if atom.blank_before and paragraph:
            yield paragraph
            paragraph = []
        paragraph.append(atom)
    if paragraph:
        yield paragraph


def _atoms(lines: tuple[Line, ...]) -> Iterator[_Atom]:
    """Units of a section: a line with the lines that belong under it (deeper indentation, or
    the bullets after an intro line); units too big for one chunk are broken down further."""
    unit: list[Line] = []
    unit_blank_before = False
    blank_pending = False
    for line in lines:
        if line.blank:
            blank_pending = True
            continue
        lead_in = unit and unit[-1].text.endswith(":") and line.is_bullet
        if unit and (not blank_pending or lead_in) and _belongs_under(unit[0], line):
            unit.append(line)
        else:
            if unit:
                yield from _unit_atoms(unit, unit_blank_before)
            unit = [line]
            unit_blank_before = blank_pending
        blank_pending = False
    if unit:
        yield from _unit_atoms(unit, unit_blank_before)


def _belongs_under(head: Line, line: Line) -> bool:
    if line.indent > head.indent:
        return True
    return line.is_bullet and not head.is_bullet and line.indent >= head.indent


def _unit_atoms(unit: list[Line], blank_before: bool) -> Iterator[_Atom]:
    rendered = [line.render() for line in unit]
    last = max(unit[-1].number, unit[-1].last)
    if sum(len(text) + 1 for text in rendered) - 1 <= MAX_CHARS:
        starts, offset = [], 0
        for line, text in zip(unit, rendered, strict=True):
            if offset and line.number != unit[0].number + offset:
                starts.append((offset, line.number))
            offset += text.count("\n") + 1
        yield _Atom("\n".join(rendered), unit[0].number, last, blank_before, tuple(starts))
        return
    for index, (line, text) in enumerate(zip(unit, rendered, strict=True)):
        first_blank = blank_before and index == 0
        end = max(line.number, line.last)
        if len(text) <= MAX_CHARS:
            yield _Atom(text, line.number, end, first_blank)
            continue
        parts = _split_block(line) if "\n" in line.text else split_long_text(line.text)
        for part_index, part in enumerate(parts):
            yield _Atom(part, line.number, end, first_blank and part_index == 0)


def _split_block(line: Line) -> list[str]:
    """A code or math block too long for one chunk, cut between its lines (each piece keeps
    the fence, so it still reads as code)."""
    rows = line.render().split("\n")
    fence = rows[0] if rows[0].lstrip().startswith(("```", "$$")) else ""
    closing = rows[-1] if fence else ""
    body = rows[1:-1] if fence else rows
    pieces: list[str] = []
    current: list[str] = []
    size = len(fence) + len(closing) + 2
    for row in body:
        row = row[:TARGET_CHARS]
        if current and size + len(row) + 1 > TARGET_CHARS:
            pieces.append("\n".join([fence, *current, closing] if fence else current))
            current, size = [], len(fence) + len(closing) + 2
        current.append(row)
        size += len(row) + 1
    if current:
        pieces.append("\n".join([fence, *current, closing] if fence else current))
    return pieces


def split_long_text(text: str, target: int = TARGET_CHARS, limit: int = MAX_CHARS) -> list[str]:
    """Cut one long line into pieces of at most ``limit`` characters: at the last sentence end
    before ``target`` (or ``limit``), else at the last space, else hard. Linear time."""
    pieces: list[str] = []
    start = 0
    length = len(text)
    while length - start > limit:
        cut = _last_sentence_end(text, start + limit // 4, start + target)
        if cut < 0:
            cut = _last_sentence_end(text, start + limit // 4, start + limit)
        if cut < 0:
            space = text.rfind(" ", start + limit // 4, start + limit)
            cut = space if space > start else start + limit
        piece = text[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
    rest = text[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _last_sentence_end(text: str, lowest: int, highest: int) -> int:
    """Index just after the last sentence end in ``text[lowest:highest]``, or -1."""
    cut = -1
    for match in _SENTENCE_END.finditer(text, lowest, highest + 1):
        if match.end() <= highest:
            cut = match.end()
    return cut


def _merge_small(pieces: list[_Piece]) -> list[_Piece]:
    """Merge a tiny piece with its neighbour from the same outline block or Markdown note when
    both fit in one chunk. An outline chunk keeps the block's own title, else the title of its
    larger part; a Markdown chunk keeps its parent's title when one part is the other's parent,
    and the titles it absorbs stay searchable."""
    merged: list[_Piece] = []
    for piece in pieces:
        previous = merged[-1] if merged else None
        small = SMALL_SECTION_CHARS if piece.group == MARKDOWN_GROUP else SMALL_CHARS
        if (
            previous is not None
            and piece.group is not None
            and previous.group == piece.group
            and min(previous.length, piece.length) < small
            and previous.length + 2 + piece.length <= TARGET_CHARS
        ):
            if piece.group == MARKDOWN_GROUP:
                _merge_sections(previous, piece)
            else:
                if piece.length > previous.length and not previous.lead:
                    previous.path, previous.title = piece.path, piece.title
                _absorb(previous, piece)
        else:
            merged.append(piece)
    return merged


def _merge_sections(previous: _Piece, piece: _Piece) -> None:
    if previous.path == piece.path[: len(previous.path)]:
        keep, other = previous.path, piece  # the previous piece is the parent
    elif piece.path == previous.path[: len(piece.path)] or piece.length > previous.length:
        keep, other = piece.path, previous
    else:
        keep, other = previous.path, piece
    if other.path != keep and other.title not in previous.absorbed:
        previous.absorbed.append(other.title)
    previous.absorbed.extend(t for t in piece.absorbed if t not in previous.absorbed)
    previous.sections = (previous.sections or [(previous.first, previous.path)]) + (
        piece.sections or [(piece.first, piece.path)]
    )
    previous.path, previous.title = keep, keep[-1] if keep else previous.title
    _absorb(previous, piece)


def _absorb(piece: _Piece, tail: _Piece) -> None:
    base = piece.line_count + 1
    for offset, number in tail.runs:
        piece._run(base + offset, number)
    piece.parts.append("\n\n")
    piece.parts.extend(tail.parts)
    piece.length += 2 + tail.length
    piece.line_count = base + tail.line_count
    piece.last = tail.last


def _to_chunk(source: str, piece: _Piece, keywords: tuple[str, ...] = ()) -> Chunk | None:
    joined = _dedent("".join(piece.parts))
    text = joined.strip()
    if not text:
        return None
    dropped = joined[: len(joined) - len(joined.lstrip())].count("\n")  # leading blank lines
    runs = [(max(0, offset - dropped), number) for offset, number in piece.runs]
    if runs == [(0, piece.first)]:
        runs = []  # the plain case: text line i is file line first + i
    absorbed = tuple(title for title in piece.absorbed if title not in piece.path)
    return Chunk(
        id="",
        source=source,
        line_start=piece.first,
        line_end=piece.last,
        path=piece.path,
        title=piece.title or (piece.path[-1] if piece.path else "Notes"),
        text=text,
        lang=detect_lang(text),
        keywords=(*absorbed, *keywords),
        part=piece.part,
        sections=tuple(piece.sections),
        line_runs=tuple(runs),
    )


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    margin = min(indents, default=0)
    if margin == 0:
        return text
    return "\n".join(line[margin:] for line in lines)


def _unique_ids(chunks: list[Chunk]) -> list[Chunk]:
    """Give every chunk its id; exact duplicates (same source, path, text) get numbered ids in
    file order, so ids stay unique and still do not depend on unrelated edits."""
    seen: dict[str, int] = {}
    result: list[Chunk] = []
    for chunk in chunks:
        base = chunk_id(chunk.source, chunk.path, chunk.text)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        if occurrence:
            base = chunk_id(chunk.source, chunk.path, chunk.text, occurrence)
        result.append(replace(chunk, id=base))
    return result
