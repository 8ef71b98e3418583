"""Searching the notes: user text → terms (stop words out, typos fixed, acronyms expanded) → hits.

User text never reaches Whoosh's query language: it is analysed like the notes into concepts, each
a disjunction of terms over heading and body fields (exact and EN+ES stemmed). Passages are scored
with BM25F over the Whoosh index's postings (held in memory, see ``index.postings``) and then
re-ranked by how many of the query's concepts they cover.
"""

from __future__ import annotations

import heapq
import json
import logging
import threading
import time
from array import array
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import FileStorage, RamStorage

from index.acronyms import SKIPPABLE
from index.analysis import QUERY_STOP_WORDS, iter_words, stems
from index.chunk_records import ChunkRecords
from index.cognates import PackedCognates, cognates_of
from index.glossary import translations
from index.model import Chunk, Hit, SearchResult
from index.packed import read_cognates, read_packed
from index.postings import EAGER_LIMIT, FIELDS, PostingsTable
from index.search_cache import SearchCache
from index.snippet import snippet_of
from index.spelling import SpellingCorrector
from index.store import current_generation

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 1000
MAX_CONCEPTS = 16
MAX_LIMIT = 50
# What a searcher's caches (``index.search_cache``) may hold, in estimated bytes; an open
# notebook is budgeted this much for them (``bot.core.notebook_cache.index_footprint``).
CACHE_BYTES = 1024 * 1024
_REFRESH_EVERY = 1.0  # seconds between checks of the CURRENT pointer

# Field weights: headings above the body, exact forms above stems.
W_HEAD, W_HEAD_STEM, W_BODY, W_BODY_STEM = 2.0, 1.5, 1.0, 0.8
W_EXTRA = 0.5  # camel-case pieces and number/unit splits of a word
W_ACRONYM = 0.9  # the other side of an acronym ⇄ expansion pair
W_TRANSLATION = 0.6  # the glossary's word in the other language
W_COMPLETION = 0.8  # a vocabulary word that starts with the half-typed last word
W_CONTINUATION = 0.5  # the heading of a long section, in its later pieces, for heading queries
COVERAGE_FLOOR = 0.1  # score multiplier for a passage that covers none of the concepts (never 0)


TermWeights = dict[tuple[str, str], float]  # (field, term) → boost


@dataclass(frozen=True, slots=True)
class Word:
    """One query word after analysis and spelling correction."""

    main: str  # the (corrected) word
    extras: list[str]  # stacked pieces: camel-case parts, joined compound, number/unit
    literals: list[str]  # written forms to match exactly: the word, and the typed one if corrected
    completions: list[str] = field(default_factory=list)  # for a half-typed last word


@dataclass
class Concept:
    """One thing the user asked about: a word (and its variants) or an acronym ⇄ expansion pair."""

    label: str
    tokens: set[str] = field(default_factory=set)  # exact tokens (for highlighting)
    stems: set[str] = field(default_factory=set)  # stems (for highlighting)
    groups: list[list[set[str]]] = field(default_factory=list)  # expansions: stems of each word
    terms: TermWeights = field(default_factory=dict)  # any of these matches the concept
    group_terms: list[tuple[float, list[TermWeights]]] = field(default_factory=list)  # all words

    def highlight_keys(self) -> set[str]:
        """Tokens and stems whose words are shown in bold."""
        keys = self.tokens | self.stems
        for group in self.groups:
            for word in group:
                keys |= word
        return keys


@dataclass
class _Snapshot:
    """One loaded generation: postings from its Whoosh index and everything derived from it."""

    generation: str
    records: ChunkRecords  # the chunks, decoded when asked for
    by_docnum: array  # docnum → position in ``records`` (-1: none)
    continuation: frozenset[int]  # docnums of the later pieces of a long section
    postings: PostingsTable | None
    acronyms: dict[str, list[str]]
    expansions: dict[str, list[tuple[tuple[str, ...], str]]]  # first word's stem → (words, acronym)
    vocabulary: Container[str]
    speller: SpellingCorrector
    # root → its "lang:word" entries, one per line
    cognates: PackedCognates = field(default_factory=lambda: PackedCognates({}))

    @classmethod
    def empty(cls) -> _Snapshot:
        speller = SpellingCorrector({})
        return cls("", ChunkRecords(b"[]"), array("i"), frozenset(), None, {}, {}, speller, speller)


def _load_snapshot(generation: Path, eager: bool = True) -> _Snapshot:
    records = ChunkRecords.read(generation / "chunks.json")
    packed = read_packed(generation)
    if packed is not None:
        # Arrays written at build time: copied in, no walk of Whoosh's structures in Python.
        by_docnum, postings = array("i", packed.chunk_of_doc), packed.postings()
    else:
        by_docnum, postings = _from_whoosh(generation, records, eager)
    acronyms = json.loads((generation / "acronyms.json").read_text("utf-8"))
    cognates = packed.cognates if packed is not None else read_cognates(generation)
    continuations = set(records.continuations())
    # The speller's words are the exact fields' terms, in the postings' own sorted list.
    speller = SpellingCorrector.from_counts(*postings.term_counts(("body", "head")))
    expansions: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for acronym, forms in acronyms.items():
        for form in forms:
            key = tuple(w for w in _main_words(form) if w not in SKIPPABLE)
            if len(key) >= 2:
                for stem in stems(key[0]):
                    expansions.setdefault(stem, []).append((key, acronym))
    return _Snapshot(
        generation=generation.name,
        records=records,
        by_docnum=by_docnum,
        continuation=frozenset(d for d, p in enumerate(by_docnum) if p in continuations),
        postings=postings,
        acronyms=acronyms,
        expansions=expansions,
        vocabulary=speller,
        speller=speller,
        cognates=cognates,
    )


def _from_whoosh(
    generation: Path, records: ChunkRecords, eager: bool
) -> tuple[array, PostingsTable]:
    """Document → chunk position and the postings, from the Whoosh index (a generation without
    a usable packed file): a second or more of Python on a big notebook."""
    stats = json.loads((generation / "stats.json").read_text("utf-8"))
    eager = eager and int(stats.get("chunks", 0)) <= EAGER_LIMIT
    storage: FileStorage | RamStorage
    if eager:
        # Every posting list is read now and the reader closed: the files are only read here.
        storage = FileStorage(str(generation), readonly=True)
    else:
        # Read on demand for as long as the searcher lives, so a copy of its own: a later build
        # may delete this generation's folder.
        storage = RamStorage()
        for path in generation.iterdir():
            if path.is_file() and not path.name.endswith((".json", ".bin")):
                storage.files[path.name] = path.read_bytes()
    ix = storage.open_index()
    reader = ix.reader()  # stays open only where posting lists are read on demand
    by_docnum = array("i", [-1]) * reader.doc_count_all()
    for docnum, stored in reader.iter_docs():
        position = records.position(stored["id"])
        by_docnum[docnum] = -1 if position is None else position
    postings = PostingsTable(reader, FIELDS)
    if eager:
        # The notes' size: read everything now (well under a second) and close the reader, so
        # no query pays for a first read; bigger corpora read posting lists on demand.
        postings.warm()
    return by_docnum, postings


def _main_words(text: str) -> list[str]:
    return [tokens[0] for _, tokens, _, _ in iter_words(text)]


def _field_terms(
    postings: PostingsTable,
    exact: Iterable[tuple[str, float]],
    stemmed: Iterable[tuple[str, float]],
) -> TermWeights:
    """(field, term) → boost over the four fields, leaving out terms a field does not contain."""
    weights: TermWeights = {}
    for token, weight in exact:
        for name, field_weight in (("head", W_HEAD), ("body", W_BODY)):
            if postings.has(name, token):
                key = (name, token)
                weights[key] = max(weights.get(key, 0.0), field_weight * weight)
    for stem, weight in stemmed:
        for name, field_weight in (("head_stem", W_HEAD_STEM), ("body_stem", W_BODY_STEM)):
            if postings.has(name, stem):
                key = (name, stem)
                weights[key] = max(weights.get(key, 0.0), field_weight * weight)
    return weights


def _group_terms(
    postings: PostingsTable, words: list[str]
) -> tuple[list[TermWeights], list[set[str]]]:
    """Per word of an expansion, its stem terms; empty when some word is not in the index."""
    stem_sets = [set(stems(w)) for w in words]
    members = [_field_terms(postings, [], [(s, 1.0) for s in sorted(g)]) for g in stem_sets]
    if not all(members):
        return [], stem_sets
    return members, stem_sets


_HEAD_FIELDS = frozenset({"head", "head_stem"})


def _accumulate(
    postings: PostingsTable, terms: TermWeights, heads: dict[int, float] | None = None
) -> dict[int, float]:
    """Per document: the best-weighted variant in each field, summed over fields.

    Variants of one word (its exact form, English and Spanish stems, translations) are
    alternatives, so a passage that has several of them does not count the word twice.
    ``heads``, when given, receives each document's part of the score from its heading fields.
    """
    by_field: dict[str, dict[int, float]] = {}
    for (name, term), boost in terms.items():
        plist = postings.get(name, term)
        if plist is None:
            continue
        best = by_field.setdefault(name, {})
        for docnum, weight in zip(plist.docnums, plist.weights, strict=True):
            value = boost * weight
            if value > best.get(docnum, 0.0):
                best[docnum] = value
    scores: dict[int, float] = {}
    for name, best in by_field.items():
        for docnum, value in best.items():
            scores[docnum] = scores.get(docnum, 0.0) + value
        if heads is not None and name in _HEAD_FIELDS:
            for docnum, value in best.items():
                heads[docnum] = heads.get(docnum, 0.0) + value
    return scores


def score_concepts(
    postings: PostingsTable, concepts: list[Concept], continuation: frozenset[int] = frozenset()
) -> dict[int, tuple[float, int]]:
    """docnum → (BM25F score summed over concepts, number of concepts matched).

    A query whose every matched word is in a passage's heading asks for that heading; in the
    later pieces of a long section (``continuation``) the heading then counts
    ``W_CONTINUATION``, so the section's first piece answers it.
    """
    scores: dict[int, float] = {}
    covered: dict[int, int] = {}
    head_scores: dict[int, float] = {}  # heading part of the score, continuation pieces only
    head_covered: dict[int, int] = {}  # concepts matched in their heading
    for concept in concepts:
        heads: dict[int, float] = {}
        concept_scores = _accumulate(postings, concept.terms, heads)
        for boost, members in concept.group_terms:
            member_heads: list[dict[int, float]] = [{} for _ in members]
            member_scores = [
                _accumulate(postings, member, found)
                for member, found in zip(members, member_heads, strict=True)
            ]
            common = set(member_scores[0]).intersection(*member_scores[1:])
            for docnum in common:
                total = boost * sum(m[docnum] for m in member_scores)
                concept_scores[docnum] = concept_scores.get(docnum, 0.0) + total
                head = boost * sum(m.get(docnum, 0.0) for m in member_heads)
                if head:
                    heads[docnum] = heads.get(docnum, 0.0) + head
        for docnum, value in concept_scores.items():
            scores[docnum] = scores.get(docnum, 0.0) + value
            covered[docnum] = covered.get(docnum, 0) + 1
            if docnum in continuation and docnum in heads:
                head_scores[docnum] = head_scores.get(docnum, 0.0) + heads[docnum]
                head_covered[docnum] = head_covered.get(docnum, 0) + 1
    for docnum, head in head_scores.items():
        if head_covered[docnum] == covered[docnum]:
            scores[docnum] -= (1 - W_CONTINUATION) * head
    return {docnum: (scores[docnum], covered[docnum]) for docnum in scores}


class Searcher:
    """A long-lived, thread-safe searcher over the live index generation."""

    def __init__(
        self, index_dir: Path, *, eager: bool = True, cache_bytes: int = CACHE_BYTES
    ) -> None:
        self.index_dir = Path(index_dir)
        self._eager = eager  # False: posting lists and snippets read on first use, whatever size
        self._lock = threading.RLock()
        self._refresh_lock = threading.Lock()
        self._snapshot = _Snapshot.empty()
        self._cache = SearchCache(cache_bytes)
        self._checked_at = 0.0
        self.refresh()

    # -- generations ---------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Load the live generation if it changed; True when a new one was loaded.

        Searches keep using the previous generation (held in memory) until the new one is
        loaded; a generation that cannot be loaded is logged and the previous one kept.
        """
        with self._refresh_lock:
            return self._refresh()

    def _refresh(self) -> bool:
        self._checked_at = time.monotonic()
        for _ in range(3):  # the generation may be replaced while we read it
            generation = current_generation(self.index_dir)
            if generation is None or generation.name == self._snapshot.generation:
                return False
            try:
                snapshot = _load_snapshot(generation, self._eager)
            except Exception as error:  # noqa: BLE001 - keep serving the old generation
                log.warning("could not load index generation %s: %s", generation, error)
                continue
            with self._lock:
                self._snapshot = snapshot
                self._cache.clear()  # a search still on the old one may add to it: harmless
            return True
        return False

    def _maybe_refresh(self) -> None:
        """At most once a second, look for a new generation (one thread at a time)."""
        if time.monotonic() - self._checked_at < _REFRESH_EVERY:
            return
        if self._refresh_lock.acquire(blocking=False):
            try:
                self._refresh()
            finally:
                self._refresh_lock.release()

    @property
    def generation(self) -> str:
        return self._snapshot.generation

    def cache_bytes(self) -> int:
        """The estimated memory its caches hold now (at most the ``cache_bytes`` it was given)."""
        return self._cache.held

    # -- lookups -------------------------------------------------------------------------------

    def chunk(self, chunk_id: str) -> Chunk | None:
        self._maybe_refresh()
        return self._snapshot.records.by_id(chunk_id)

    def chunks(self) -> list[Chunk]:
        self._maybe_refresh()
        return self._snapshot.records.all()

    # -- search --------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 5) -> SearchResult:
        """Ranked passages for any user text; never raises (logs and returns no hits instead)."""
        text = query if isinstance(query, str) else str(query)
        try:
            self._maybe_refresh()
            snapshot = self._snapshot
            limit = max(0, min(int(limit), MAX_LIMIT))
            key = (snapshot.generation, text, limit)
            cached = self._cache.result(key)  # new objects: callers may change what they get
            if cached is not None:
                return cached
            result = self._search(snapshot, text, limit)
            self._cache.keep_result(key, result)
            return result
        except Exception:  # a search must never take the bot down
            log.exception("search failed for %r", text[:200])
            return SearchResult(query=text)

    def _search(self, snapshot: _Snapshot, text: str, limit: int) -> SearchResult:
        if snapshot.postings is None or limit == 0:
            return SearchResult(query=text)
        concepts, suggestion = self.analyse(snapshot, text)
        if not concepts:
            return SearchResult(query=text, suggestion=suggestion)
        total = len(concepts)
        ranked: list[tuple[float, int]] = []
        for docnum, (score, covered) in score_concepts(
            snapshot.postings, concepts, snapshot.continuation
        ).items():
            coverage = covered / total
            final = score * (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage * coverage)
            ranked.append((final, docnum))
        best = heapq.nsmallest(limit, ranked, key=lambda item: (-item[0], item[1]))
        hits: list[Hit] = []
        highlight = [c.highlight_keys() for c in concepts]
        for final, docnum in best:
            position = snapshot.by_docnum[docnum]
            if position < 0:
                continue
            chunk = snapshot.records.chunk(position)
            snippet = snippet_of(self._cache.prepared(chunk), highlight)
            hits.append(
                Hit(len(hits) + 1, final, chunk, snippet.html, _path_at(chunk, snippet.focus))
            )
        return SearchResult(query=text, hits=hits, suggestion=suggestion)

    # -- query analysis ------------------------------------------------------------------------

    def analyse(self, snapshot: _Snapshot, text: str) -> tuple[list[Concept], str | None]:
        """Turn user text into concepts, correcting unknown words; also the "did you mean" text."""
        text = text[:MAX_QUERY_CHARS]
        positions = list(iter_words(text))
        keep = [p for p in positions if p[1][0] not in QUERY_STOP_WORDS]
        if not keep:
            keep = positions
        corrections: list[tuple[int, int, str]] = []  # (start, end, replacement) in the text
        words: list[Word] = []
        seen: set[str] = set()
        for _, tokens, start, end in keep:
            main, extras, literals = tokens[0], list(tokens[1:]), [tokens[0]]
            completions: list[str] = []
            if end == len(text) and main not in snapshot.vocabulary:
                # The word still being typed (inline queries arrive letter by letter); its
                # stems still count too.
                completions = snapshot.speller.completions(main)
            fixed = None if completions else self._correction(snapshot, tokens)
            if fixed is not None:
                corrections.append((start, end, fixed))
                # Keep the typed word as a variant: the notes have typos too.
                main, extras, literals = fixed, [], [fixed, main]
            if main in seen:
                continue
            seen.add(main)
            words.append(Word(main, extras, literals, completions))
            if len(words) >= MAX_CONCEPTS:
                break
        suggestion = _apply_corrections(text, corrections) if corrections else None
        return self._concepts(snapshot, words), suggestion

    @staticmethod
    def _correction(snapshot: _Snapshot, tokens: Sequence[str]) -> str | None:
        """The word the user probably meant, when ``tokens`` look misspelt; else None.

        An unknown word gets its closest vocabulary word unless that is just another form of it
        ("lambdas" → "lambda" is not a typo; stems already match those). A known but very rare
        word gets a far more common neighbour ("permision" → "permission").
        """
        main = tokens[0]
        if not main.isalpha() or len(tokens) > 1:
            return None
        speller = snapshot.speller
        if main in snapshot.vocabulary:
            fixed = speller.more_common_spelling(main)
        else:
            fixed = speller.correct(main)
        if fixed is None or _variants(fixed, main):
            return None
        return fixed

    @staticmethod
    def _concepts(snapshot: _Snapshot, words: list[Word]) -> list[Concept]:
        postings = snapshot.postings
        assert postings is not None
        mains = [word.main for word in words]
        concepts: list[Concept] = []
        i = 0
        while i < len(words):
            span = _expansion_at(snapshot, mains, i)
            if span is not None:
                length, acronym = span
                span_words = mains[i : i + length]
                concept = Concept(label=" ".join(span_words), tokens={acronym})
                members, stem_sets = _group_terms(postings, span_words)
                concept.groups.append(stem_sets)
                concept.terms = _field_terms(postings, [(acronym, W_ACRONYM)], [])
                if members:
                    concept.group_terms.append((1.0, members))
                concepts.append(concept)
                i += length
                continue
            main, extras, literals = words[i].main, words[i].extras, words[i].literals
            main_stems = set(stems(main))
            concept = Concept(label=main, tokens={*literals, *extras}, stems=main_stems)
            # Exact fields hold the words as written; stacked pieces live in the stemmed fields.
            exact = [(literal, 1.0) for literal in literals]
            stemmed = [(s, 1.0) for s in sorted(main_stems)]
            for completion in words[i].completions:
                exact.append((completion, W_COMPLETION))
                stemmed.extend((s, W_COMPLETION) for s in stems(completion))
                concept.tokens.add(completion)
            for extra in extras:
                weight = W_EXTRA if len(extra) < len(main) else 1.0
                stemmed.extend((s, weight) for s in stems(extra))
            others = set(translations(main))
            others.update(w for w in cognates_of(main, snapshot.cognates) if w not in others)
            for other in sorted(others):
                exact.append((other, W_TRANSLATION))
                stemmed.extend((s, W_TRANSLATION) for s in stems(other))
                concept.tokens.add(other)
                concept.stems.update(stems(other))
            concept.terms = _field_terms(postings, exact, stemmed)
            for expansion in snapshot.acronyms.get(main, [])[:2]:
                expansion_words = [w for w in _main_words(expansion) if w not in SKIPPABLE]
                if len(expansion_words) >= 2:
                    members, stem_sets = _group_terms(postings, expansion_words)
                    concept.groups.append(stem_sets)
                    if members:
                        concept.group_terms.append((W_ACRONYM, members))
            concepts.append(concept)
            i += 1
        return concepts


def _expansion_at(snapshot: _Snapshot, mains: list[str], start: int) -> tuple[int, str] | None:
    """(length, acronym) when the query words from ``start`` spell a known expansion."""
    candidates = [c for stem in stems(mains[start]) for c in snapshot.expansions.get(stem, ())]
    for key, acronym in sorted(candidates, key=lambda c: -len(c[0])):
        length = len(key)
        if start + length > len(mains):
            continue
        window = mains[start : start + length]
        if all(set(stems(q)) & set(stems(k)) for q, k in zip(window, key, strict=True)):
            return length, acronym
    return None


def _variants(one: str, other: str) -> bool:
    """True when two words look like forms of one word ("deliver", "delivery"), not a typo."""
    if one.startswith(other) or other.startswith(one):
        return True
    return bool(set(stems(one)) & set(stems(other)))


def _apply_corrections(text: str, corrections: list[tuple[int, int, str]]) -> str:
    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in sorted(corrections):
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    return " ".join("".join(pieces).split())


def open_searcher(
    index_dir: Path, *, eager: bool = True, cache_bytes: int = CACHE_BYTES
) -> Searcher:
    """A searcher over the index in ``index_dir`` (empty until an index exists there);
    ``eager=False`` opens faster, each posting list and snippet read when first needed;
    ``cache_bytes``: what its caches may hold (estimated)."""
    return Searcher(Path(index_dir), eager=eager, cache_bytes=cache_bytes)


def _path_at(chunk: Chunk, offset: int) -> tuple[str, ...]:
    """The heading path over character ``offset`` of the chunk's text, when it is not the
    chunk's own (a small section merged into it); empty otherwise."""
    if not chunk.sections:
        return ()
    path = chunk.path_at(chunk.source_line(chunk.text.count("\n", 0, offset)))
    return path if path != chunk.path else ()
