"""Parse the schedule commands (``/daily``, ``/timezone``, ``/remind``) into plain values.

Nothing here touches Telegram or the database: every user string is valid input and comes back
either as a command value or as a ``SettingsError`` naming what was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.core.replies import Asker, Reply
from bot.core.services import AppServices
from bot.core.streak_rules import local_now
from bot.db import daily
from bot.db.chats import set_chat_timezone, upsert_chat
from bot.db.users import effective_timezone, set_user_reminder, set_user_timezone, user_reminder
from bot.i18n import tr

DEFAULT_DAILY_COUNT = 3
MIN_DAILY_COUNT = 1
MAX_DAILY_COUNT = 10
DEFAULT_REMINDER_TIME = time(20, 0)
ZONE_EXAMPLE = "Europe/Madrid"

_TIME_RE = re.compile(r"^(\d{1,2})[:.h](\d{2})$", re.ASCII)
_ZONE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


@dataclass(frozen=True, slots=True)
class SettingsError:
    """Why a command could not be understood: ``code`` picks the message, ``value`` is echoed."""

    code: str  # "usage_daily" | "bad_time" | "bad_zone" | "bad_count" | "usage_timezone" | ...
    value: str = ""


@dataclass(frozen=True, slots=True)
class DailyShow:
    """``/daily`` with no arguments: show the chat's settings."""


@dataclass(frozen=True, slots=True)
class DailyOff:
    """``/daily off``: stop the daily quiz for this chat."""


@dataclass(frozen=True, slots=True)
class DailySet:
    """``/daily HH:MM [Area/City]``: post daily at ``at`` in ``zone`` (None: the default)."""

    at: time
    zone: str | None


@dataclass(frozen=True, slots=True)
class DailyCount:
    """``/daily count N``: how many questions each daily post holds."""

    count: int


@dataclass(frozen=True, slots=True)
class TimezoneShow:
    """``/timezone`` with no arguments."""


@dataclass(frozen=True, slots=True)
class TimezoneSet:
    zone: str


@dataclass(frozen=True, slots=True)
class RemindShow:
    """``/remind`` with no arguments."""


@dataclass(frozen=True, slots=True)
class RemindOff:
    """``/remind off``: no evening reminder."""


@dataclass(frozen=True, slots=True)
class RemindAt:
    at: time


DailyCommand = DailyShow | DailyOff | DailySet | DailyCount | SettingsError
TimezoneCommand = TimezoneShow | TimezoneSet | SettingsError
RemindCommand = RemindShow | RemindOff | RemindAt | SettingsError

_OFF_WORDS = frozenset({"off", "stop", "no", "none", "disable", "apagar", "desactivar", "parar"})
_COUNT_WORDS = frozenset({"count", "n", "cantidad", "numero", "número"})


def parse_time(text: str) -> time | None:
    """``"7:05"``, ``"07:05"``, ``"19.30"``, ``"8h15"`` → a ``time``; anything else → None."""
    match = _TIME_RE.match(text.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def normalize_zone(text: str) -> str | None:
    """The canonical IANA name for ``text`` (case-insensitive), or None when it is not a zone."""
    candidate = text.strip()
    if not candidate or len(candidate) > 64 or not _ZONE_RE.match(candidate):
        return None
    try:
        ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return _zone_by_lowercase().get(candidate.lower())
    if candidate in _zone_by_lowercase().values():
        return candidate
    return _zone_by_lowercase().get(candidate.lower())


_ZONES_LOWER: dict[str, str] = {}


def _zone_by_lowercase() -> dict[str, str]:
    if not _ZONES_LOWER:
        _ZONES_LOWER.update({name.lower(): name for name in available_timezones()})
    return _ZONES_LOWER


def _args(text: str) -> list[str]:
    """The words after the command itself (``/daily@MyBot 7:00`` → ``["7:00"]``)."""
    words = (text or "").split()
    if words and words[0].startswith("/"):
        words = words[1:]
    return words


def parse_daily_command(text: str) -> DailyCommand:
    """Understand a ``/daily …`` message (the whole text, command word included)."""
    args = _args(text)
    if not args:
        return DailyShow()
    head = args[0].lower()
    if head in _OFF_WORDS and len(args) == 1:
        return DailyOff()
    if head in _COUNT_WORDS:
        if len(args) != 2:
            return SettingsError("bad_count", " ".join(args[1:]))
        return _parse_count(args[1])
    at = parse_time(args[0])
    if at is None:
        return SettingsError("bad_time", args[0][:32])
    if len(args) == 1:
        return DailySet(at, None)
    if len(args) > 2:
        return SettingsError("usage_daily")
    zone = normalize_zone(args[1])
    if zone is None:
        return SettingsError("bad_zone", args[1][:64])
    return DailySet(at, zone)


def _parse_count(word: str) -> DailyCount | SettingsError:
    if not word.isdigit() or len(word) > 3:
        return SettingsError("bad_count", word[:16])
    count = int(word)
    if not MIN_DAILY_COUNT <= count <= MAX_DAILY_COUNT:
        return SettingsError("bad_count", word[:16])
    return DailyCount(count)


def parse_timezone_command(text: str) -> TimezoneCommand:
    """Understand ``/timezone`` or ``/timezone Area/City``."""
    args = _args(text)
    if not args:
        return TimezoneShow()
    if len(args) > 1:
        return SettingsError("bad_zone", " ".join(args)[:64])
    zone = normalize_zone(args[0])
    if zone is None:
        return SettingsError("bad_zone", args[0][:64])
    return TimezoneSet(zone)


def parse_remind_command(text: str) -> RemindCommand:
    """Understand ``/remind``, ``/remind off`` or ``/remind HH:MM``."""
    args = _args(text)
    if not args:
        return RemindShow()
    if len(args) > 1:
        return SettingsError("usage_remind")
    if args[0].lower() in _OFF_WORDS:
        return RemindOff()
    at = parse_time(args[0])
    if at is None:
        return SettingsError("bad_time", args[0][:32])
    return RemindAt(at)


def format_time(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


@dataclass(frozen=True, slots=True)
class DailyStatus:
    """A chat's daily-quiz settings, as shown by ``/daily``."""

    active: bool
    at: time | None = None
    zone: str | None = None
    count: int = DEFAULT_DAILY_COUNT
    paused: bool = False


def render_settings_error(error: SettingsError, lang: str) -> str:
    """A clear, polite explanation of what was wrong, with an example that works (HTML)."""
    value = escape(error.value)
    if error.code == "bad_time":
        return tr(
            lang,
            "“{value}” is not a time of day. Use 24-hour HH:MM, "
            "for example <code>/daily 07:30</code>.",
            value=value,
        )
    if error.code == "bad_zone":
        return tr(
            lang,
            "I don't know the time zone “{value}”. Use an IANA name like <code>{example}</code> "
            "or <code>America/Mexico_City</code>.",
            value=value,
            example=ZONE_EXAMPLE,
        )
    if error.code == "bad_count":
        return tr(
            lang,
            "The number of questions must be between {low} and {high}, e.g. "
            "<code>/daily count 3</code>.",
            low=MIN_DAILY_COUNT,
            high=MAX_DAILY_COUNT,
        )
    if error.code == "usage_remind":
        return tr(lang, "Use <code>/remind HH:MM</code> or <code>/remind off</code>.")
    return render_daily_usage(lang)


def render_daily_usage(lang: str) -> str:
    return tr(
        lang,
        "<b>Daily quiz</b>\n"
        "<code>/daily HH:MM [Area/City]</code> — a quiz every day at that local time\n"
        "<code>/daily count N</code> — questions per day ({low}–{high})\n"
        "<code>/daily off</code> — stop\n"
        "In groups only admins can change this. In channels polls are anonymous, so answers "
        "there don't count for streaks.",
        low=MIN_DAILY_COUNT,
        high=MAX_DAILY_COUNT,
    )


def render_daily_status(status: DailyStatus, lang: str) -> str:
    """The ``/daily`` answer without arguments."""
    if not status.active or status.at is None:
        return tr(lang, "No daily quiz in this chat yet.") + "\n\n" + render_daily_usage(lang)
    text = tr(
        lang,
        "📅 Daily quiz at <b>{at}</b> ({zone}), {count} per day.",
        at=format_time(status.at),
        zone=escape(status.zone or "UTC"),
        count=status.count,
    )
    if status.paused:
        text += "\n" + tr(
            lang, "It is paused because I could not post here. Send /daily HH:MM to resume."
        )
    return text


def render_daily_set(
    at: time, zone: str, count: int, lang: str, starts_tomorrow: bool = False
) -> str:
    text = tr(
        lang,
        "✅ Daily quiz set for <b>{at}</b> ({zone}), {count} per day. "
        "<code>/daily off</code> stops it.",
        at=format_time(at),
        zone=escape(zone),
        count=count,
    )
    if starts_tomorrow:
        text += " " + tr(lang, "That time has passed today: the first quiz comes tomorrow.")
    return text


def render_daily_off(was_active: bool, lang: str) -> str:
    if not was_active:
        return tr(lang, "There was no daily quiz here. Nothing to stop.")
    return tr(lang, "🛑 Daily quiz stopped. <code>/daily HH:MM</code> starts it again.")


def render_daily_count(count: int, active: bool, lang: str) -> str:
    text = tr(lang, "✅ {count} questions per daily quiz.", count=count)
    if not active:
        text += " " + tr(lang, "Set a time with <code>/daily HH:MM</code> to start it.")
    return text


def render_admins_only(lang: str) -> str:
    return tr(lang, "Sorry, only this group's admins can change the daily quiz.")


def render_timezone(zone: str, changed: bool, lang: str) -> str:
    if changed:
        return tr(
            lang,
            "🌍 Your time zone is now <b>{zone}</b>. Streak days follow it.",
            zone=escape(zone),
        )
    return tr(
        lang,
        "🌍 Your time zone: <b>{zone}</b>. Change it with <code>/timezone Area/City</code>, "
        "e.g. <code>/timezone {example}</code>.",
        zone=escape(zone),
        example=ZONE_EXAMPLE,
    )


def render_remind(at: time | None, lang: str) -> str:
    if at is None:
        return tr(lang, "🔕 No evening reminders. <code>/remind 20:00</code> turns them back on.")
    return tr(
        lang,
        "⏰ If your streak is at risk I'll remind you at <b>{at}</b> (your time). "
        "<code>/remind off</code> stops it.",
        at=format_time(at),
    )


def render_private_only(lang: str) -> str:
    return tr(lang, "This setting is personal: send it to me in a private chat.")


# --- applying the commands to the database --------------------------------------------------

AdminCheck = Callable[[], Awaitable[bool]]


async def _yes() -> bool:
    return True


async def daily_reply(
    services: AppServices,
    asker: Asker,
    text: str,
    *,
    chat_type: str = "private",
    chat_title: str | None = None,
    is_admin: AdminCheck = _yes,
    now: datetime | None = None,
) -> Reply:
    """``/daily …`` in any chat: show, set, count or stop the chat's daily quiz. In groups only
    admins may change it (``is_admin`` is asked only for changes); channels post as admins.
    A time that has already passed today starts tomorrow, rather than posting at once."""
    command = parse_daily_command(text)
    if isinstance(command, SettingsError):
        return Reply(render_settings_error(command, asker.lang))
    changes = not isinstance(command, DailyShow)
    if changes and chat_type in ("group", "supergroup") and not await is_admin():
        return Reply(render_admins_only(asker.lang))
    async with services.db.session() as session:
        await upsert_chat(session, asker.chat_id, chat_type, chat_title)
        current = await daily.daily_subscription(session, asker.chat_id)
        if isinstance(command, DailyShow):
            return Reply(render_daily_status(_status(current), asker.lang))
        if isinstance(command, DailyOff):
            stopped = await daily.unsubscribe_daily(session, asker.chat_id)
            return Reply(render_daily_off(stopped, asker.lang))
        if isinstance(command, DailyCount):
            changed = await daily.set_daily_count(session, asker.chat_id, command.count)
            return Reply(render_daily_count(command.count, changed, asker.lang))
        zone = command.zone
        if zone is None:
            zone = current.timezone if current is not None else None
        if zone is None:
            user_id = asker.user_id if chat_type == "private" else None
            zone = await effective_timezone(
                session, user_id, asker.chat_id, services.settings.default_timezone
            )
        else:
            await set_chat_timezone(session, asker.chat_id, zone)
        local = local_now(now or datetime.now(UTC), zone)
        starts_tomorrow = local.time().replace(tzinfo=None) >= command.at
        first_day = local.date() + timedelta(days=1) if starts_tomorrow else local.date()
        subscription = await daily.subscribe_daily(
            session, asker.chat_id, command.at, zone, starts_on=first_day
        )
        return Reply(
            render_daily_set(command.at, zone, subscription.count, asker.lang, starts_tomorrow)
        )


def _status(subscription: object | None) -> DailyStatus:
    if subscription is None:
        return DailyStatus(active=False)
    return DailyStatus(
        active=True,
        at=subscription.post_time,  # type: ignore[attr-defined]
        zone=subscription.timezone,  # type: ignore[attr-defined]
        count=subscription.count,  # type: ignore[attr-defined]
        paused=not subscription.active,  # type: ignore[attr-defined]
    )


async def timezone_reply(services: AppServices, asker: Asker, text: str) -> Reply:
    """``/timezone [Area/City]``: show or set the student's own zone (their streak days)."""
    command = parse_timezone_command(text)
    if isinstance(command, SettingsError):
        return Reply(render_settings_error(command, asker.lang))
    if asker.user_id is None:
        return Reply(tr(asker.lang, "Streaks need the database, which is not available."))
    async with services.db.session() as session:
        if isinstance(command, TimezoneSet):
            await set_user_timezone(session, asker.user_id, command.zone)
            return Reply(render_timezone(command.zone, True, asker.lang))
        zone = await effective_timezone(
            session, asker.user_id, asker.chat_id, services.settings.default_timezone
        )
    return Reply(render_timezone(zone, False, asker.lang))


async def remind_reply(services: AppServices, asker: Asker, text: str) -> Reply:
    """``/remind [off|HH:MM]``: the evening streak reminder in private chat."""
    command = parse_remind_command(text)
    if isinstance(command, SettingsError):
        return Reply(render_settings_error(command, asker.lang))
    if not asker.private:
        return Reply(render_private_only(asker.lang))
    if asker.user_id is None:
        return Reply(tr(asker.lang, "Streaks need the database, which is not available."))
    async with services.db.session() as session:
        if isinstance(command, RemindOff):
            await set_user_reminder(session, asker.user_id, enabled=False)
            return Reply(render_remind(None, asker.lang))
        if isinstance(command, RemindAt):
            await set_user_reminder(session, asker.user_id, at=command.at, enabled=True)
            return Reply(render_remind(command.at, asker.lang))
        stored = await user_reminder(session, asker.user_id)
    if stored is None:
        return Reply(render_remind(DEFAULT_REMINDER_TIME, asker.lang))
    at, enabled = stored
    return Reply(render_remind(at if enabled else None, asker.lang))
