"""Notes → chunks → Whoosh index → search, and what is derived from the notes (quiz items).

Public surface (nothing outside this package imports Whoosh; the modules are imported directly):

- ``index.chunker.load_chunks(corpus_dir) -> list[Chunk]``: parse every note file into chunks.
- ``index.store.ensure_index(corpus_dir, index_dir, *, rebuild=False, progress=False,
  limits=None, heal_in_background=False, on_repair=None) -> IndexInfo``: build the index in
  ``index_dir`` when missing, stale (note hashes, limits and a fingerprint of the indexing code)
  or broken (its files fail their checksums, ``index.integrity``), streaming the notes
  (``index.streaming``) into a new generation swapped in atomically; a broken one is set aside
  and the last good one serves (while a thread rebuilds, with ``heal_in_background``);
  ``on_repair(RepairEvent)`` hears of each repair; ``IndexInfo.describe()`` says what was found,
  built or repaired. ``index.corpus.NoteLimits`` bounds the bytes read per file and notebook.
- ``index.store.load_index_chunks(index_dir) -> list[Chunk]``: the live generation's chunks
  without re-parsing the notes (empty when there is no index).
- ``index.packed``: what a searcher loads when it opens a generation (packed posting lists and
  each document's passage), written with each generation by ``ensure_index`` and again when stale.
- ``index.search.open_searcher(index_dir) -> Searcher``: a long-lived, thread-safe searcher;
  ``Searcher.search(query, limit=5) -> SearchResult`` never raises on any string;
  ``Searcher.chunk(chunk_id) -> Chunk | None``; ``Searcher.chunks() -> list[Chunk]``;
  ``Searcher.refresh() -> bool`` loads a newer generation (also checked at most once a second).
- ``index.quiz.build_question_bank(chunks) -> list[QuizItem]`` and
  ``index.quiz.generate_quiz(chunks, count, seed) -> list[QuizItem]``: quiz items derived from
  the notes, deterministic for a seed.
"""

from index.model import Chunk, Hit, SearchResult

__all__ = ["Chunk", "Hit", "SearchResult"]
