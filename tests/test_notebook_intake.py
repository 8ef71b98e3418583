"""Reading sent files into notes: text files, zips (folders kept, escapes, links and bombs
refused), PDFs (text layer read; locked or textless refused), and the registry that hands each
chat its own notebook, keeping the open ones under a memory budget."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from bot.core.feature import Request, SentFile
from bot.core.notebook_cache import (
    LazySearcher,
    index_footprint,
    lay_out,
    notebook_id,
    notebook_root,
    notes_key,
)
from bot.core.notebooks import DEMO, ChatNotes, NotebookRegistry
from bot.core.replies import Asker
from bot.features.notebooks.feature import receive_file
from bot.features.notebooks.intake import Limits, NotAccepted, read_path, read_upload
from bot.settings import Settings
from index.store import ensure_index
from tests.botfakes import ListSearcher, services_for

LIMITS = Limits(
    download_bytes=1_000_000,
    notes_bytes=1_000_000,
    note_files=50,
    zip_bytes=100_000,
    zip_members=10,
)


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer says ``text`` (Helvetica, written by hand)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def blank_pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    if password is not None:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_text_layer_becomes_a_note() -> None:
    intake = read_upload("lecture.pdf", text_pdf("Osmosis moves water across membranes"), LIMITS)
    assert list(intake.files) == ["lecture.pdf.txt"]
    assert b"Osmosis moves water" in intake.files["lecture.pdf.txt"]


@pytest.mark.parametrize(
    ("content", "says"),
    [(blank_pdf(), "no text layer"), (blank_pdf("secret"), "password")],
)
def test_a_pdf_without_text_or_with_a_password_is_refused(content: bytes, says: str) -> None:
    with pytest.raises(NotAccepted) as refused:
        read_upload("scan.pdf", content, LIMITS)
    assert says in refused.value.msgid


def test_a_zip_member_that_lies_about_its_size_is_cut_at_the_budget() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.md", b"# A\n" + b"x" * 200_000)
    with pytest.raises(NotAccepted) as refused:
        read_upload("a.zip", buffer.getvalue(), LIMITS)
    assert "unpacks to over" in refused.value.msgid


def test_a_folder_on_disk_keeps_its_sub_folders_and_skips_links(tmp_path: Path) -> None:
    (tmp_path / "notes" / "sub").mkdir(parents=True)
    (tmp_path / "notes" / "sub" / "a.md").write_text("# A\n\nalpha\n", encoding="utf-8")
    (tmp_path / "secret.md").write_text("# secret\n", encoding="utf-8")
    (tmp_path / "notes" / "link.md").symlink_to(tmp_path / "secret.md")
    intake = read_path(tmp_path / "notes", LIMITS)
    assert list(intake.files) == ["sub/a.md"]


def test_lay_out_refuses_paths_outside_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        lay_out(tmp_path / "root", {"../escape.md": b"x"})
    assert not (tmp_path / "escape.md").exists()
    assert not (tmp_path / "root").exists()


def indexed_notes(folder: Path, chat_id: int, text: str) -> ChatNotes:
    """A chat's notes laid out and indexed on disk (as another instance would leave them)."""
    key = notes_key([("a.md", str(chat_id))], keep_demo=False)
    root = notebook_root(folder, chat_id, key)
    lay_out(root, {"a.md": text.encode("utf-8")})
    ensure_index(root / "notes", root / "index")
    return ChatNotes(notebook_id(chat_id, key), root)


def chapter(topic: str, lines: int) -> str:
    body = "\n".join(f"The {topic} number {n} is described by rule {n * 7}." for n in range(lines))
    return f"# {topic.title()}\n\n{body}\n"


def test_the_registry_gives_each_chat_its_notebook_and_keeps_open_ones_under_a_memory_budget(
    tmp_path: Path,
) -> None:
    notes = {
        chat_id: indexed_notes(tmp_path, chat_id, chapter(topic, 40))
        for chat_id, topic in ((1, "enzyme"), (2, "glacier"), (3, "sonnet"))
    }
    sizes = {chat_id: index_footprint(n.root / "index") for chat_id, n in notes.items()}
    assert all(size > 0 for size in sizes.values())
    budget = sum(sorted(sizes.values())[-2:])  # any two fit, never all three
    registry = NotebookRegistry.of(ListSearcher([]), memory_budget=budget)
    for chat_id, chat_notes in notes.items():
        registry.assign(chat_id, chat_notes)
    assert registry.for_chat(99).id == DEMO
    first = registry.for_chat(1)
    assert first.id.startswith("chat1-") and isinstance(first.searcher, LazySearcher)
    assert not first.searcher.is_open  # nothing opened on the caller's thread
    assert first.searcher.footprint == 0 and registry.memory_held() == 0
    assert registry.for_chat(1) is first
    assert first.searcher.search("enzyme rule").hits  # opens it: its footprint is now known
    assert registry.memory_held() == sizes[1]
    second = registry.for_chat(2)
    second.searcher.search("glacier")
    assert registry.open_count() == 2 and registry.memory_held() == sizes[1] + sizes[2]
    assert registry.for_chat(1) is first  # used again: chat 2's is now the least recent
    registry.for_chat(3).searcher.search("sonnet")  # over the budget once open: one goes
    assert registry.open_count() == 2 and registry.memory_held() <= budget
    assert registry.for_chat(1) is first
    assert registry.for_chat(2) is not second  # dropped, then handed out afresh (not open)
    registry.use_demo(2)
    assert registry.for_chat(2).id == DEMO
    assert registry.has_own_notes(1) and not registry.has_own_notes(2)


def test_the_notebook_in_use_stays_open_whatever_the_budget(tmp_path: Path) -> None:
    registry = NotebookRegistry.of(ListSearcher([]), memory_budget=0)
    for chat_id, topic in ((1, "enzyme"), (2, "glacier")):
        registry.assign(chat_id, indexed_notes(tmp_path, chat_id, chapter(topic, 5)))
    first = registry.for_chat(1)
    first.searcher.search("enzyme")
    assert registry.open_count() == 1 and registry.for_chat(1) is first
    registry.for_chat(2).searcher.search("glacier")
    assert registry.open_count() == 1 and registry.for_chat(1) is not first


def test_the_registry_compares_a_chats_notes_at_most_once_per_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]
    monkeypatch.setattr("bot.core.notebooks.time.monotonic", lambda: clock[0])
    registry = NotebookRegistry.of(ListSearcher([]))
    assert registry.check_due(5, 2.0)  # never compared: now
    assert not registry.check_due(5, 2.0)  # just compared
    assert registry.check_due(6, 2.0)  # another chat: its own clock
    assert registry.check_due(5, 0.0)  # 0: every time
    clock[0] += 1.0
    assert not registry.check_due(6, 2.0)
    clock[0] += 2.0
    assert registry.check_due(6, 2.0)


def test_a_comparison_older_than_a_local_change_does_not_undo_it(tmp_path: Path) -> None:
    registry = NotebookRegistry.of(ListSearcher([]))
    old = ChatNotes("chat1-old", tmp_path / "old")
    new = ChatNotes("chat1-new", tmp_path / "new")
    registry.assign(1, old)
    seen_before = registry.chat_notes(1)
    registry.assign(1, new)  # an upload here, while the database was read
    assert not registry.switch_if(1, seen_before, None)
    assert registry.chat_notes(1) == new
    assert registry.switch_if(1, new, None) and registry.for_chat(1).id == DEMO
    assert registry.switch_if(1, None, old) and registry.for_chat(1).id == "chat1-old"


async def test_a_file_sent_while_the_last_is_still_read_is_answered_and_not_fetched(
    tmp_path: Path,
) -> None:
    services = services_for(
        ListSearcher([]), settings=Settings(_env_file=None, STUDYBOT_DATA_DIR=str(tmp_path))
    )
    fetched: list[str] = []

    async def fetch() -> bytes:
        fetched.append("yes")
        return b"# A\n\nalpha\n"

    services.notes_being_read.add(7)
    request = Request(asker=Asker(user_id=7, chat_id=7))
    [reply] = await receive_file(services, request, SentFile("a.md", 11, fetch))
    assert "still reading" in reply.text and not fetched
    services.notes_being_read.clear()
    assert await receive_file(services, request, SentFile("a.md", 11, fetch)) == []
    assert fetched and services.notebooks.has_own_notes(7)
    await services.db.close()


def test_a_lazily_opened_notebook_finds_what_an_eager_one_finds(tmp_path: Path) -> None:
    from index.search import open_searcher
    from index.store import ensure_index

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cells.md").write_text(
        "# Cells\n\n## Mitochondria\nMitochondria make ATP by oxidative phosphorylation.\n\n"
        "## Ribosomes\nRibosomes translate messenger RNA into proteins.\n",
        encoding="utf-8",
    )
    ensure_index(notes, tmp_path / "index")
    eager = open_searcher(tmp_path / "index")
    lazy = open_searcher(tmp_path / "index", eager=False)
    for query in ("mitochondria atp", "ribosome", "proteins translate", "nothing here at all"):
        expected = [(hit.chunk.id, hit.snippet) for hit in eager.search(query).hits]
        assert [(hit.chunk.id, hit.snippet) for hit in lazy.search(query).hits] == expected
    assert lazy.search("ribosome").hits


def test_a_refusal_raised_in_the_worker_process_keeps_its_reason() -> None:
    import pickle

    from bot.core.workers import in_worker_process

    refusal = pickle.loads(pickle.dumps(NotAccepted("That zip holds over {count} files", count=3)))
    assert refusal.msgid == "That zip holds over {count} files" and refusal.params == {"count": 3}
    with pytest.raises(NotAccepted) as refused:
        in_worker_process(read_upload, "empty.md", b"   ", LIMITS)
    assert "empty" in refused.value.msgid and refused.value.params == {"name": "empty.md"}
    intake = in_worker_process(read_upload, "a.md", b"# A\n\nalpha\n", LIMITS)
    assert intake.files == {"a.md": b"# A\n\nalpha\n"}


def test_a_notebook_s_footprint_counts_what_an_open_one_holds(tmp_path: Path) -> None:
    from bot.core.notebook_cache import FOOTPRINT_CACHES
    from index.packed import PACKED
    from index.store import current_generation

    notes = indexed_notes(tmp_path, 1, chapter("enzyme", 200))
    generation = current_generation(notes.root / "index")
    assert generation is not None
    held = (generation / PACKED).stat().st_size + (generation / "chunks.json").stat().st_size
    assert index_footprint(notes.root / "index") == held + FOOTPRINT_CACHES
    # without its packed file a notebook is read from Whoosh into memory: a bigger estimate
    (generation / PACKED).unlink()
    assert index_footprint(notes.root / "index") > held + FOOTPRINT_CACHES
