"""What the bot says about streaks: ``/streak``, the note after an answer, the evening reminder."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.i18n import tr, trn

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
