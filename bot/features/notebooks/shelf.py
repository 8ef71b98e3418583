"""What the chat sees of its notes: the answers while an upload is read, and ``/notes`` with its
buttons (remove a file, remove all, the demo notes on or off), bound to the chat they were sent
to so a button forged or carried to another chat has expired."""

from __future__ import annotations

import hashlib
import hmac
import html
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core import callbacks as codec
from bot.core.replies import Button, Keyboard, Reply
from bot.features.notebooks.intake import Intake, NotAccepted
from bot.features.notebooks.library import Built, FileLine
from bot.i18n import tr, trn

NOTES_BUTTON = "nb1"  # nb1:<action>:<file token or ->:<chat tag>
REMOVE_FILE, REMOVE_ALL, DEMO_ON, DEMO_OFF = "rm", "all", "don", "doff"
ACTIONS = (REMOVE_FILE, REMOVE_ALL, DEMO_ON, DEMO_OFF)
MAX_LISTED = 30  # files with their own remove button


@dataclass(frozen=True, slots=True)
class NotesAction:
    """A pressed /notes button: what to do, to which file (its token), if it is this chat's."""

    action: str
    file_token: str


def file_token(path: str) -> str:
    return hashlib.blake2s(path.encode("utf-8"), digest_size=6).hexdigest()


def _chat_tag(secret: bytes, chat_id: int, action: str, token: str) -> str:
    message = f"{chat_id}:{action}:{token}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:12]


def encode_action(secret: bytes, chat_id: int, action: str, token: str = "-") -> str:
    return codec.pack(NOTES_BUTTON, action, token, _chat_tag(secret, chat_id, action, token))


def decode_action(secret: bytes, chat_id: int, data: str) -> NotesAction | None:
    """The action of a /notes button pressed in ``chat_id`` (None: forged, or another chat's)."""
    fields = codec.unpack(data, NOTES_BUTTON, 3)
    if fields is None:
        return None
    action, token, tag = fields
    if action not in ACTIONS:
        return None
    if not hmac.compare_digest(tag, _chat_tag(secret, chat_id, action, token)):
        return None
    return NotesAction(action, token)


def refusal(lang: str, error: NotAccepted) -> Reply:
    reason = tr(lang, error.msgid, **error.params)
    return Reply("⚠️ " + html.escape(reason) + "\n" + tr(lang, "Your notes are as they were."))


def searchable_text(lang: str, built: Built) -> str:
    """The progress message once the notes are searchable, while their questions are made."""
    passages = trn(lang, "{n} passage", "{n} passages", built.passages)
    return "🔎 " + tr(lang, "{passages} searchable now; making the questions…", passages=passages)


def ready_text(lang: str, built: Built, intake: Intake) -> str:
    """The last state of the progress message: what the chat's notes now hold."""
    ready = tr(
        lang,
        "{files}, {passages}, {questions} ready.",
        files=trn(lang, "{n} file", "{n} files", built.files),
        passages=trn(lang, "{n} passage", "{n} passages", built.passages),
        questions=trn(lang, "{n} question", "{n} questions", built.questions),
    )
    lines = ["✅ " + ready]
    if intake.repaired:
        names = ", ".join(html.escape(path) for path in intake.repaired[:3])
        lines.append(
            tr(lang, "Some bytes of {names} were not text: I replaced them with �.", names=names)
        )
    if intake.skipped:
        lines.append(
            trn(
                lang,
                "{n} file was not a note and was skipped.",
                "{n} files were not notes and were skipped.",
                intake.skipped,
            )
        )
    if built.examples:
        examples = ", ".join(f"<code>{html.escape(example)}</code>" for example in built.examples)
        lines.append(tr(lang, "🔎 Try a search: {examples}, or /quiz.", examples=examples))
    return "\n".join(lines)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def notes_listing(
    lang: str, secret: bytes, chat_id: int, lines: Sequence[FileLine], keep_demo: bool
) -> Reply:
    """``/notes``: the chat's files with their sizes, passages and questions, and buttons."""
    if not lines:
        return Reply(
            tr(
                lang,
                "📚 This chat studies the demo notes. Send me .md, .txt, .zip, .pdf or .docx files "
                "to study your own.",
            )
        )
    rows = [tr(lang, "📚 <b>This chat's notes</b>"), ""]
    for line in lines:
        rows.append(
            tr(
                lang,
                "• {path}: {size}, {passages}, {questions}",
                path=html.escape(line.path),
                size=_size(line.size),
                passages=trn(lang, "{n} passage", "{n} passages", line.passages),
                questions=trn(lang, "{n} question", "{n} questions", line.questions),
            )
        )
    if keep_demo:
        rows.extend(["", tr(lang, "The demo notes are on beside them.")])
    buttons: list[tuple[Button, ...]] = []
    for line in lines[:MAX_LISTED]:
        label = tr(lang, "🗑 {path}", path=line.path[-40:])
        data = encode_action(secret, chat_id, REMOVE_FILE, file_token(line.path))
        buttons.append((Button(label, data=data),))
    demo_action = DEMO_OFF if keep_demo else DEMO_ON
    demo_label = tr(lang, "Demo notes off") if keep_demo else tr(lang, "Demo notes on beside them")
    buttons.append(
        (
            Button(tr(lang, "🗑 Remove all"), data=encode_action(secret, chat_id, REMOVE_ALL)),
            Button(demo_label, data=encode_action(secret, chat_id, demo_action)),
        )
    )
    keyboard: Keyboard = tuple(buttons)
    return Reply("\n".join(rows), keyboard)
