"""Reading what a chat sends as notes: a .md or .txt file, a .zip of a folder of them, a PDF
with a text layer or a Word .docx (or, from the terminal and the command line, a file or folder
on disk), into note files (path inside the chat's notes, UTF-8 text), or a clear refusal.
Blocking and pure (no database, no Telegram): run it through asyncio.to_thread."""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from bot.i18n import N_
from index.corpus import (
    NOTE_SUFFIXES,
    decode_note_bytes,
    discover_note_files,
    is_system_path,
    looks_binary,
    read_note_bytes,
)

REPLACEMENT = "\ufffd"
_SKIPPED_PARTS = ("__MACOSX",)


@dataclass(frozen=True, slots=True)
class Limits:
    """What one chat may send (each a setting)."""

    download_bytes: int
    notes_bytes: int
    note_files: int
    zip_bytes: int
    zip_members: int


class NotAccepted(Exception):
    """The upload is refused: ``msgid`` (a catalog message) with its ``params`` says why."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def __reduce__(self) -> tuple[object, ...]:  # raised in a worker process, read in this one
        return (_not_accepted, (self.msgid, self.params))


def _not_accepted(msgid: str, params: dict[str, object]) -> NotAccepted:
    return NotAccepted(msgid, **params)


@dataclass
class Intake:
    """The note files read from one upload, and what the chat should know about them."""

    files: dict[str, bytes] = field(default_factory=dict)  # path → UTF-8 text
    repaired: list[str] = field(default_factory=list)  # paths with undecodable bytes replaced
    skipped: int = 0  # zip members that are not notes


def read_upload(name: str, content: bytes, limits: Limits) -> Intake:
    """The notes in the file ``name`` (as the chat named it) holding ``content``."""
    if len(content) > limits.download_bytes:
        raise NotAccepted(
            N_("That file is over {mb} MB: I can't read it."), mb=_mb(limits.download_bytes)
        )
    base = _file_name(name)
    suffix = PurePosixPath(base).suffix.lower()
    intake = Intake()
    if suffix in NOTE_SUFFIXES:
        _add_text(intake, base, content, single=True)
    elif suffix == ".zip":
        _read_zip(intake, content, limits)
    elif suffix == ".pdf":
        intake.files[base + ".txt"] = _pdf_text(content).encode("utf-8")
    elif suffix == ".docx":
        from bot.features.notebooks.word import docx_markdown

        intake.files[base + ".md"] = docx_markdown(content, limits.zip_bytes).encode("utf-8")
    else:
        raise NotAccepted(
            N_("I read .md, .txt, .zip, .pdf and .docx files; this one is {suffix}."),
            suffix=suffix or "?",
        )
    return intake


def read_path(path: Path, limits: Limits) -> Intake:
    """The notes in a file or a folder on disk (a folder's sub-folders kept; links, hidden and
    special files skipped, as in the shipped notes' folder; nothing under /proc, /sys or /dev).
    Files are opened without following links, so one swapped for a link meanwhile is refused."""
    if path.is_symlink() or not (path.is_file() or path.is_dir()) or is_system_path(path):
        raise NotAccepted(N_("{name} is not a file or a folder I can read."), name=str(path))
    if path.is_file():
        if path.stat().st_size > limits.download_bytes:
            raise NotAccepted(
                N_("That file is over {mb} MB: I can't read it."), mb=_mb(limits.download_bytes)
            )
        try:
            content = read_note_bytes(path, limits.download_bytes)
        except OSError:
            raise NotAccepted(
                N_("{name} is not a file or a folder I can read."), name=str(path)
            ) from None
        return read_upload(path.name, content, limits)
    intake = Intake()
    for note in discover_note_files(path):
        if note.stat().st_size > limits.notes_bytes:
            raise NotAccepted(
                N_("That file is over {mb} MB: I can't read it."), mb=_mb(limits.notes_bytes)
            )
        try:
            content = read_note_bytes(note, limits.notes_bytes)
        except OSError:  # replaced by a link or a special file since it was listed
            intake.skipped += 1
            continue
        _add_text(intake, note.relative_to(path).as_posix(), content, single=False)
    if not intake.files:
        raise NotAccepted(N_("That folder has no .md or .txt notes in it."))
    return intake


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _file_name(name: str) -> str:
    """The last part of a sent file's name, never empty and never hidden."""
    base = PurePosixPath(name.replace("\\", "/")).name.strip().lstrip(".")
    return base or "note.txt"


def _add_text(intake: Intake, path: str, content: bytes, *, single: bool) -> None:
    """Decode one note; a single sent file that is empty or binary is refused, the same inside a
    zip is skipped."""
    text = decode_note_bytes(content, path)
    if not text.strip():
        if single:
            raise NotAccepted(N_("{name} is empty: there is nothing to read."), name=path)
        intake.skipped += 1
        return
    if looks_binary(text):
        if single:
            raise NotAccepted(
                N_("{name} is not text (binary bytes under a note's name)."), name=path
            )
        intake.skipped += 1
        return
    if REPLACEMENT in text and REPLACEMENT not in content.decode("utf-8", errors="ignore"):
        intake.repaired.append(path)
    intake.files[path] = text.encode("utf-8")


def _member_path(info: zipfile.ZipInfo) -> str:
    """A zip member's path inside the notes; refuses paths that would leave the folder."""
    raw = info.filename.replace("\\", "/")
    pure = PurePosixPath(raw)
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":") or ".." in pure.parts:
        raise NotAccepted(
            N_("That zip has a file outside its folder ({name}): I won't open it."), name=raw
        )
    return "/".join(part for part in pure.parts if part not in ("", "."))


def _read_zip(intake: Intake, content: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise NotAccepted(N_("That zip can't be opened.")) from error
    with archive:
        members = archive.infolist()
        if len(members) > limits.zip_members:
            raise NotAccepted(
                N_("That zip holds over {count} files: send a smaller folder."),
                count=limits.zip_members,
            )
        if sum(info.file_size for info in members) > limits.zip_bytes:
            raise NotAccepted(
                N_("That zip unpacks to over {mb} MB: send a smaller folder."),
                mb=_mb(limits.zip_bytes),
            )
        unpacked = 0
        for info in members:
            path = _member_path(info)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise NotAccepted(N_("That zip holds a link ({name}): I won't open it."), name=path)
            if info.is_dir() or not path:
                continue
            parts = PurePosixPath(path).parts
            hidden = any(part.startswith(".") or part in _SKIPPED_PARTS for part in parts)
            if hidden or PurePosixPath(path).suffix.lower() not in NOTE_SUFFIXES:
                intake.skipped += 1
                continue
            data = _read_member(archive, info, limits.zip_bytes - unpacked)
            unpacked += len(data)
            _add_text(intake, path, data, single=False)
    if not intake.files:
        raise NotAccepted(N_("That zip has no .md or .txt notes in it."))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The member's bytes, never more than ``budget`` whatever its header claims."""
    try:
        with archive.open(info) as member:
            data = member.read(budget + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise NotAccepted(N_("That zip can't be opened.")) from error
    if len(data) > budget:
        raise NotAccepted(
            N_("That zip unpacks to over {mb} MB: send a smaller folder."), mb=_mb(budget)
        )
    return data


def _pdf_text(content: bytes) -> str:
    """The text layer of a PDF, page by page."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotAccepted(N_("That PDF is locked with a password: send it unlocked."))
        pages = [page.extract_text() or "" for page in reader.pages]
    except NotAccepted:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        if "encrypt" in str(error).lower() or "password" in str(error).lower():
            raise NotAccepted(
                N_("That PDF is locked with a password: send it unlocked.")
            ) from error
        raise NotAccepted(N_("That PDF can't be read.")) from error
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text.strip():
        raise NotAccepted(
            N_("That PDF has no text layer (a scan?): I can only read PDFs with text.")
        )
    return text
