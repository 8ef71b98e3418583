"""Configuration, read once from the environment and an optional ``.env`` into one typed object."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.corpus import MAX_FILE_BYTES, MAX_NOTEBOOK_BYTES, NoteLimits


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    data_dir: Path = Field(default=Path("data"), alias="STUDYBOT_DATA_DIR")
    corpus_dir: Path = Field(default=Path("corpus"), alias="STUDYBOT_CORPUS_DIR")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), alias="STUDYBOT_ADMIN_IDS"
    )
    log_level: str = Field(default="INFO", alias="STUDYBOT_LOG_LEVEL")
    default_timezone: str = Field(default="UTC", alias="STUDYBOT_TIMEZONE")
    webhook_secret: SecretStr | None = Field(default=None, alias="STUDYBOT_WEBHOOK_SECRET")
    # each chat's own notes: the limits of what a chat may send, and how much of them stays open
    max_download_bytes: int = Field(default=20 * 1024 * 1024, alias="STUDYBOT_MAX_DOWNLOAD_BYTES")
    max_notes_bytes: int = Field(default=10 * 1024 * 1024, alias="STUDYBOT_MAX_NOTES_BYTES")
    max_note_files: int = Field(default=300, alias="STUDYBOT_MAX_NOTE_FILES")
    max_note_file_bytes: int = Field(
        default=MAX_FILE_BYTES, ge=1, alias="STUDYBOT_MAX_NOTE_FILE_BYTES"
    )
    max_notebook_bytes: int = Field(
        default=MAX_NOTEBOOK_BYTES, ge=1, alias="STUDYBOT_MAX_NOTEBOOK_BYTES"
    )
    max_zip_bytes: int = Field(default=50 * 1024 * 1024, alias="STUDYBOT_MAX_ZIP_BYTES")
    max_zip_members: int = Field(default=1000, alias="STUDYBOT_MAX_ZIP_MEMBERS")
    # chats' notebooks kept open while their estimated memory adds up to at most this
    notebook_memory_mb: float = Field(default=256, ge=0, alias="STUDYBOT_NOTEBOOK_MEMORY_MB")
    # a quiz item flagged "👎 Bad question" by this many different students is retired for every
    # chat studying the same notes (the chat of each flag drops it at once)
    quiz_flags_to_retire: int = Field(default=2, ge=1, alias="STUDYBOT_QUIZ_FLAGS_TO_RETIRE")
    # how often a chat's notes are compared with the database (another instance may have
    # changed them); 0: before every update of the chat
    notes_check_seconds: float = Field(default=2.0, ge=0, alias="STUDYBOT_NOTES_CHECK_SECONDS")
    # the inbox: an update not finished within the lease is handled again (by any instance);
    # one failing this many attempts is set aside (dead letter)
    inbox_lease_s: float = Field(default=60.0, gt=0, alias="STUDYBOT_INBOX_LEASE_S")
    inbox_max_attempts: int = Field(default=5, ge=1, alias="STUDYBOT_INBOX_MAX_ATTEMPTS")
    # how long a transient storage failure (locked, disk full, database down) is retried
    storage_retry_s: float = Field(default=30.0, ge=0, alias="STUDYBOT_STORAGE_RETRY_S")
    # many instances on one database: a daily post claimed but not progressing for this long is
    # resumed by another instance; each instance sends at most 1/instances of the flood limit
    daily_lease_seconds: float = Field(default=120.0, gt=0, alias="STUDYBOT_DAILY_LEASE_SECONDS")
    instances: int = Field(default=1, ge=1, le=30, alias="STUDYBOT_INSTANCES")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return frozenset(int(part) for part in value.replace(",", " ").split())
            except ValueError:
                raise ValueError("expected numeric Telegram user ids, comma-separated") from None
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError("expected an http:// or https:// URL, e.g. https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Madrid)"
            ) from None
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown level {value!r} (DEBUG, INFO, WARNING or ERROR)")
        return value.upper()

    @field_validator("database_url")
    @classmethod
    def _async_database_url(cls, value: str | None) -> str | None:
        # The URL itself is never echoed: it may hold a password.
        if not value:
            return value
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            dialect = make_url(value).get_dialect()
        except NoSuchModuleError:  # a subclass of ArgumentError
            raise ValueError("unknown database or driver") from None
        except ArgumentError:
            raise ValueError("not a database URL") from None
        if not getattr(dialect, "is_async", False):
            raise ValueError(
                "needs an async driver: sqlite+aiosqlite:///… or postgresql+asyncpg://…"
            )
        return value

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'studybot.db').resolve()}"

    @property
    def note_limits(self) -> NoteLimits:
        """How much of a notebook is indexed: bytes per file and for all its files."""
        return NoteLimits(self.max_note_file_bytes, self.max_notebook_bytes)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def notebooks_dir(self) -> Path:
        """Where each chat's notes are laid out and indexed (caches of what the database holds)."""
        return self.data_dir / "notebooks"


def describe_settings_error(error: ValidationError) -> str:
    """One line naming each bad setting by its variable. Pydantic's dump of the input is left out
    (a DATABASE_URL can hold a password)."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in item["loc"]) or "settings"
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{name}: {message}")
    return "invalid setting " + "; ".join(problems)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own ``Settings(...)`` instead."""
    return Settings()
