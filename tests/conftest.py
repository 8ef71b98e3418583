"""Shared fixtures: ``fake_api``, a started strict fake Telegram Bot API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakebot import FakeBotAPI


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    """A running FakeBotAPI; point PTB at ``fake_api.base_url`` / ``fake_api.base_file_url``
    (or TELEGRAM_API_URL=``fake_api.root_url``) with token ``fake_api.token``."""
    api = FakeBotAPI()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()
