"""What the fake Bot API remembers: users, chats and their messages (with edits), polls, callback
and inline queries, bot commands, uploaded files and the queue of pending updates."""

from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from .validation import bad_request

ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
    "can_manage_topics": False,
}
GROUP_TYPES = ("group", "supergroup", "channel")


@dataclass(frozen=True)
class User:
    """A Telegram user as it appears in updates (``from``)."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class Chat:
    """A chat: private (id = user id), group, supergroup (-100...) or channel."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    @classmethod
    def private(cls, user: User) -> Chat:
        return cls(user.id, "private", None, user.username, user.first_name, user.last_name)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data


@dataclass
class ChatRecord:
    """A chat plus what happened in it."""

    chat: Chat
    chat_dict: dict[str, Any]
    members: dict[int, str] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    deleted: list[int] = field(default_factory=list)
    bot_message_ids: set[int] = field(default_factory=set)
    next_message_id: int = 1
    bot_status: str = "member"  # member | administrator | left | kicked (blocked in private)
    actions: list[str] = field(default_factory=list)

    def sent_by_bot(self, message_id: int) -> bool:
        return message_id in self.bot_message_ids

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class PollRecord:
    """A poll the bot sent, its message and the votes the test users cast."""

    poll: dict[str, Any]
    chat_id: int
    message_id: int
    votes: dict[int, list[int]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.poll["id"]

    @property
    def correct_option_ids(self) -> list[int]:
        return list(self.poll.get("correct_option_ids") or [])


@dataclass
class CallbackRecord:
    """A callback query sent to the bot and how (whether) it was answered."""

    id: str
    user_id: int
    data: str | None
    chat_id: int | None
    message_id: int | None
    inline_message_id: str | None
    created: float
    answers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.answers)


@dataclass
class InlineQueryRecord:
    """An inline query sent to the bot and its answer, if any."""

    id: str
    user_id: int
    query: str
    created: float
    answers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def answer(self) -> dict[str, Any] | None:
        return self.answers[-1] if self.answers else None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


class FakeState:
    """All mutable state of one fake server."""

    def __init__(self, bot_user: User) -> None:
        self.bot = bot_user
        self.bot_dict = bot_user.to_dict()
        self.chats: dict[int, ChatRecord] = {}
        self.usernames: dict[str, int] = {}
        self.users: dict[int, User] = {}
        self.polls: dict[str, PollRecord] = {}
        self.callback_queries: dict[str, CallbackRecord] = {}
        self.inline_queries: dict[str, InlineQueryRecord] = {}
        self.inline_messages: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.pending: list[tuple[int, dict[str, Any], bool]] = []  # (seq, update, delivered)
        self._seq = itertools.count()
        self.next_update_id = 100_000
        self._ids = itertools.count(1)

    # -- ids ------------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def take_update_id(self) -> int:
        self.next_update_id += 1
        return self.next_update_id

    # -- chats and users ------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        return user

    def add_chat(self, chat: Chat, *, bot_status: str | None = None) -> ChatRecord:
        record = self.chats.get(chat.id)
        if record is None:
            record = ChatRecord(chat=chat, chat_dict=chat.to_dict())
            if chat.type in GROUP_TYPES:
                record.members[self.bot.id] = "member"
            self.chats[chat.id] = record
            if chat.username:
                self.usernames[chat.username.lower()] = chat.id
        if bot_status is not None:
            record.bot_status = bot_status
            if chat.type in GROUP_TYPES:
                record.members[self.bot.id] = bot_status
        return record

    def add_member(self, chat_id: int, user: User, status: str = "member") -> None:
        record = self.chats[chat_id]
        self.add_user(user)
        record.users[user.id] = user
        record.members[user.id] = status

    def chat(self, chat_id: Any) -> ChatRecord:
        """The chat for a chat_id parameter (int, numeric string or @username)."""
        if isinstance(chat_id, str):
            text = chat_id.strip()
            if text.startswith("@"):
                found = self.usernames.get(text[1:].lower())
                if found is None:
                    raise bad_request("chat not found")
                return self.chats[found]
            try:
                chat_id = int(text)
            except ValueError as exc:
                raise bad_request("chat not found") from exc
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            raise bad_request("chat_id is empty" if chat_id is None else "chat not found")
        record = self.chats.get(chat_id)
        if record is None:
            raise bad_request("chat not found")
        return record

    def is_blocked(self, record: ChatRecord) -> bool:
        return record.bot_status in ("kicked", "left")

    # -- messages -------------------------------------------------------------------------
    def store_file(self, content: bytes, path: str) -> StoredFile:
        """Keep ``content`` as a file bots can fetch with getFile and the file endpoint."""
        digest = hashlib.sha1(content).hexdigest()
        stored = StoredFile(
            file_id="AgAC" + digest[:40] + f"{len(self.files):04d}",
            file_unique_id="AQAD" + digest[:12],
            file_path=path,
            content=content,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[path] = stored
        return stored

    def store_message(self, record: ChatRecord, message: dict[str, Any]) -> dict[str, Any]:
        record.messages[message["message_id"]] = message
        return message

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        record = self.chats.get(chat_id)
        return None if record is None else record.messages.get(message_id)

    # -- updates --------------------------------------------------------------------------
    def enqueue(self, update: dict[str, Any]) -> None:
        self.pending.append((next(self._seq), update, False))

    def now(self) -> int:
        return int(time.time())
