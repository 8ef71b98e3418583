"""What the bot says about streaks: ``/streak``, the note after an answer, the evening reminder."""

from __future__ import annotations

from dataclasses import dataclass
from gettext import NullTranslations
from html import escape

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


def _days(t: NullTranslations, n: int) -> str:
    return t.ngettext("{n} day", "{n} days", n).format(n=n)


def render_streak(facts: StreakFacts, t: NullTranslations) -> str:
    """The ``/streak`` message (HTML)."""
    _ = t.gettext
    flame = "🔥" if facts.current > 0 else "🧊"
    lines = [
        _("{flame} <b>Current streak:</b> {days}").format(
            flame=flame, days=_days(t, facts.current)
        ),
        _("🏅 <b>Best streak:</b> {days}").format(days=_days(t, facts.best)),
        _("❄️ <b>Freezes:</b> {n} of {max}").format(n=facts.freezes, max=MAX_FREEZES),
    ]
    if facts.answered_today:
        lines.append(
            t.ngettext(
                "✅ Today: done ({n} answer).", "✅ Today: done ({n} answers).", facts.answers_today
            ).format(n=facts.answers_today)
        )
    elif facts.current > 0:
        lines.append(_("⏳ Today: not yet — answer one question to keep your streak."))
    else:
        lines.append(_("⏳ Today: not yet — answer one question to start a streak."))
    if facts.group_current is not None:
        title = escape(facts.group_title or _("this group"))
        lines.append("")
        lines.append(
            _("👥 In {title}: {current} (best {best})").format(
                title=title,
                current=_days(t, facts.group_current),
                best=facts.group_best or 0,
            )
        )
    lines.append("")
    lines.append(_("A freeze is earned every 7 days in a row (2 at most); a missed day uses one."))
    return "\n".join(lines)


def render_answer_note(outcome: AnswerOutcome, t: NullTranslations) -> str | None:
    """A short private note after an answer, or None when there is nothing worth saying."""
    _ = t.gettext
    parts: list[str] = []
    if outcome.freezes_used:
        parts.append(
            t.ngettext(
                "❄️ A freeze saved your streak for a missed day.",
                "❄️ {n} freezes saved your streak for missed days.",
                outcome.freezes_used,
            ).format(n=outcome.freezes_used)
        )
    if outcome.first_today:
        parts.append(_("🔥 Streak: {days}.").format(days=_days(t, outcome.streak)))
    if outcome.best_reached and outcome.first_today and outcome.streak > 1:
        parts.append(_("🏅 That's your best streak so far!"))
    if outcome.freeze_earned:
        parts.append(_("❄️ You earned a streak freeze."))
    return " ".join(parts) if parts else None


def render_reminder(current: int, t: NullTranslations) -> str:
    """The evening nudge in private chat when today's answer is still missing."""
    _ = t.gettext
    return _(
        "⏰ Your {days} streak ends at midnight. One question keeps it alive: /quiz"
    ).format(days=_days(t, current))
