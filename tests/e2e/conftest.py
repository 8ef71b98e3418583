"""End-to-end fixtures: the REAL Application (bot.telegram.app.build_application) long-polling the
strict fake Bot API; notes indexed once per session, a fresh database per test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.core.notebooks import NotebookRegistry
from bot.core.services import AppServices
from bot.db.session import Database
from bot.settings import Settings
from bot.telegram.app import build_application, polling
from index.search import open_searcher
from index.store import ensure_index
from tests.fakebot import FakeBotAPI, User

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="session")
def notes_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped notes, indexed once for the whole session."""
    index_dir = tmp_path_factory.mktemp("e2e-index") / "index"
    ensure_index(CORPUS, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def notes_searcher(notes_index: Path):
    return open_searcher(notes_index)


@dataclass
class BotHarness:
    """A running bot and the fake it talks to, with helpers to converse."""

    api: FakeBotAPI
    application: Any
    services: AppServices

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        return self.api.messages(chat_id)

    async def send_and_wait(
        self, update: dict[str, Any], chat_id: int, count: int = 1, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Push ``update`` and wait until ``count`` new bot messages are in ``chat_id``."""
        before = len(self.sent(chat_id))
        self.api.push_update(update)
        await self.api.wait_for(lambda: len(self.sent(chat_id)) >= before + count, timeout)
        return self.sent(chat_id)[before:]

    async def settle(self, delay: float = 0.4, timeout: float = 20.0) -> None:
        """Wait until every pushed update was fetched, and the inbox holds none still pending
        (each was handled, its writes committed), plus a grace period for work it started."""
        await self.api.wait_for(lambda: not self.api.pending_updates(), 10)
        deadline = asyncio.get_running_loop().time() + timeout
        while await self._inbox_pending():
            assert asyncio.get_running_loop().time() < deadline, "updates still pending"
            await asyncio.sleep(0.05)
        await asyncio.sleep(delay)

    async def _inbox_pending(self) -> int:
        from sqlalchemy import func, select

        from bot.db.inbox import PENDING
        from bot.db.models import InboxUpdate

        async with self.services.db.session() as session:
            query = select(func.count()).where(InboxUpdate.state == PENDING)
            return int(await session.scalar(query) or 0)

    async def press(self, user: User, message: dict[str, Any], data: str) -> str:
        """Press a button; waits until the callback query is answered; returns the query id."""
        update = self.api.build.callback_query(user, message, data)
        query_id = update["callback_query"]["id"]
        self.api.push_update(update)
        await self.api.wait_for(lambda: self.api.callback_queries[query_id].answered, 10)
        return query_id


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def button_data(message: dict[str, Any], label_part: str) -> str:
    for button in buttons(message):
        if label_part in button["text"]:
            return button["callback_data"]
    raise AssertionError(f"no button with {label_part!r} in {buttons(message)}")


async def start_bot(
    api: FakeBotAPI,
    searcher,
    data_dir: Path,
    database_url: str | None = None,
    **settings_overrides: str,
) -> AsyncIterator[BotHarness]:
    """The real Application polling ``api``, on ``database_url`` (else a fresh SQLite file in
    ``data_dir``)."""
    settings = Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_API_URL=api.root_url,
        STUDYBOT_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url or f"sqlite+aiosqlite:///{data_dir / 'studybot.db'}",
        **settings_overrides,
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.effective_database_url)
    await db.start()
    services = AppServices(settings=settings, db=db, notebooks=NotebookRegistry.of(searcher))
    application = build_application(settings, services)
    try:
        async with polling(application):
            yield BotHarness(api, application, services)
    finally:
        await db.close()


@pytest.fixture
async def bot(
    fake_api: FakeBotAPI, notes_searcher, tmp_path: Path, e2e_db_url: str
) -> AsyncIterator[BotHarness]:
    """The real Application over the shipped notes, polling ``fake_api`` (on SQLite, or on each
    database the test is marked with ``backends``)."""
    async for harness in start_bot(fake_api, notes_searcher, tmp_path / "data", e2e_db_url):
        yield harness
