"""A chat's library of notes: adding an upload (checked against the chat's limits, indexed in a
worker thread before anything is stored, then stored in one transaction), removing files,
listing them, and telling the registry which chats study their own notes."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace

from bot.core.inbox import take_notes_read
from bot.core.notebook_cache import (
    LazySearcher,
    build_index,
    is_laid_out,
    lay_out,
    notebook_id,
    notebook_root,
    notes_key,
)
from bot.core.notebooks import ChatNotes, Notebook
from bot.core.services import AppServices
from bot.core.workers import start_workers
from bot.db.notebook_files import (
    NotesRead,
    chats_with_notes,
    keeps_demo,
    note_contents,
    note_files,
    put_note_files,
    reading,
    remove_note_files,
    set_keep_demo,
    stored_notes,
)
from bot.features.notebooks.intake import Intake, Limits, NotAccepted
from bot.i18n import N_
from index.model import Chunk

log = logging.getLogger(__name__)

BANK_WAIT_SECONDS = 120.0
Indexing = Callable[[int], Awaitable[None]]  # told the number of files once indexing starts


@dataclass(frozen=True, slots=True)
class Built:
    """A chat's notebook after a change: what it now holds."""

    notebook: Notebook | None  # None: no notes of its own left (the demo again)
    notes: ChatNotes | None
    files: int
    passages: int
    questions: int
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileLine:
    """One file of ``/notes``: its path, size and the passages and questions made from it."""

    path: str
    size: int
    passages: int
    questions: int


def limits_of(services: AppServices) -> Limits:
    settings = services.settings
    return Limits(
        download_bytes=settings.max_download_bytes,
        notes_bytes=settings.max_notes_bytes,
        note_files=settings.max_note_files,
        zip_bytes=settings.max_zip_bytes,
        zip_members=settings.max_zip_members,
    )


async def _quiet(file_count: int) -> None:
    return None


async def add_notes(
    services: AppServices, chat_id: int, intake: Intake, on_indexing: Indexing = _quiet
) -> Built:
    """Add (or replace, path by path) ``intake``'s files to the chat's notes: the new notebook is
    built first, and only then are the files stored; a refusal or a failure leaves the chat's
    notes as they were."""
    limits = limits_of(services)
    async with services.db.session() as session:
        contents = await note_contents(session, chat_id)
        keep_demo = await keeps_demo(session, chat_id)
    merged = {**contents, **intake.files}
    if len(merged) > limits.note_files:
        raise NotAccepted(
            N_("That makes {count} files; a chat keeps at most {limit}. Remove some in /notes."),
            count=len(merged),
            limit=limits.note_files,
        )
    total = sum(len(content) for content in merged.values())
    if total > limits.notes_bytes:
        raise NotAccepted(
            N_("That makes {mb} MB of notes; a chat keeps {limit} MB at most. See /notes."),
            mb=f"{total / (1024 * 1024):.1f}",
            limit=f"{limits.notes_bytes / (1024 * 1024):g}",
        )
    await on_indexing(len(intake.files))
    built = await _build(services, chat_id, merged, keep_demo, assign=False)
    async with services.db.session() as session:
        await put_note_files(session, chat_id, intake.files.items())
    if built.notes is not None:
        services.notebooks.assign(chat_id, built.notes, built.notebook)
    if built.notebook is not None:
        built.notebook.start_bank()  # after the index: the chat can search while it builds
    return built


def _key(files: Mapping[str, bytes], keep_demo: bool) -> str:
    hashes = ((path, hashlib.sha256(data).hexdigest()) for path, data in files.items())
    return notes_key(hashes, keep_demo)


async def _build(
    services: AppServices,
    chat_id: int,
    files: Mapping[str, bytes],
    keep_demo: bool,
    *,
    assign: bool = True,
) -> Built:
    """Lay out and index ``files`` (off the event loop) and open the notebook. Its question bank
    is built after, in a worker thread, once the chat studies the notebook (``with_questions``
    waits for it): the notes are searchable before their questions are made."""
    if not files:
        services.notebooks.use_demo(chat_id)
        return Built(None, None, 0, 0, 0)
    key = _key(files, keep_demo)
    root = notebook_root(services.settings.notebooks_dir, chat_id, key)
    demo = services.settings.corpus_dir if keep_demo else None
    await asyncio.to_thread(lay_out, root, dict(files), demo)
    options = services.notebooks.index_options
    searcher = await asyncio.to_thread(build_index, root, options)
    notes = ChatNotes(notebook_id(chat_id, key), root)
    lazy = await asyncio.to_thread(LazySearcher, root, searcher, options)  # sizes its index
    notebook = Notebook(notes.notebook_id, lazy, make_bank=lazy.build_bank)
    chunks = searcher.chunks()  # held in memory already: no need for a thread
    if assign:
        services.notebooks.assign(chat_id, notes, notebook)
        notebook.start_bank()
    return Built(
        notebook,
        notes,
        files=len(files),
        passages=len(chunks),
        questions=0,
        examples=_examples(chunks),
    )


async def with_questions(built: Built) -> Built:
    """``built`` once its question bank is ready (started by ``_build``), with their count."""
    if built.notebook is None:
        return built
    bank = await built.notebook.start_bank().wait(BANK_WAIT_SECONDS)
    return replace(built, questions=len(bank) if bank is not None else 0)


def _examples(chunks: list[Chunk], count: int = 3) -> tuple[str, ...]:
    """A few headings of the notes to try as searches, from different files."""
    seen_sources: set[str] = set()
    examples: list[str] = []
    for chunk in chunks:
        title = " ".join(chunk.title.split())
        if chunk.source in seen_sources or not title or len(title) > 40:
            continue
        seen_sources.add(chunk.source)
        examples.append(title)
        if len(examples) == count:
            break
    return tuple(examples)


async def remove_notes(services: AppServices, chat_id: int, path: str | None) -> Built:
    """Remove one file (``path``) or all of the chat's notes, and rebuild what is left."""
    async with services.db.session() as session:
        await remove_note_files(session, chat_id, None if path is None else [path])
    return await reload_notes(services, chat_id)


async def switch_demo(services: AppServices, chat_id: int, keep: bool) -> Built:
    """Keep the shipped notes on beside the chat's own, or not."""
    async with services.db.session() as session:
        await set_keep_demo(session, chat_id, keep)
    return await reload_notes(services, chat_id)


async def reload_notes(services: AppServices, chat_id: int) -> Built:
    """Rebuild the chat's notebook from what the database holds."""
    async with services.db.session() as session:
        contents = await note_contents(session, chat_id)
        keep_demo = await keeps_demo(session, chat_id)
    return await _build(services, chat_id, contents, keep_demo)


async def restore_notebooks(services: AppServices) -> None:
    """At start: every chat with notes of its own studies them again. Notes already laid out on
    this disk are only registered (they open on first use); others are laid out from the
    database first. The worker processes that index uploads start now."""
    await asyncio.to_thread(start_workers)
    async with services.db.session() as session:
        chat_ids = await chats_with_notes(session)
    for chat_id in chat_ids:
        await _follow_database(services, chat_id)
    if chat_ids:
        log.info("%d chats study their own notes", len(chat_ids))


async def follow_chat_notes(services: AppServices, chat_id: int) -> None:
    """Before a chat's request: when its notes were last compared with the database over
    ``notes_check_seconds`` ago, compare them now, and study what the database holds (another
    instance may have added or removed files). The notes the request's claim read serve as the
    comparison when nothing changed here since (no query of its own). A failure keeps the notes
    this instance has."""
    claimed = take_notes_read(chat_id)
    if not services.notebooks.check_due(chat_id, services.settings.notes_check_seconds):
        return
    if claimed is not None and services.notebooks.changed_since(chat_id, claimed.read_at):
        claimed = None  # an upload or removal here may be newer than that read
    try:
        await _follow_database(services, chat_id, claimed)
    except Exception:
        log.warning("could not compare chat %s's notes with the database", chat_id, exc_info=True)


async def follow_all_notes(services: AppServices) -> int:
    """Every chat this instance knows or the database has notes for, compared now (for work
    that no request of the chat precedes, such as the daily quiz); the number that changed."""
    async with services.db.session() as session:
        chat_ids = set(await chats_with_notes(session))
    chat_ids.update(services.notebooks.chats_with_own_notes())
    changed = 0
    for chat_id in sorted(chat_ids):
        services.notebooks.check_due(chat_id, 0.0)
        changed += await _follow_database(services, chat_id)
    return changed


async def _follow_database(
    services: AppServices, chat_id: int, claimed: NotesRead | None = None
) -> bool:
    """Make ``chat_id`` study the notes the database holds for it (``claimed``: as read already),
    laying them out on this disk if they are not yet (indexed on first use); whether they
    changed here."""
    current = services.notebooks.chat_notes(chat_id)
    if claimed is not None:
        stored, keep_demo = list(claimed.files), claimed.keep_demo
    else:
        stored, keep_demo = await stored_notes(services.db, chat_id)
    if not stored:
        return current is not None and services.notebooks.switch_if(chat_id, current, None)
    key = notes_key(((note.path, note.sha256) for note in stored), keep_demo)
    root = notebook_root(services.settings.notebooks_dir, chat_id, key)
    notes = ChatNotes(notebook_id(chat_id, key), root)
    if current == notes:
        return False
    if not await asyncio.to_thread(is_laid_out, root):
        async with reading(services.db) as session:
            contents = await note_contents(session, chat_id)
        if _key(contents, keep_demo) != key:  # changed again while we read: the next check
            return False
        demo = services.settings.corpus_dir if keep_demo else None
        await asyncio.to_thread(lay_out, root, contents, demo)
    changed = services.notebooks.switch_if(chat_id, current, notes)
    if changed:
        log.info("chat %s studies notes %s (from the database)", chat_id, key)
    return changed


async def file_lines(services: AppServices, chat_id: int) -> tuple[list[FileLine], bool]:
    """The chat's files for ``/notes``, and whether the demo notes are kept beside them."""
    async with services.db.session() as session:
        stored = await note_files(session, chat_id)
        keep_demo = await keeps_demo(session, chat_id)
    if not stored:
        return [], keep_demo
    notebook = services.notebook_for(chat_id)
    chunks = await asyncio.to_thread(notebook.searcher.chunks)
    bank = await notebook.start_bank().wait(BANK_WAIT_SECONDS)
    passages: dict[str, int] = {}
    for chunk in chunks:
        passages[chunk.source] = passages.get(chunk.source, 0) + 1
    questions: dict[str, int] = {}
    if bank is not None:
        sources = {chunk.id: chunk.source for chunk in chunks}
        for item in bank.items:
            source = sources.get(item.chunk_id, "")
            questions[source] = questions.get(source, 0) + 1
    lines = [
        FileLine(note.path, note.size, passages.get(note.path, 0), questions.get(note.path, 0))
        for note in stored
    ]
    return lines, keep_demo
