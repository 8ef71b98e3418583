"""Configuration, read once from the environment and an optional ``.env`` into one typed object."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'studybot.db').resolve()}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own ``Settings(...)`` instead."""
    return Settings()
