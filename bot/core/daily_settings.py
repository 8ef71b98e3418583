"""Parse the schedule commands (``/daily``, ``/timezone``, ``/remind``) into plain values.

Nothing here touches Telegram or the database: every user string is valid input and comes back
either as a command value or as a ``SettingsError`` naming what was wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_DAILY_COUNT = 3
MIN_DAILY_COUNT = 1
MAX_DAILY_COUNT = 10
DEFAULT_REMINDER_TIME = time(20, 0)
ZONE_EXAMPLE = "Europe/Madrid"

_TIME_RE = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
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
