"""A larger corpus made from the shipped notes: varied copies (headings renamed, sections shuffled,
numbers changed, synonyms swapped), with a map from every generated line back to its source line.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.corpus import discover_note_files, read_note_text

# A part starts at a top-level heading ("# ..."); within a part, a section starts at a deeper
# heading or after a separator line (----, ####, ****, ....).
_PART = re.compile(r"^#\s")
_HEADING = re.compile(r"^#{1,6}\s")
_SEPARATOR = re.compile(r"^\s*[-#*.=•]{5,}\s*$")
_DURATION = re.compile(r"\((\d{1,2}):(\d{2})\)\s*$")
_NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")
_HEADING_PREFIXES = ("Review:", "Recap -", "Notes:", "Deep dive:", "Revisión:", "Repaso -")

# Swaps that keep the notes readable; each copy applies a random subset, both directions.
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("instance", "server"),
    ("instances", "servers"),
    ("bucket", "container"),
    ("maximum", "max"),
    ("minimum", "min"),
    ("create", "make"),
    ("allows", "lets"),
    ("fast", "quick"),
    ("cost", "price"),
    ("region", "area"),
    ("using", "with"),
    ("supports", "handles"),
    ("datos", "información"),
    ("instancias", "máquinas"),
    ("rápido", "veloz"),
    ("crear", "generar"),
    ("permite", "deja"),
    ("cuenta", "account"),
)


@dataclass
class SyntheticCorpus:
    """Where the generated notes are and which source line each generated line came from."""

    root: Path
    files: list[Path] = field(default_factory=list)
    # generated file name -> (source file name, source line for each generated line, 1-based)
    origins: dict[str, tuple[str, list[int]]] = field(default_factory=dict)

    @property
    def size_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.files)

    def resolve(self, passage) -> list[tuple[str, list[int]]]:
        """The shipped-notes lines a passage of the generated corpus covers (for relevance)."""
        origin = self.origins.get(passage.source)
        if origin is None:
            return [(passage.source, list(range(passage.line_start, passage.line_end + 1)))]
        source, line_map = origin
        first = max(passage.line_start, 1)
        last = min(passage.line_end, len(line_map))
        return [(source, [line_map[n - 1] for n in range(first, last + 1)])]


def split_sections(lines: list[str], indexes: list[int] | None = None) -> list[list[int]]:
    """Line indexes (0-based) grouped into sections: a heading or separator starts a new one."""
    sections: list[list[int]] = [[]]
    for index in range(len(lines)) if indexes is None else indexes:
        line = lines[index]
        if (_HEADING.match(line) or _SEPARATOR.match(line)) and sections[-1]:
            sections.append([])
        sections[-1].append(index)
    return [section for section in sections if section]


def split_parts(lines: list[str]) -> list[list[int]]:
    """Line indexes grouped into parts, each starting at a top-level ``# `` heading."""
    parts: list[list[int]] = [[]]
    for index, line in enumerate(lines):
        if _PART.match(line) and parts[-1]:
            parts.append([])
        parts[-1].append(index)
    return [part for part in parts if part]


def vary_lines(lines: list[str], rng: random.Random) -> tuple[list[str], list[int]]:
    """One varied copy of a note's lines, and for each output line its 1-based source line.

    Parts are shuffled (the first stays first), and so are the sections inside each part (its
    opening section stays first), so lectures stay under their course section.
    """
    parts = split_parts(lines)
    rest = parts[1:]
    rng.shuffle(rest)
    order: list[int] = []
    for part in parts[:1] + rest:
        sections = split_sections(lines, part)
        tail = sections[1:]
        rng.shuffle(tail)
        order.extend(index for section in sections[:1] + tail for index in section)
    swaps = _pick_swaps(rng)
    number_rate = rng.uniform(0.15, 0.4)
    varied = [_vary_line(lines[index], rng, swaps, number_rate) for index in order]
    return varied, [index + 1 for index in order]


def generate_corpus(
    source_dir: Path, dest_dir: Path, *, factor: int = 50, seed: int = 0
) -> SyntheticCorpus:
    """Write ``factor`` copies of every note in ``source_dir`` to ``dest_dir``: the first copy
    unchanged (same file names), the others varied and named ``<stem>-vNN<suffix>``."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    dest_dir.mkdir(parents=True, exist_ok=True)
    corpus = SyntheticCorpus(root=dest_dir)
    for note in discover_note_files(source_dir):
        relative = note.relative_to(source_dir).as_posix()
        text = read_note_text(note)
        lines = text.splitlines()
        _write(corpus, dest_dir, relative, lines, list(range(1, len(lines) + 1)), relative)
        for copy in range(1, factor):
            rng = random.Random(f"{seed}:{relative}:{copy}")
            varied, line_map = vary_lines(lines, rng)
            stem, dot, suffix = relative.rpartition(".")
            name = f"{stem}-v{copy:02d}.{suffix}" if dot else f"{relative}-v{copy:02d}"
            _write(corpus, dest_dir, name, varied, line_map, relative)
    return corpus


def _write(
    corpus: SyntheticCorpus,
    dest_dir: Path,
    name: str,
    lines: list[str],
    line_map: list[int],
    source: str,
) -> None:
    path = dest_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus.files.append(path)
    corpus.origins[name] = (source, line_map)


def _pick_swaps(rng: random.Random) -> list[tuple[re.Pattern[str], str]]:
    swaps = []
    for word, other in SYNONYMS:
        if rng.random() < 0.5:
            source, target = (word, other) if rng.random() < 0.5 else (other, word)
            swaps.append((re.compile(rf"\b{re.escape(source)}\b", re.IGNORECASE), target))
    return swaps


def _vary_line(
    line: str,
    rng: random.Random,
    swaps: Iterable[tuple[re.Pattern[str], str]],
    number_rate: float,
) -> str:
    if _SEPARATOR.match(line):
        return rng.choice("-=*#") * rng.randint(5, 40)
    if _HEADING.match(line):
        line = _rename_heading(line, rng)
    for pattern, replacement in swaps:
        line = pattern.sub(lambda m, r=replacement: _same_case(m.group(0), r), line)

    def change(match: re.Match[str]) -> str:
        if rng.random() < number_rate:
            return str(int(match.group(0)) + rng.randint(1, 9))
        return match.group(0)

    return _NUMBER.sub(change, line)


def _rename_heading(line: str, rng: random.Random) -> str:
    marks, _, title = line.partition(" ")
    duration = f"({rng.randint(2, 25)}:{rng.randint(0, 59):02d})"
    title = _DURATION.sub(duration, title.strip())
    if rng.random() < 0.5:
        title = f"{rng.choice(_HEADING_PREFIXES)} {title}"
    return f"{marks} {title}"


def _same_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement
