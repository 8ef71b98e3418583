"""Render a group's leaderboard (streaks, this week's correct answers) as escaped Telegram HTML."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from bot.core.replies import Asker, Reply
from bot.core.services import AppServices
from bot.core.streak_rules import local_day, week_start
from bot.db.stats import weekly_leaderboard
from bot.db.users import effective_timezone
from bot.i18n import tr, trn

MEDALS = ("🥇", "🥈", "🥉")
MAX_ROWS = 10
MAX_NAME = 32


@dataclass(frozen=True, slots=True)
class LeaderRow:
    """One member's standing in a group."""

    user_id: int
    name: str
    group_streak: int  # current streak of days answering in this group
    best_streak: int
    week_correct: int  # correct answers in this group since Monday (chat's local week)


def display_name(name: str | None, user_id: int) -> str:
    """A printable name: trimmed, one line, never empty; still unescaped."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        return f"#{user_id}"
    return cleaned if len(cleaned) <= MAX_NAME else cleaned[: MAX_NAME - 1] + "…"


def rank_by_week(rows: Sequence[LeaderRow]) -> list[LeaderRow]:
    return sorted(rows, key=lambda r: (-r.week_correct, -r.group_streak, _name_key(r)))


def rank_by_streak(rows: Sequence[LeaderRow]) -> list[LeaderRow]:
    return sorted(rows, key=lambda r: (-r.group_streak, -r.best_streak, _name_key(r)))


def _name_key(row: LeaderRow) -> str:
    return display_name(row.name, row.user_id).casefold()


def _place(index: int) -> str:
    return MEDALS[index] if index < len(MEDALS) else f"{index + 1}."


def render_leaderboard(rows: Sequence[LeaderRow], chat_title: str | None, lang: str) -> str:
    """The ``/top`` message: two short rankings, names HTML-escaped."""
    title = escape(chat_title or "") if chat_title else escape(tr(lang, "this group"))
    lines = [tr(lang, "🏆 <b>Leaderboard — {title}</b>", title=title)]
    week = [r for r in rank_by_week(rows) if r.week_correct > 0][:MAX_ROWS]
    streaks = [r for r in rank_by_streak(rows) if r.group_streak > 0][:MAX_ROWS]
    if not week and not streaks:
        lines.append("")
        lines.append(tr(lang, "Nobody has answered a quiz here yet. Try /quiz!"))
        return "\n".join(lines)
    lines.append("")
    lines.append(tr(lang, "<b>This week's correct answers</b>"))
    if week:
        for i, row in enumerate(week):
            name = escape(display_name(row.name, row.user_id))
            lines.append(f"{_place(i)} {name} — {row.week_correct}")
    else:
        lines.append(tr(lang, "No correct answers yet this week."))
    lines.append("")
    lines.append(tr(lang, "<b>Streaks in this group</b>"))
    if streaks:
        for i, row in enumerate(streaks):
            name = escape(display_name(row.name, row.user_id))
            days = trn(lang, "{n} day", "{n} days", row.group_streak)
            best = tr(lang, "best {n}", n=row.best_streak)
            lines.append(f"{_place(i)} {name} — 🔥 {days} ({best})")
    else:
        lines.append(tr(lang, "No running streaks."))
    return "\n".join(lines)


async def leaderboard_reply(
    services: AppServices,
    asker: Asker,
    *,
    chat_title: str | None = None,
    now: datetime | None = None,
) -> Reply:
    """``/top`` in a group: this week's correct answers (the chat's local week) and streaks."""
    if asker.private:
        return Reply(
            tr(asker.lang, "The leaderboard lives in groups: add me to one and try /top there.")
        )
    async with services.db.session() as session:
        tz = await effective_timezone(
            session, None, asker.chat_id, services.settings.default_timezone
        )
        today = local_day(now or datetime.now(UTC), tz)
        entries = await weekly_leaderboard(session, asker.chat_id, week_start(today), today)
    rows = [
        LeaderRow(
            user_id=entry.user_id,
            name=entry.first_name,
            group_streak=entry.group_streak,
            best_streak=entry.best_streak,
            week_correct=entry.week_correct,
        )
        for entry in entries
    ]
    return Reply(render_leaderboard(rows, chat_title, asker.lang))
