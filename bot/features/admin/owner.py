"""The bot owner's commands as plain functions: /reindex (bring the index, the live searcher and
the quiz bank up to date with the notes, without a restart) and /status (how the bot is doing)."""

from __future__ import annotations

import asyncio
import html
import importlib.metadata
import json
import logging
import time as monotonic_clock
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from pathlib import Path

from bot.core.question_bank import QuizBank, QuizBankHolder
from bot.core.replies import Reply
from bot.core.services import AppServices
from bot.core.streak_rules import safe_zone
from bot.db.admin_stats import BotCounts, bot_counts
from bot.db.flags import FlagCounts, flag_counts
from bot.db.users import effective_timezone
from bot.i18n import tr, trn
from bot.settings import Settings
from index.store import RepairEvent, current_generation, ensure_index

log = logging.getLogger(__name__)

MAX_LISTED_FILES = 10  # file names shown per kind of change in the /reindex answer
MAX_ERROR_CHARS = 300


def is_owner(settings: Settings, user_id: int | None) -> bool:
    """True for the Telegram user ids in ``Settings.admin_ids`` (STUDYBOT_ADMIN_IDS)."""
    return user_id is not None and user_id in settings.admin_ids


@cache
def bot_version() -> str:
    """The installed package's version (read once) ("unknown" when run from a bare checkout)."""
    try:
        return importlib.metadata.version("studybot")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def format_duration(seconds: float) -> str:
    """A short, language-neutral duration: "45 s", "12 min", "3 h 05 min", "2 d 4 h"."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def _utc_text(instant: datetime | None) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if instant else "—"


# --- /reindex ---------------------------------------------------------------------------------


def parse_reindex_args(args: Iterable[str]) -> bool | None:
    """``/reindex`` → False, ``/reindex full`` → True (a rebuild); anything else → None."""
    words = [word.casefold() for word in args]
    if not words:
        return False
    if words in (["full"], ["rebuild"], ["completo"]):
        return True
    return None


def live_manifest_files(index_dir: Path) -> dict[str, str]:
    """Blocking: the content hash of every note file in the live index generation ({} if none)."""
    generation = current_generation(index_dir)
    if generation is None:
        return {}
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = manifest.get("files") if isinstance(manifest, dict) else None
    return dict(files) if isinstance(files, dict) else {}


@dataclass(frozen=True, slots=True)
class FileChanges:
    """Which note files differ between two index generations."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @classmethod
    def between(cls, before: dict[str, str], after: dict[str, str]) -> FileChanges:
        return cls(
            added=tuple(sorted(set(after) - set(before))),
            changed=tuple(sorted(n for n in set(after) & set(before) if after[n] != before[n])),
            removed=tuple(sorted(set(before) - set(after))),
        )

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True, slots=True)
class ReindexOutcome:
    """What one /reindex did."""

    built: bool  # a new generation was written
    full: bool  # asked for a rebuild
    generation: str
    files: FileChanges
    file_count: int
    chunks_before: int
    chunks_after: int
    seconds: float
    quiz_before: int | None  # None: the bank was not built yet
    quiz_after: int | None  # None: the bank was left as it was (nothing changed)
    searcher_live: bool  # the live searcher now serves ``generation``


def _current_bank_size(services: AppServices) -> int | None:
    bank = services.notebooks.default.bank.bank
    return len(bank) if bank is not None else None


async def rebuild_quiz_bank(services: AppServices) -> int:
    """Derive the shipped notes' question bank from their chunks in a thread and swap it in at
    once (readers keep the bank they already hold); returns its size."""
    notebook = services.notebooks.default

    def build() -> QuizBank:
        return QuizBank.from_chunks(notebook.searcher.chunks())

    bank = await asyncio.to_thread(build)
    services.notebooks.replace_bank(notebook.id, QuizBankHolder(bank))
    log.info("question bank rebuilt: %d items", len(bank))
    return len(bank)


async def run_reindex(services: AppServices, *, full: bool = False) -> ReindexOutcome:
    """Bring the index up to date with the corpus folder (a rebuild when ``full``), load the new
    generation into the live searcher, then rebuild the quiz bank if the passages changed.

    Runs one at a time (later callers wait); blocking work happens in worker threads. The index
    store writes each generation aside and swaps it in atomically, so searches running meanwhile
    see the old index or the new one, never a mix. Raises what ``ensure_index`` raises (the old
    generation then stays live).
    """
    settings = services.settings
    searcher = services.notebooks.default.searcher
    async with services.reindex_lock:
        started = monotonic_clock.perf_counter()
        files_before = await asyncio.to_thread(live_manifest_files, settings.index_dir)
        chunks_before = len(await asyncio.to_thread(searcher.chunks))
        generation_before = getattr(searcher, "generation", None)
        info = await asyncio.to_thread(
            ensure_index,
            settings.corpus_dir,
            settings.index_dir,
            rebuild=full,
            limits=settings.note_limits,
            on_repair=services.index_health.record,
        )
        refresh = getattr(searcher, "refresh", None)
        if callable(refresh):
            await asyncio.to_thread(refresh)
        generation_now = getattr(searcher, "generation", info.generation)
        files_after = await asyncio.to_thread(live_manifest_files, settings.index_dir)
        chunks_after = len(await asyncio.to_thread(searcher.chunks))
        quiz_before = _current_bank_size(services)
        passages_changed = info.built or generation_now != generation_before
        quiz_after = None
        if passages_changed or full or quiz_before is None:
            quiz_after = await rebuild_quiz_bank(services)
        return ReindexOutcome(
            built=info.built,
            full=full,
            generation=info.generation,
            files=FileChanges.between(files_before, files_after),
            file_count=info.file_count,
            chunks_before=chunks_before,
            chunks_after=chunks_after,
            seconds=monotonic_clock.perf_counter() - started,
            quiz_before=quiz_before,
            quiz_after=quiz_after,
            searcher_live=generation_now == info.generation,
        )


def _file_list(names: tuple[str, ...]) -> str:
    shown = ", ".join(f"<code>{html.escape(name)}</code>" for name in names[:MAX_LISTED_FILES])
    hidden = len(names) - MAX_LISTED_FILES
    return shown + (f" (+{hidden})" if hidden > 0 else "")


def reindex_reply(lang: str, outcome: ReindexOutcome) -> Reply:
    """The owner's answer to /reindex: what changed, how long it took, the quiz bank's size."""
    seconds = f"{outcome.seconds:.1f}"
    if outcome.built:
        lines = [
            tr(
                lang,
                "✅ Index rebuilt in {seconds} s: {chunks} passages from {files} files "
                "(before: {before} passages).",
                seconds=seconds,
                chunks=outcome.chunks_after,
                files=outcome.file_count,
                before=outcome.chunks_before,
            )
        ]
    else:
        lines = [
            tr(
                lang,
                "✅ The index was already up to date: {chunks} passages from {files} files "
                "(checked in {seconds} s).",
                seconds=seconds,
                chunks=outcome.chunks_after,
                files=outcome.file_count,
            )
        ]
    changes = outcome.files
    if changes.added:
        lines.append(tr(lang, "➕ New files: {names}", names=_file_list(changes.added)))
    if changes.changed:
        lines.append(tr(lang, "✏️ Changed files: {names}", names=_file_list(changes.changed)))
    if changes.removed:
        lines.append(tr(lang, "➖ Removed files: {names}", names=_file_list(changes.removed)))
    if outcome.built and not changes:
        lines.append(tr(lang, "No note file changed; the whole index was rebuilt."))
    if outcome.quiz_after is None:
        lines.append(
            trn(
                lang,
                "❓ Quiz bank unchanged: {n} question.",
                "❓ Quiz bank unchanged: {n} questions.",
                outcome.quiz_before or 0,
            )
        )
    else:
        before = (
            str(outcome.quiz_before) if outcome.quiz_before is not None else tr(lang, "not built")
        )
        lines.append(
            trn(
                lang,
                "❓ Quiz bank rebuilt: {n} question (before: {before}).",
                "❓ Quiz bank rebuilt: {n} questions (before: {before}).",
                outcome.quiz_after,
                before=before,
            )
        )
    lines.append(
        tr(
            lang,
            "Generation: <code>{generation}</code>",
            generation=html.escape(outcome.generation),
        )
    )
    if not outcome.searcher_live:
        lines.append(
            tr(lang, "⚠️ The live search could not load the new index yet; it retries on its own.")
        )
    return Reply("\n".join(lines))


def reindex_failed_reply(lang: str, error: BaseException) -> Reply:
    """/reindex failed: say why (escaped, short); the previous index stays live."""
    reason = f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]
    return Reply(
        tr(
            lang,
            "⚠️ Reindexing failed: <code>{reason}</code>\nThe previous index is still live.",
            reason=html.escape(reason),
        )
    )


def reindex_usage(lang: str) -> Reply:
    return Reply(
        tr(
            lang,
            "Use <code>/reindex</code> to pick up changed notes, or <code>/reindex full</code> "
            "to rebuild the whole index.",
        )
    )


def reindex_queued(lang: str) -> Reply:
    return Reply(tr(lang, "⏳ Another reindex is running; yours starts when it ends."))


# --- /status ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndexSummary:
    """The live index generation as the searcher and the store see it."""

    generation: str
    chunks: int
    files: int
    built_at: datetime | None


def index_summary(index_dir: Path, chunk_count: int, generation: str | None) -> IndexSummary:
    """Blocking: the live generation's file count and build time (its manifest's mtime)."""
    live = current_generation(index_dir)
    built_at = None
    if live is not None:
        try:
            built_at = datetime.fromtimestamp((live / "manifest.json").stat().st_mtime, UTC)
        except OSError:
            built_at = None
    return IndexSummary(
        generation=generation or (live.name if live is not None else "—"),
        chunks=chunk_count,
        files=len(live_manifest_files(index_dir)),
        built_at=built_at,
    )


@dataclass(frozen=True, slots=True)
class StatusReport:
    """Everything /status shows."""

    version: str
    started_at: datetime
    now: datetime
    index: IndexSummary
    quiz_items: int | None  # None while the bank is still being built
    counts: BotCounts | None  # None without a database
    zone: str  # the zone "answers today" is counted in
    flags: FlagCounts | None = None  # "👎 Bad question" presses
    repairs: tuple[RepairEvent, ...] = ()  # index repairs under way or ended since last told
    notebooks_dir: Path | None = None  # where chats' notebooks live (to name a repaired one)


def day_bounds(now: datetime, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants where the local day of ``now`` in ``zone`` starts and ends (DST-aware)."""
    tz = safe_zone(zone)
    day = now.astimezone(tz).date()
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


async def gather_status(
    services: AppServices,
    *,
    started_at: datetime,
    owner_id: int,
    chat_id: int,
    now: datetime | None = None,
) -> StatusReport:
    """Collect /status: index (off the event loop), quiz bank, and counts from the database."""
    now = now or datetime.now(UTC)
    searcher = services.notebooks.default.searcher
    chunk_count = len(await asyncio.to_thread(searcher.chunks))
    index = await asyncio.to_thread(
        index_summary,
        services.settings.index_dir,
        chunk_count,
        getattr(searcher, "generation", None),
    )
    zone = services.settings.default_timezone
    async with services.db.session() as session:
        zone = await effective_timezone(session, owner_id, chat_id, zone)
        start, end = day_bounds(now, zone)
        counts = await bot_counts(session, day_start=start, day_end=end)
        flags = await flag_counts(session, threshold=services.settings.quiz_flags_to_retire)
    return StatusReport(
        version=bot_version(),
        started_at=started_at,
        now=now,
        index=index,
        quiz_items=_current_bank_size(services),
        counts=counts,
        zone=zone,
        flags=flags,
        repairs=tuple(services.index_health.notices()),
        notebooks_dir=services.settings.notebooks_dir,
    )


def _repaired_notes(lang: str, event: RepairEvent, notebooks_dir: Path | None) -> str:
    """Whose index it was: the shipped notes, or a chat's (its folder is notebooks/<chat>/…)."""
    if notebooks_dir is not None:
        try:
            chat = event.index_dir.relative_to(notebooks_dir).parts[0]
        except (ValueError, IndexError):
            chat = None
        if chat is not None:
            return tr(lang, "chat {chat}'s notes", chat=chat)
    return tr(lang, "the main notes")


def repair_line(lang: str, event: RepairEvent, notebooks_dir: Path | None = None) -> str:
    """One /status line about a broken index generation and its repair (escaped)."""
    e = html.escape
    problems = "; ".join(event.problems[:3]) + (" …" if len(event.problems) > 3 else "")
    values = {
        "notes": e(_repaired_notes(lang, event, notebooks_dir)),
        "broken": e(event.broken),
        "problems": e(problems),
    }
    if event.rebuilt is not None:
        return tr(
            lang,
            "🩹 The index of {notes} failed its check (<code>{broken}</code>: {problems}) "
            "and was rebuilt from the notes as <code>{rebuilt}</code>.",
            rebuilt=e(event.rebuilt),
            **values,
        )
    if event.error is not None:
        return tr(
            lang,
            "⚠️ The index of {notes} failed its check (<code>{broken}</code>: {problems}) "
            "and could not be rebuilt: <code>{error}</code>",
            error=e(event.error[:MAX_ERROR_CHARS]),
            **values,
        )
    if event.serving is not None:
        return tr(
            lang,
            "🩹 The index of {notes} failed its check (<code>{broken}</code>: {problems}); it "
            "is being rebuilt from the notes, and <code>{serving}</code> answers meanwhile.",
            serving=e(event.serving),
            **values,
        )
    return tr(
        lang,
        "🩹 The index of {notes} failed its check (<code>{broken}</code>: {problems}); it is "
        "being rebuilt from the notes.",
        **values,
    )


def status_reply(lang: str, report: StatusReport) -> Reply:
    """The owner's /status card, Telegram HTML with every value escaped."""
    e = html.escape
    index = report.index
    lines = [
        tr(lang, "📊 <b>Studybot {version}</b>", version=e(report.version)),
        tr(
            lang,
            "⏱ Up for {uptime} (since {since})",
            uptime=e(format_duration((report.now - report.started_at).total_seconds())),
            since=e(_utc_text(report.started_at)),
        ),
        tr(
            lang,
            "📚 Index: {chunks} passages from {files} files, built {built}",
            chunks=index.chunks,
            files=index.files,
            built=e(_utc_text(index.built_at)),
        ),
        tr(lang, "Generation: <code>{generation}</code>", generation=e(index.generation)),
    ]
    lines += [repair_line(lang, event, report.notebooks_dir) for event in report.repairs]
    if report.quiz_items is None:
        lines.append(tr(lang, "❓ Quiz bank: still being built"))
    else:
        lines.append(
            trn(
                lang, "❓ Quiz bank: {n} question", "❓ Quiz bank: {n} questions", report.quiz_items
            )
        )
    counts = report.counts
    if counts is None:
        lines.append(tr(lang, "🗄 No database."))
    else:
        lines += [
            tr(lang, "👥 Users: {users}", users=counts.users),
            tr(
                lang,
                "💬 Chats: {active} active, {inactive} inactive",
                active=counts.active_chats,
                inactive=counts.inactive_chats,
            ),
            tr(
                lang,
                "📅 Daily quizzes: {active} active, {paused} paused",
                active=counts.daily_active,
                paused=counts.daily_paused,
            ),
            tr(
                lang,
                "✍️ Answers: {today} today ({zone}), {total} in total",
                today=counts.answers_today,
                zone=e(report.zone),
                total=counts.answers_total,
            ),
            tr(
                lang,
                "📥 Inbox: {pending} pending, {dead} set aside (failed)",
                pending=counts.inbox_pending,
                dead=counts.inbox_dead,
            ),
        ]
    if report.flags is not None:
        lines.append(
            tr(
                lang,
                "👎 Flagged questions: {items} ({flags} flags), {retired} retired for everyone",
                items=report.flags.items,
                flags=report.flags.flags,
                retired=report.flags.retired_everywhere,
            )
        )
    return Reply("\n".join(lines))
