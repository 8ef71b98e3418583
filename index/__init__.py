"""Notes → chunks → Whoosh index → search, and what is derived from the notes (quiz items).

Public surface (nothing outside this package imports Whoosh):

- ``load_chunks(corpus_dir) -> list[Chunk]``: parse every note file into chunks.
- ``ensure_index(corpus_dir, data_dir, *, rebuild=False, progress=None) -> IndexInfo``:
  build the index when missing or stale (manifest of content hashes); atomic swap.
- ``open_searcher(data_dir) -> Searcher``: a long-lived, thread-safe searcher;
  ``Searcher.search(query, limit=5) -> SearchResult`` never raises on any string;
  ``Searcher.chunk(chunk_id) -> Chunk | None``; ``Searcher.chunks() -> list[Chunk]``.
"""

from index.model import Chunk, Hit, SearchResult

__all__ = ["Chunk", "Hit", "SearchResult"]
