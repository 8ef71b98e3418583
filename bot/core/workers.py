"""The worker processes that do the notes' CPU-bound work (index builds, question banks, reading
uploads), so that it never holds the bot process's GIL while other chats wait for replies; each
worker is warmed up as it starts, and yields the CPU to the bot's own process."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

from index.quiz import build_question_bank
from index.store import ensure_index, load_index_chunks

log = logging.getLogger(__name__)

WORKER_PROCESSES = 2  # index and question builds at once, each in its own interpreter

T = TypeVar("T")
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _workers() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("spawn")  # never fork a threaded process
            _pool = ProcessPoolExecutor(
                max_workers=WORKER_PROCESSES, mp_context=context, initializer=_background
            )
        return _pool


def in_worker_process(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in a worker process, so that CPU-bound Python (Whoosh, the quiz
    rules) never holds this process's GIL while other chats wait for replies; in this thread
    when no worker process can be had. Blocking: call it from a worker thread."""
    global _pool
    try:
        future = _workers().submit(function, *args)
    except (RuntimeError, OSError) as error:  # shutting down, or no process to be had
        log.warning("no worker process (%s): working in this one", error)
        return function(*args)
    try:
        return future.result()
    except BrokenProcessPool as error:
        log.warning("the worker process died (%s): working in this one", error)
        with _pool_lock:
            _pool = None
        return function(*args)


def start_workers() -> None:
    """Start the worker processes now (an interpreter each, warmed up as it starts: see
    ``_background``), so that no upload waits for one."""
    pool = _workers()
    for _ in range(WORKER_PROCESSES):  # a task with no idle worker to take it spawns one
        pool.submit(_ready)


def workers_ready(timeout: float = 120.0) -> int:
    """Block until every worker process is up and warmed up (or ``timeout`` seconds passed);
    how many are."""
    pool = _workers()
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while len(seen) < WORKER_PROCESSES and time.monotonic() < deadline:
        done, _ = wait(
            [pool.submit(_ready) for _ in range(WORKER_PROCESSES)],
            timeout=max(0.0, deadline - time.monotonic()),
        )
        seen.update(future.result() for future in done)
    return len(seen)


def _background() -> None:
    """In each worker, once as it starts: yield the CPU to the bot's own process (replies come
    first), then index a small note and make its questions, so that every import, compiled
    pattern and table the first upload needs is ready before it arrives (a cold worker took
    three times as long over its first 200 KB note)."""
    with contextlib.suppress(OSError):
        os.nice(5)
    try:
        with tempfile.TemporaryDirectory(prefix="studybot-warm-up-") as folder:
            notes, index_dir = Path(folder) / "notes", Path(folder) / "index"
            notes.mkdir()
            (notes / "warm-up.md").write_text(_WARM_UP_NOTE, encoding="utf-8")
            ensure_index(notes, index_dir)
            build_question_bank(load_index_chunks(index_dir))
    except Exception:  # a worker that could not warm up still works, only slower at first
        log.warning("a worker process could not warm up", exc_info=True)


_WARM_UP_NOTE = """---
title: Warm-up
tags: [warm-up]
---
# Warm-up

## Definitions
- **Latency**: the time one request takes, e.g. 20 ms.
- **Throughput**: how many requests are served per second (RPS).

## Pasos
1. Leer el fichero de 2 KB.
2. Construir el índice en 3 s como máximo.

| term | meaning |
| --- | --- |
| cache | a copy kept close at hand |
"""


def _ready() -> int:
    """This worker's process id, a moment later (so that one worker can't answer for all)."""
    time.sleep(0.05)
    return os.getpid()
