"""The notebooks feature's declaration: a file sent to the bot joins the chat's notes, ``/notes``
lists them with their buttons, at start every chat with notes studies them again, and before a
chat's request its notes are compared with the database (another instance may have changed
them). In groups only administrators add or remove notes; a member's file is ignored quietly."""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
from collections.abc import Sequence
from pathlib import Path

from bot.core.feature import ButtonRoute, Command, Feature, Job, Request, SentFile
from bot.core.ports import Sender
from bot.core.replies import ButtonAnswer, Notice, Outgoing, Reply
from bot.core.services import AppServices
from bot.core.workers import in_worker_process
from bot.features.notebooks.intake import NotAccepted, read_path, read_upload
from bot.features.notebooks.library import (
    Built,
    add_notes,
    file_lines,
    follow_all_notes,
    follow_chat_notes,
    limits_of,
    remove_notes,
    restore_notebooks,
    switch_demo,
    with_questions,
)
from bot.features.notebooks.shelf import (
    DEMO_ON,
    NOTES_BUTTON,
    REMOVE_ALL,
    REMOVE_FILE,
    decode_action,
    file_token,
    notes_listing,
    ready_text,
    refusal,
    searchable_text,
)
from bot.i18n import N_, tr, trn

log = logging.getLogger(__name__)


def notes_secret(services: AppServices) -> bytes:
    """The key that binds /notes buttons to their chat: derived from the bot token."""
    token = services.settings.telegram_bot_token
    material = token.get_secret_value() if token is not None else "studybot-terminal"
    return hashlib.sha256(("notes\x00" + material).encode("utf-8")).digest()


async def receive_file(
    services: AppServices, request: Request, sent: SentFile
) -> Sequence[Outgoing]:
    """A file sent to the bot: read it, index the chat's notes anew, and say how it went."""
    lang, chat_id = request.asker.lang, request.asker.chat_id
    if not await request.by_admin():
        return []  # a group member's file: not for the bot
    limit = services.settings.max_download_bytes
    if sent.size is not None and sent.size > limit:
        error = NotAccepted(N_("That file is over {mb} MB: I can't read it."), mb=limit // 2**20)
        return [refusal(lang, error)]
    if chat_id in services.notes_being_read:
        return [Reply(tr(lang, "⏳ I'm still reading your last file: send this one again after."))]
    services.notes_being_read.add(chat_id)
    try:
        await request.progress(tr(lang, "📥 Reading {name}…", name=html.escape(sent.name)))
        content = await sent.fetch()
        intake = await asyncio.to_thread(
            in_worker_process, read_upload, sent.name, content, limits_of(services)
        )

        async def on_indexing(file_count: int) -> None:
            files = trn(lang, "{n} file", "{n} files", file_count)
            await request.progress(
                "⏳ " + tr(lang, "Reading {files}… building the index…", files=files)
            )

        built = await add_notes(services, chat_id, intake, on_indexing)
        await request.progress(searchable_text(lang, built))
        built = await with_questions(built)
    except NotAccepted as error:
        await request.progress(refusal(lang, error).text)
        return []
    finally:
        services.notes_being_read.discard(chat_id)
    await request.progress(ready_text(lang, built, intake))
    return []


async def add_from_disk(services: AppServices, request: Request, path: Path) -> Sequence[Outgoing]:
    """The terminal's ``/add PATH``: a file or a folder on disk joins the chat's notes."""
    lang, chat_id = request.asker.lang, request.asker.chat_id
    try:
        intake = await asyncio.to_thread(read_path, path, limits_of(services))
        built = await with_questions(await add_notes(services, chat_id, intake))
    except NotAccepted as error:
        return [refusal(lang, error)]
    return [Reply(ready_text(lang, built, intake))]


async def notes_command(services: AppServices, request: Request) -> Sequence[Outgoing]:
    """/notes: the chat's files, with buttons to remove them or switch the demo notes on."""
    chat_id = request.asker.chat_id
    lines, keep_demo = await file_lines(services, chat_id)
    return [notes_listing(request.asker.lang, notes_secret(services), chat_id, lines, keep_demo)]


async def notes_button(services: AppServices, request: Request) -> ButtonAnswer:
    lang, chat_id = request.asker.lang, request.asker.chat_id
    action = decode_action(notes_secret(services), chat_id, request.text)
    if action is None:
        return ButtonAnswer(Notice(tr(lang, "This button has expired.")))
    if not await request.by_admin():
        return ButtonAnswer(Notice(tr(lang, "Only the group's admins change its notes."), True))
    built: Built | None = None
    if action.action == REMOVE_FILE:
        lines, _ = await file_lines(services, chat_id)
        path = next(
            (line.path for line in lines if file_token(line.path) == action.file_token), None
        )
        if path is None:
            return ButtonAnswer(Notice(tr(lang, "This button has expired.")))
        built = await remove_notes(services, chat_id, path)
        notice = tr(lang, "Removed {path}.", path=path)
    elif action.action == REMOVE_ALL:
        built = await remove_notes(services, chat_id, None)
        notice = tr(lang, "Removed all the notes: back to the demo notes.")
    else:
        built = await switch_demo(services, chat_id, action.action == DEMO_ON)
        notice = (
            tr(lang, "Demo notes on.") if action.action == DEMO_ON else tr(lang, "Demo notes off.")
        )
    log.info("chat %s notes now: %s files", chat_id, built.files)
    lines, keep_demo = await file_lines(services, chat_id)
    listing = notes_listing(lang, notes_secret(services), chat_id, lines, keep_demo)
    return ButtonAnswer(Notice(notice), (Reply(listing.text, listing.buttons, edit=True),))


async def follow_notes_job(services: AppServices, sender: Sender) -> int:
    """Every minute: pick up notes another instance changed, for the chats no request names."""
    return await follow_all_notes(services)


NOTEBOOKS = Feature(
    name="notebooks",
    commands=(Command("notes", notes_command, menu=N_("Your notes: list, remove")),),
    buttons=(ButtonRoute((NOTES_BUTTON,), notes_button),),
    help_lines=(
        N_(
            "📎 Send me .md, .txt, .zip, .pdf or .docx files to study your own notes; "
            "/notes lists them."
        ),
    ),
    jobs=(Job("follow-notes", follow_notes_job, interval=60.0, first=60.0),),
    on_open=restore_notebooks,
    on_document=receive_file,
    before_request=follow_chat_notes,
)
