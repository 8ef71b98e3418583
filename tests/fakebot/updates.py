"""Builders of updates shaped exactly as Telegram sends them (messages, commands, callback and
inline queries, poll answers, membership changes, channel posts); they record what they create."""

from __future__ import annotations

import time
from typing import Any

from .state import (
    ADMIN_RIGHTS,
    GROUP_TYPES,
    CallbackRecord,
    Chat,
    FakeState,
    InlineQueryRecord,
    User,
)
from .validation import find_auto_entities, inline_keyboard_data

ALICE = User(1001, "Alice", "alice_studies", language_code="en")
BOB = User(1002, "Bob", "bob_learns", last_name="García", language_code="es")
CAROL = User(1003, "Carol", None, language_code="de")
STUDY_GROUP = Chat(-1001000000001, "supergroup", title="AWS Study Group")
SMALL_GROUP = Chat(-4001, "group", title="Exam Buddies")
NOTES_CHANNEL = Chat(-1001000000099, "channel", title="AWS Notes", username="aws_notes_channel")


class UpdateBuilder:
    """Creates update dicts (fresh ``update_id``s) and registers their chats, users and messages.

    Builders only build; queue the result with ``FakeBotAPI.push_update``."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    # -- messages ---------------------------------------------------------------------------
    def private_message(
        self,
        user: User,
        text: str,
        *,
        reply_to_message_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A text message from ``user`` in their private chat with the bot."""
        record = self.state.add_chat(Chat.private(user))
        self.state.add_user(user)
        record.users[user.id] = user
        return self._update(
            "message", self._user_message(record.chat, user, text, reply_to_message_id, entities)
        )

    def command(
        self, user: User, command: str, args: str = "", *, chat: Chat | None = None
    ) -> dict[str, Any]:
        """``/command args`` (with its bot_command entity) in private, or in ``chat`` if given."""
        text = command if command.startswith("/") else f"/{command}"
        if args:
            text = f"{text} {args}"
        if chat is None or chat.type == "private":
            return self.private_message(user, text)
        return self.group_message(chat, user, text)

    def group_message(
        self,
        chat: Chat,
        user: User,
        text: str,
        *,
        reply_to_message_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A message from ``user`` in a group/supergroup (mentions and /cmd@bot get entities);
        ``reply_to_message_id`` makes it a reply (e.g. to one of the bot's messages)."""
        if chat.type not in ("group", "supergroup"):
            raise ValueError("group_message needs a group or supergroup chat")
        record = self.state.add_chat(chat)
        if user.id not in record.members:
            self.state.add_member(chat.id, user, "member")
        return self._update(
            "message", self._user_message(chat, user, text, reply_to_message_id, entities)
        )

    def edited_message(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The user edits one of their earlier messages."""
        message = self.state.message(chat_id, message_id)
        if message is None or message.get("from", {}).get("is_bot"):
            raise ValueError("edited_message needs an existing message sent by a user")
        message["text"] = text
        message["edit_date"] = self.state.now()
        _set_entities(message, find_auto_entities(text))
        return self._update("edited_message", dict(message))

    def channel_post(self, chat: Chat, text: str) -> dict[str, Any]:
        """A post in a channel where the bot is an administrator."""
        if chat.type != "channel":
            raise ValueError("channel_post needs a channel chat")
        record = self.state.add_chat(chat)
        message: dict[str, Any] = {
            "message_id": record.take_message_id(),
            "sender_chat": record.chat_dict,
            "chat": record.chat_dict,
            "date": self.state.now(),
            "text": text,
        }
        _set_entities(message, find_auto_entities(text))
        self.state.store_message(record, message)
        return self._update("channel_post", message)

    def _user_message(
        self,
        chat: Chat,
        user: User,
        text: str,
        reply_to_message_id: int | None,
        entities: list[dict[str, Any]] | None,
    ) -> dict[str, Any]:
        record = self.state.chats[chat.id]
        message: dict[str, Any] = {
            "message_id": record.take_message_id(),
            "from": user.to_dict(),
            "chat": record.chat_dict,
            "date": self.state.now(),
            "text": text,
        }
        if reply_to_message_id is not None:
            target = record.messages.get(reply_to_message_id)
            if target is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat.id} to reply to")
            message["reply_to_message"] = {
                k: v for k, v in target.items() if k != "reply_to_message"
            }
        _set_entities(message, entities if entities is not None else find_auto_entities(text))
        self.state.store_message(record, message)
        return message

    def document_message(
        self,
        user: User,
        content: bytes,
        file_name: str,
        *,
        chat: Chat | None = None,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> dict[str, Any]:
        """``user`` sends a file (in private, or in ``chat``): a message with a ``document``
        whose ``file_id`` getFile resolves to a ``file_path`` the file endpoint serves."""
        if chat is None or chat.type == "private":
            record = self.state.add_chat(Chat.private(user))
            self.state.add_user(user)
            record.users[user.id] = user
        else:
            record = self.state.add_chat(chat)
            if user.id not in record.members:
                self.state.add_member(chat.id, user, "member")
        stored = self.state.store_file(
            content, f"documents/file_{len(self.state.files)}{_suffix(file_name)}"
        )
        message: dict[str, Any] = {
            "message_id": record.take_message_id(),
            "from": user.to_dict(),
            "chat": record.chat_dict,
            "date": self.state.now(),
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": len(content),
            },
        }
        if caption:
            message["caption"] = caption
        self.state.store_message(record, message)
        return self._update("message", message)

    # -- queries ----------------------------------------------------------------------------
    def callback_query(
        self,
        user: User,
        message: dict[str, Any] | int,
        data: str,
        *,
        chat_id: int | None = None,
        check_button: bool = True,
    ) -> dict[str, Any]:
        """``user`` presses the inline button with ``data`` under one of the bot's messages.

        ``message`` is a message dict (as sent or observed) or a message id with ``chat_id``.
        The update carries the message as it is now. Unless ``check_button`` is False, the
        button must exist in the current keyboard (Telegram clients can't press others)."""
        if isinstance(message, dict):
            chat_id, message_id = message["chat"]["id"], message["message_id"]
        else:
            message_id = message
        if chat_id is None:
            raise ValueError("callback_query needs chat_id when given a message id")
        current = self.state.message(chat_id, message_id)
        if current is None:
            raise ValueError(f"message {message_id} not found in chat {chat_id}")
        if check_button and data not in inline_keyboard_data(current.get("reply_markup")):
            raise ValueError(f"no button with callback_data {data!r} on message {message_id}")
        self.state.add_user(user)
        query_id = str(4_000_000_000_000_000_000 + int(self.state.new_id("")))
        self.state.callback_queries[query_id] = CallbackRecord(
            query_id, user.id, data, chat_id, message_id, None, time.monotonic()
        )
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": current,
            "chat_instance": str(abs(hash(("chat", chat_id))) % 10**18),
            "data": data,
        }
        return self._update("callback_query", query)

    def inline_callback_query(
        self, user: User, inline_message_id: str, data: str
    ) -> dict[str, Any]:
        """A button press on a message sent via the bot in inline mode."""
        if inline_message_id not in self.state.inline_messages:
            raise ValueError(f"unknown inline message {inline_message_id!r}")
        query_id = str(4_000_000_000_000_000_000 + int(self.state.new_id("")))
        self.state.callback_queries[query_id] = CallbackRecord(
            query_id, user.id, data, None, None, inline_message_id, time.monotonic()
        )
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "inline_message_id": inline_message_id,
            "chat_instance": str(abs(hash(("inline", inline_message_id))) % 10**18),
            "data": data,
        }
        return self._update("callback_query", query)

    def inline_query(
        self, user: User, query: str, *, offset: str = "", chat_type: str | None = "sender"
    ) -> dict[str, Any]:
        """``user`` types ``@bot query`` in a chat of ``chat_type``."""
        if len(query) > 256:
            raise ValueError("inline queries are at most 256 characters")
        self.state.add_user(user)
        query_id = str(3_000_000_000_000_000_000 + int(self.state.new_id("")))
        self.state.inline_queries[query_id] = InlineQueryRecord(
            query_id, user.id, query, time.monotonic()
        )
        payload: dict[str, Any] = {
            "id": query_id,
            "from": user.to_dict(),
            "query": query,
            "offset": offset,
        }
        if chat_type:
            payload["chat_type"] = chat_type
        return self._update("inline_query", payload)

    def chosen_inline_result(
        self, user: User, result_id: str, query: str, *, inline_message_id: str | None = None
    ) -> dict[str, Any]:
        """``user`` picked result ``result_id``; with ``inline_message_id`` the message it made
        becomes editable through inline_message_id (when the result has a keyboard)."""
        payload: dict[str, Any] = {"result_id": result_id, "from": user.to_dict(), "query": query}
        if inline_message_id is not None:
            payload["inline_message_id"] = inline_message_id
            self.state.inline_messages.setdefault(inline_message_id, {"result_id": result_id})
        return self._update("chosen_inline_result", payload)

    # -- polls ------------------------------------------------------------------------------
    def poll_answer(self, user: User, poll_id: str, option_ids: list[int]) -> dict[str, Any]:
        """``user`` votes in a non-anonymous poll the bot sent (empty list = retract vote)."""
        record = self.state.polls.get(poll_id)
        if record is None:
            raise ValueError(f"unknown poll {poll_id!r}")
        poll = record.poll
        if poll["is_anonymous"]:
            raise ValueError("Telegram sends no poll_answer for anonymous polls")
        if poll["is_closed"]:
            raise ValueError("the poll is closed; no more answers")
        options = poll["options"]
        if any(not 0 <= i < len(options) for i in option_ids) or len(set(option_ids)) != len(
            option_ids
        ):
            raise ValueError(f"option ids {option_ids} out of range")
        if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
            raise ValueError("this poll allows a single answer")
        previous = record.votes.get(user.id)
        if previous is not None and not poll.get("allows_revoting"):
            raise ValueError("this poll does not allow changing a vote")
        if previous is None and not option_ids:
            raise ValueError("nothing to retract")
        for index in previous or []:
            options[index]["voter_count"] -= 1
        for index in option_ids:
            options[index]["voter_count"] += 1
        if option_ids:
            record.votes[user.id] = list(option_ids)
        else:
            record.votes.pop(user.id, None)
        poll["total_voter_count"] = len(record.votes)
        self.state.add_user(user)
        payload = {
            "poll_id": poll_id,
            "user": user.to_dict(),
            "option_ids": list(option_ids),
            "option_persistent_ids": [options[i]["persistent_id"] for i in option_ids],
        }
        return self._update("poll_answer", payload)

    def poll(self, poll_id: str) -> dict[str, Any]:
        """A ``poll`` update with the poll's current state (sent when it changes or closes)."""
        record = self.state.polls.get(poll_id)
        if record is None:
            raise ValueError(f"unknown poll {poll_id!r}")
        return self._update("poll", dict(record.poll))

    # -- membership -------------------------------------------------------------------------
    def my_chat_member(
        self, chat: Chat, user: User, new_status: str, old_status: str | None = None
    ) -> dict[str, Any]:
        """The bot's own membership changes: in private ``kicked`` = blocked, ``member`` =
        unblocked; in groups ``member``/``administrator`` = added, ``left``/``kicked`` = removed.
        The fake applies the change (sends to a kicked chat then get 403)."""
        record = self.state.add_chat(chat)
        if old_status is None:
            if chat.type == "private":
                old_status = "member" if new_status == "kicked" else "kicked"
            else:
                old_status = "left" if new_status in ("member", "administrator") else "member"
        self.state.add_user(user)
        if chat.type in GROUP_TYPES and user.id not in record.members:
            self.state.add_member(chat.id, user, "member")
        record.bot_status = new_status
        if chat.type in GROUP_TYPES:
            record.members[self.state.bot.id] = new_status
        payload = {
            "chat": record.chat_dict,
            "from": user.to_dict(),
            "date": self.state.now(),
            "old_chat_member": _bot_member(old_status, self.state.bot_dict),
            "new_chat_member": _bot_member(new_status, self.state.bot_dict),
        }
        return self._update("my_chat_member", payload)

    # -- generic ----------------------------------------------------------------------------
    def from_spec(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Build from a JSON spec (control API): ``{"kind": "private_message", "user": {...},
        "text": ...}``; ``user``/``chat`` are dicts of User/Chat fields."""
        spec = dict(spec)
        kind = spec.pop("kind")
        if kind.startswith("_") or not hasattr(self, kind) or kind == "from_spec":
            raise ValueError(f"unknown builder {kind!r}")
        if isinstance(spec.get("user"), dict):
            spec["user"] = User(**spec["user"])
        if isinstance(spec.get("chat"), dict):
            spec["chat"] = Chat(**spec["chat"])
        return getattr(self, kind)(**spec)

    def _update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": self.state.take_update_id(), kind: payload}


def _suffix(file_name: str) -> str:
    dot = file_name.rfind(".")
    return file_name[dot:].lower() if dot >= 0 and file_name[dot:].isascii() else ""


def _set_entities(message: dict[str, Any], entities: list[dict[str, Any]]) -> None:
    if entities:
        message["entities"] = entities
    else:
        message.pop("entities", None)


def _bot_member(status: str, bot: dict[str, Any]) -> dict[str, Any]:
    if status == "administrator":
        return {"status": "administrator", "user": bot, **ADMIN_RIGHTS}
    if status == "kicked":
        return {"status": "kicked", "user": bot, "until_date": 0}
    if status == "creator":
        return {"status": "creator", "user": bot, "is_anonymous": False}
    return {"status": status, "user": bot}
