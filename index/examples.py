"""Example queries drawn from the notes themselves, for greetings and "nothing found" hints:
short section titles, spread across files, in the reader's language when the notes have it.
Nothing here knows what the notes are about, so biology notes get biology examples."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.model import Chunk

MAX_CHARS = 32
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NOISY = re.compile(r"[\[\]{}<>$|#*=`\\/]|\d{3,}")
# section names any subject's notes use, which make poor examples
_GENERIC_WORDS = (
    "example examples notation notes introduction intro summary overview conclusion "
    "index definition definitions exercise exercises references links related todo "
    "profile misc ejemplo ejemplos notación notas introducción resumen conclusión índice "
    "definición definiciones ejercicio ejercicios referencias enlaces"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())


def _usable(title: str) -> bool:
    words = _WORD.findall(title)
    return (
        2 <= len(words) <= 4
        and title.casefold() not in _GENERIC
        and 3 <= len(title) <= MAX_CHARS
        and not _NOISY.search(title)
        and sum(len(w) for w in words) >= len(title) * 0.6
    )


def example_queries(chunks: Sequence[Chunk], lang: str, count: int = 3) -> list[str]:
    """Up to ``count`` short section titles, one per file first, in ``lang`` when possible.
    Deterministic for the same chunks."""
    seen: set[str] = set()
    preferred: list[Chunk] = [c for c in chunks if c.lang == lang] or list(chunks)
    by_source: dict[str, list[str]] = {}
    for chunk in preferred:
        title = " ".join(chunk.title.split())
        key = title.casefold()
        if key in seen or not _usable(title):
            continue
        seen.add(key)
        by_source.setdefault(chunk.source, []).append(title)
    picked: list[str] = []
    sources = sorted(by_source)
    # the middle of each file first: its opening titles are often "Introduction"-like
    queues = [
        titles[len(titles) // 2 :] + titles[: len(titles) // 2]
        for titles in (by_source[s] for s in sources)
    ]
    while len(picked) < count and any(queues):
        for queue in queues:
            if queue and len(picked) < count:
                picked.append(queue.pop(0))
    if not picked:  # no title fits: any short one will do
        picked = [c.title for c in preferred if 0 < len(c.title) <= MAX_CHARS][:count]
    return picked
