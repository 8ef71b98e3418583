"""What the bot says about streaks: ``/streak``, the note after an answer, the evening reminder."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import escape

from bot.core.replies import Asker, Photo, Reply
from bot.core.services import AppServices
from bot.core.streak_rules import local_day
from bot.db.stats import answer_totals, daily_activity
from bot.db.streaks import streak_summary
from bot.db.users import effective_timezone
from bot.features.streaks.stats_picture import StatsPicture, render_stats_png
from bot.i18n import N_, tr, trn

MAX_FREEZES = 2


@dataclass(frozen=True, slots=True)
class StreakFacts:
    """A student's streak state, as of their local ``today``."""

    current: int
    best: int
    freezes: int
    answered_today: bool
    answers_today: int = 0
    group_title: str | None = None  # set when shown inside a group
    group_current: int | None = None
    group_best: int | None = None


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """What one answer changed: shown to the student after the poll."""

    correct: bool
    first_today: bool  # the first answer of the local day: the streak grew
    streak: int
    freezes_used: int = 0  # freezes spent to bridge missed days
    freeze_earned: bool = False
    best_reached: bool = False


def _days(lang: str, n: int) -> str:
    return trn(lang, "{n} day", "{n} days", n)


def render_streak(facts: StreakFacts, lang: str) -> str:
    """The ``/streak`` message (HTML)."""
    flame = "🔥" if facts.current > 0 else "🧊"
    lines = [
        tr(
            lang,
            "{flame} <b>Current streak:</b> {days}",
            flame=flame,
            days=_days(lang, facts.current),
        ),
        tr(lang, "🏅 <b>Best streak:</b> {days}", days=_days(lang, facts.best)),
        tr(lang, "❄️ <b>Freezes:</b> {n} of {max}", n=facts.freezes, max=MAX_FREEZES),
    ]
    if facts.answered_today:
        lines.append(
            trn(
                lang,
                "✅ Today: done ({n} answer).",
                "✅ Today: done ({n} answers).",
                facts.answers_today,
            )
        )
    elif facts.current > 0:
        lines.append(tr(lang, "⏳ Today: not yet — answer one question to keep your streak."))
    else:
        lines.append(tr(lang, "⏳ Today: not yet — answer one question to start a streak."))
    if facts.group_current is not None:
        title = escape(facts.group_title or tr(lang, "this group"))
        lines.append("")
        lines.append(
            tr(
                lang,
                "👥 In {title}: {current} (best {best})",
                title=title,
                current=_days(lang, facts.group_current),
                best=facts.group_best or 0,
            )
        )
    lines.append("")
    lines.append(
        tr(lang, "A freeze is earned every 7 days in a row (2 at most); a missed day uses one.")
    )
    return "\n".join(lines)


def render_answer_note(outcome: AnswerOutcome, lang: str) -> str | None:
    """A short private note after an answer, or None when there is nothing worth saying."""
    parts: list[str] = []
    if outcome.freezes_used:
        parts.append(
            trn(
                lang,
                "❄️ A freeze saved your streak for a missed day.",
                "❄️ {n} freezes saved your streak for missed days.",
                outcome.freezes_used,
            )
        )
    if outcome.first_today:
        parts.append(tr(lang, "🔥 Streak: {days}.", days=_days(lang, outcome.streak)))
    if outcome.best_reached and outcome.first_today and outcome.streak > 1:
        parts.append(tr(lang, "🏅 That's your best streak so far!"))
    if outcome.freeze_earned:
        parts.append(tr(lang, "❄️ You earned a streak freeze."))
    return " ".join(parts) if parts else None


def render_reminder(current: int, lang: str) -> str:
    """The evening nudge in private chat when today's answer is still missing."""
    return tr(
        lang,
        "⏰ Your {days} streak ends at midnight. One question keeps it alive: /quiz",
        days=_days(lang, current),
    )


# --- /streak and /stats over the database ---------------------------------------------------

STATS_WEEKS = 12


async def _today_and_zone(services: AppServices, asker: Asker, now: datetime) -> tuple[date, str]:
    async with services.db.session() as session:
        tz = await effective_timezone(
            session, asker.user_id, asker.chat_id, services.settings.default_timezone
        )
    return local_day(now, tz), tz


async def streak_reply(
    services: AppServices,
    asker: Asker,
    *,
    chat_title: str | None = None,
    now: datetime | None = None,
) -> Reply:
    """``/streak``: the student's streaks (plus the group's, when asked in a group)."""
    if asker.user_id is None:
        return Reply(tr(asker.lang, "Streaks need the database, which is not available."))
    today, _tz = await _today_and_zone(services, asker, now or datetime.now(UTC))
    group = None if asker.private else asker.chat_id
    async with services.db.session() as session:
        summary = await streak_summary(session, asker.user_id, today, group)
    facts = StreakFacts(
        current=summary.current,
        best=summary.best,
        freezes=summary.freezes,
        answered_today=summary.answered_today,
        answers_today=summary.answers_today,
        group_title=chat_title,
        group_current=summary.group_current,
        group_best=summary.group_best,
    )
    return Reply(render_streak(facts, asker.lang))


def stats_summary(total: int, correct: int, lang: str) -> str:
    """``"123 answers · 87% correct"`` (plain text)."""
    answers = trn(lang, "{n} answer", "{n} answers", total)
    if total == 0:
        return answers
    percent = round(100 * correct / total)
    return tr(lang, "{answers} · {percent}% correct", answers=answers, percent=percent)


async def stats_reply(
    services: AppServices, asker: Asker, *, now: datetime | None = None
) -> Photo | Reply:
    """``/stats``: a PNG heatmap of the last weeks with total answers and accuracy."""
    if asker.user_id is None:
        return Reply(tr(asker.lang, "Streaks need the database, which is not available."))
    today, _tz = await _today_and_zone(services, asker, now or datetime.now(UTC))
    since = today - timedelta(weeks=STATS_WEEKS)
    async with services.db.session() as session:
        activity = await daily_activity(session, asker.user_id, since, today)
        totals = await answer_totals(session, asker.user_id)
    summary = stats_summary(totals.answers, totals.correct, asker.lang)
    if asker.first_name:
        title = tr(
            asker.lang, "{name}: last {weeks} weeks", name=asker.first_name, weeks=STATS_WEEKS
        )
    else:
        title = tr(asker.lang, "Your last {weeks} weeks", weeks=STATS_WEEKS)
    picture = StatsPicture(
        title=title,
        answers_by_day={day: value.answers for day, value in activity.items()},
        today=today,
        total_answers=totals.answers,
        correct_answers=totals.correct,
        summary_label=summary,
        weekday_labels=tuple(tr(asker.lang, label) if label else "" for label in WEEKDAY_LABELS),
        legend_less=tr(asker.lang, "less"),
        legend_more=tr(asker.lang, "more"),
        locale=asker.lang,
    )
    png = await asyncio.to_thread(render_stats_png, picture, STATS_WEEKS)
    caption = tr(asker.lang, "📊 <b>Your progress</b>: {summary}", summary=escape(summary))
    return Photo(png=png, caption=caption)


WEEKDAY_LABELS = (N_("Mon"), "", N_("Wed"), "", N_("Fri"), "", N_("Sun"))
