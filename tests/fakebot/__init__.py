"""A strict local fake of the Telegram Bot API that a real python-telegram-bot Application talks
to by long polling: ``FakeBotAPI`` (server), update builders, users and chats for tests."""

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
