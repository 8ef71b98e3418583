"""An opened generation's chunk records, kept as the encoded lines of its ``chunks.json``,
compressed in blocks of a few records, and decoded only when a passage is asked for (the few hits
shown): a notebook holds its text once, compressed, instead of a Python object per field of
every chunk. (JSON is bigger than the notes; zlib brings it to well under their size, and a
block of ``BLOCK`` bytes inflates in some tens of microseconds.)
"""

from __future__ import annotations

import bisect
import json
import mmap
import os
import weakref
import zlib
from array import array
from pathlib import Path

from index.model import Chunk
from index.sorted_terms import SortedTerms, join
from index.store import chunk_from_json, chunk_to_json

BLOCK = 8192  # bytes of records compressed together (a block ends at the record that fills it)


class ChunkRecords:
    """Chunks by position in ``chunks.json`` and by id, decoded on demand.

    ``store._write_generation`` writes one record per line (``[``, the records separated by
    ``,`` at the end of a line, ``]``); a file laid out otherwise is re-encoded that way.
    """

    def __init__(self, data: bytes | mmap.mmap) -> None:
        """Over ``data``, the file's bytes (or a map of them: only the compressed blocks are
        kept, so the file need not be read into memory whole)."""
        self._data: bytes | mmap.mmap = data
        self._bounds = array("I")  # start, end of each record in ``_data``
        self._ids: list[str] = []  # while reading: each record's chunk id
        self._continuations: list[int] = []  # positions of the later pieces of a long section
        # decoded chunks still referenced somewhere (a hit, a cached result) are handed out again
        self._decoded: weakref.WeakValueDictionary[int, Chunk] = weakref.WeakValueDictionary()
        try:
            self._index_lines()
        except ValueError:
            self._reencode(json.loads(data[:]))
        self._compress()
        self._index_ids()

    def _index_ids(self) -> None:
        """Chunk ids sorted in one blob, with the position of each: a dict of id strings cost
        some 100 bytes a chunk. (A repeated id finds its last record, as a dict would.)"""
        ids = self._ids
        order = sorted(range(len(ids)), key=lambda at: (ids[at], -at))
        kept = [at for i, at in enumerate(order) if i == 0 or ids[at] != ids[order[i - 1]]]
        self._ids_sorted = SortedTerms(join([ids[at] for at in kept]))
        self._id_positions = array("I", kept)
        del self._ids

    @classmethod
    def read(cls, path: Path) -> ChunkRecords:
        """The records of the file at ``path``, mapped rather than read: a heap buffer the size
        of the file, freed right after, would leave about that much of the heap resident."""
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return cls(b"")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return cls(mapped)

    def _compress(self) -> None:
        data, bounds = self._data, self._bounds
        self._block_first = array("I")  # position of each block's first record
        self._block_start = array("I")  # where each block starts in ``_data``
        self._block_at = array("I", [0])  # where each block starts in ``_blocks``, and the end
        pieces: list[bytes] = []
        position = 0
        while position < len(self):
            first, start = position, bounds[2 * position]
            while position < len(self) and bounds[2 * position] - start < BLOCK:
                position += 1
            pieces.append(zlib.compress(data[start : bounds[2 * position - 1]]))
            self._block_first.append(first)
            self._block_start.append(start)
            self._block_at.append(self._block_at[-1] + len(pieces[-1]))
        self._blocks = b"".join(pieces)
        self._last: tuple[int, bytes] = (-1, b"")  # the block inflated last (``all`` reads on)
        del self._data

    def _index_lines(self) -> None:
        data = self._data
        if data[:2] != b"[\n" and data[:].strip() != b"[]":
            raise ValueError("not one record per line")
        at = data.find(b"\n") + 1
        while (end := data.find(b"\n", at)) != -1:
            stop = end - 1 if data[end - 1 : end] == b"," else end
            # Read once for its id: each decoded record is freed before the next one.
            self._add(json.loads(data[at:stop]), at, stop)
            at = end + 1

    def _reencode(self, records: list[dict]) -> None:
        self._bounds = array("I")
        self._ids.clear()
        self._continuations.clear()
        lines = [json.dumps(chunk_to_json(chunk_from_json(r)), ensure_ascii=False) for r in records]
        encoded = [line.encode("utf-8") for line in lines]
        self._data = b"\n".join(encoded)
        at = 0
        for record, line in zip(records, encoded, strict=True):
            self._add(record, at, at + len(line))
            at += len(line) + 1

    def _add(self, record: dict, start: int, stop: int) -> None:
        position = len(self._bounds) // 2
        self._bounds.extend((start, stop))
        self._ids.append(str(record["id"]))
        if int(record.get("part", 0)):
            self._continuations.append(position)

    def __len__(self) -> int:
        return len(self._bounds) // 2

    def position(self, chunk_id: str) -> int | None:
        at = self._ids_sorted.find(chunk_id)
        return None if at is None else self._id_positions[at]

    def continuations(self) -> list[int]:
        """Positions of the chunks that are a later piece of a long section (part > 0)."""
        return list(self._continuations)

    def chunk(self, position: int) -> Chunk:
        chunk = self._decoded.get(position)
        if chunk is None:
            if not 0 <= position < len(self):
                raise IndexError(position)
            block = bisect.bisect_right(self._block_first, position) - 1
            last_block, raw = self._last
            if last_block != block:
                at, end = self._block_at[block], self._block_at[block + 1]
                raw = zlib.decompress(self._blocks[at:end])
                self._last = (block, raw)
            offset = self._block_start[block]
            start, stop = self._bounds[2 * position], self._bounds[2 * position + 1]
            chunk = chunk_from_json(json.loads(raw[start - offset : stop - offset]))
            self._decoded[position] = chunk
        return chunk

    def by_id(self, chunk_id: str) -> Chunk | None:
        position = self.position(chunk_id)
        return None if position is None else self.chunk(position)

    def all(self) -> list[Chunk]:
        return [self.chunk(position) for position in range(len(self))]
