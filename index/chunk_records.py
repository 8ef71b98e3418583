"""An opened generation's chunk records, kept as the encoded lines of its ``chunks.json`` and
decoded only when a passage is asked for (the few hits shown), so a notebook holds its text once,
as UTF-8, instead of a Python object per field of every chunk.
"""

from __future__ import annotations

import json
import weakref
from array import array

from index.model import Chunk
from index.store import chunk_from_json, chunk_to_json


class ChunkRecords:
    """Chunks by position in ``chunks.json`` and by id, decoded on demand.

    ``store._write_generation`` writes one record per line (``[``, the records separated by
    ``,`` at the end of a line, ``]``); a file laid out otherwise is re-encoded that way.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._bounds = array("I")  # start, end of each record in ``_data``
        self._positions: dict[str, int] = {}  # chunk id → position
        self._continuations: list[int] = []  # positions of the later pieces of a long section
        # decoded chunks still referenced somewhere (a hit, a cached result) are handed out again
        self._decoded: weakref.WeakValueDictionary[int, Chunk] = weakref.WeakValueDictionary()
        try:
            self._index_lines()
        except ValueError:
            self._reencode(json.loads(data))

    def _index_lines(self) -> None:
        data = self._data
        if not data.startswith(b"[\n") and data.strip() != b"[]":
            raise ValueError("not one record per line")
        at = data.find(b"\n") + 1
        while (end := data.find(b"\n", at)) != -1:
            stop = end - 1 if data[end - 1 : end] == b"," else end
            # Read once for its id: each decoded record is freed before the next one.
            self._add(json.loads(data[at:stop]), at, stop)
            at = end + 1

    def _reencode(self, records: list[dict]) -> None:
        self._bounds = array("I")
        self._positions.clear()
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
        self._positions[record["id"]] = position
        if int(record.get("part", 0)):
            self._continuations.append(position)

    def __len__(self) -> int:
        return len(self._bounds) // 2

    def position(self, chunk_id: str) -> int | None:
        return self._positions.get(chunk_id)

    def continuations(self) -> list[int]:
        """Positions of the chunks that are a later piece of a long section (part > 0)."""
        return list(self._continuations)

    def chunk(self, position: int) -> Chunk:
        chunk = self._decoded.get(position)
        if chunk is None:
            start, stop = self._bounds[2 * position], self._bounds[2 * position + 1]
            chunk = chunk_from_json(json.loads(self._data[start:stop]))
            self._decoded[position] = chunk
        return chunk

    def by_id(self, chunk_id: str) -> Chunk | None:
        position = self._positions.get(chunk_id)
        return None if position is None else self.chunk(position)

    def all(self) -> list[Chunk]:
        return [self.chunk(position) for position in range(len(self))]
