"""A strict local fake of the Telegram Bot API that a real python-telegram-bot Application talks
to by long polling: ``FakeBotAPI`` (server), update builders, users and chats for tests.

Typical use (the ``fake_api`` fixture in tests/conftest.py starts one per test)::

    app = fake_api.application_builder().build()        # or TELEGRAM_API_URL=fake_api.root_url
    fake_api.push_update(fake_api.build.command(ALICE, "/start"))
    [hello] = await fake_api.wait_for(lambda: fake_api.messages(ALICE.id))
    fake_api.push_update(fake_api.build.callback_query(ALICE, hello, "some:data"))
    fake_api.fail_next("sendMessage", 429, retry_after=3)   # or 500/502, block_chat(id)
    fake_api.flood_limits = True                         # 30/s, 20/min per group, bursts
"""

from .server import DEFAULT_TOKEN, Call, FakeBotAPI
from .state import CallbackRecord, Chat, InlineQueryRecord, PollRecord, User
from .updates import (
    ALICE,
    BOB,
    CAROL,
    NOTES_CHANNEL,
    SMALL_GROUP,
    STUDY_GROUP,
    UpdateBuilder,
)
from .validation import ApiError, parse_html, utf16_len

__all__ = [
    "ALICE",
    "BOB",
    "CAROL",
    "DEFAULT_TOKEN",
    "NOTES_CHANNEL",
    "SMALL_GROUP",
    "STUDY_GROUP",
    "ApiError",
    "Call",
    "CallbackRecord",
    "Chat",
    "FakeBotAPI",
    "InlineQueryRecord",
    "PollRecord",
    "UpdateBuilder",
    "User",
    "parse_html",
    "utf16_len",
]
