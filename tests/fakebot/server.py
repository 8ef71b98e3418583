"""A local, strict fake of the Telegram Bot API over HTTP (aiohttp) that a real python-telegram-bot
Application can long-poll: methods, validation, fault injection, flood limits and observation."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import json
import logging
import re
import ssl
import struct
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from .flood import FloodLimiter
from .params import Params, read_params
from .state import (
    ADMIN_RIGHTS,
    GROUP_TYPES,
    CallbackRecord,
    Chat,
    ChatRecord,
    FakeState,
    InlineQueryRecord,
    PollRecord,
    StoredFile,
    User,
)
from .updates import UpdateBuilder
from .validation import (
    ApiError,
    bad_request,
    caption_text,
    check_reply_markup,
    format_text,
    message_text,
    utf16_len,
)
from .webhook import Delivery, WebhookDeliverer

log = logging.getLogger(__name__)
DEFAULT_TOKEN = "123456789:AAFakeTokenForStudybotTests_0123456789"
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
ALL_UPDATE_TYPES = DEFAULT_UPDATE_TYPES | {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Methods that put or change a message in a chat: flood limits and blocked chats apply.
MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendPoll",
        "sendDocument",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "stopPoll",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files: "file is too big"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_INLINE_RESULT_TYPES = frozenset(
    {
        "article",
        "photo",
        "gif",
        "mpeg4_gif",
        "video",
        "audio",
        "voice",
        "document",
        "location",
        "venue",
        "contact",
        "game",
        "sticker",
    }
)
_REASONS = {
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    403: "Forbidden: bot was blocked by the user",
    401: "Unauthorized",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running",
    400: "Bad Request: injected failure",
}


@dataclass
class Call:
    """One request the fake received and how it answered."""

    method: str
    params: dict[str, Any]
    status: int
    result: Any
    description: str | None
    timestamp: float

    @property
    def ok(self) -> bool:
        return self.status == 200

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.params.items() if k not in ("timeout",)}
        text = json.dumps(shown, ensure_ascii=False, default=str)
        if len(text) > 160:
            text = text[:157] + "..."
        outcome = "ok" if self.ok else f"{self.status} {self.description}"
        return f"<Call {self.method} {text} -> {outcome}>"


@dataclass
class Fault:
    """An injected failure for the next ``times`` calls of ``method`` ("*" = any method)."""

    method: str
    status: int
    times: int
    retry_after: int | None
    description: str | None
    chat_id: int | None


Handler = Callable[[Params], Awaitable[Any]]


class FakeBotAPI:
    """A strict, observable Telegram Bot API on 127.0.0.1 for tests and benchmarks."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        flood_limits: bool = False,
        strict_flood: bool = False,
        bot_username: str = "studybot_test_bot",
        bot_first_name: str = "Studybot",
        host: str = "127.0.0.1",
        port: int = 0,
        callback_answer_timeout: float | None = 15.0,
        poll_options: tuple[int, int] = (2, 10),
        privacy_mode: bool = False,
    ) -> None:
        self.token = token
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456789
        self.bot_user = User(bot_id, bot_first_name, bot_username, is_bot=True)
        self.state = FakeState(self.bot_user)
        self.build = UpdateBuilder(self.state)
        self.flood_limits = flood_limits
        self.flood = FloodLimiter(strict=strict_flood)
        self.callback_answer_timeout = callback_answer_timeout
        self.poll_options = poll_options
        # BotFather's group privacy: when on, group messages not meant for the bot never arrive
        self.privacy_mode = privacy_mode
        self.withheld_updates: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.counters: Counter[str] = Counter()
        self.count_429 = 0
        self.flood_429 = 0
        self._host, self._port = host, port
        self._faults: list[Fault] = []
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._changed = asyncio.Event()
        self._updates_arrived = asyncio.Event()
        self._poll_generation = 0
        self.waiting_polls = 0  # getUpdates requests currently held open
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.webhook_delivery_url: str | None = None
        self._delivery_restart: asyncio.Future[None] | None = None
        self._deliverer: WebhookDeliverer | None = None
        self._deliveries: list[Delivery] = []
        self.root_url = ""
        self._handlers: dict[str, tuple[str, Handler]] = {}
        for name in dir(self):
            if name.startswith("_m_"):
                method = name[3:]
                self._handlers[method.lower()] = (method, getattr(self, name))

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> str:
        """Start serving; returns the root URL ``http://127.0.0.1:PORT``."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/_control/{action}", self._handle_control)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        port = sockets[0].getsockname()[1]
        self.root_url = f"http://{self._host}:{port}"
        return self.root_url

    async def stop(self) -> None:
        """Release long polls and stop the server."""
        self._closing = True
        await self._restart_delivery()
        self._notify_updates()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What PTB's ``base_url`` must be (the token is appended by PTB)."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    def make_request(self, **kwargs: Any) -> Any:
        """A PTB ``HTTPXRequest`` for this server, cheap to create (plain HTTP: no CA bundle)."""
        from telegram.request import HTTPXRequest

        return HTTPXRequest(httpx_kwargs={"verify": _plain_http_ssl_context()}, **kwargs)

    def make_bot(self, **kwargs: Any) -> Any:
        """A ``telegram.Bot`` talking to this server."""
        from telegram import Bot

        kwargs.setdefault("request", self.make_request())
        kwargs.setdefault("get_updates_request", self.make_request())
        return Bot(self.token, base_url=self.base_url, base_file_url=self.base_file_url, **kwargs)

    def application_builder(self) -> Any:
        """A PTB ``ApplicationBuilder`` already pointed at this server (token, URLs, requests)."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
            .request(self.make_request())
            .get_updates_request(self.make_request())
        )

    # ------------------------------------------------------------------ feeding updates
    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; an ``update_id`` is assigned when missing.

        Pushing a dict with an update_id that was already delivered simulates duplicate delivery."""
        if "update_id" not in update:
            update = {"update_id": self.state.take_update_id(), **update}
        if self.privacy_mode and not self._privacy_allows(update):
            self.withheld_updates.append(update)
            self._notify_change()
            return update
        self.state.enqueue(update)
        self.counters["updates_pushed"] += 1
        self._notify_updates()
        self._notify_change()
        return update

    def _privacy_allows(self, update: dict[str, Any]) -> bool:
        """Whether a bot in privacy mode receives this update (Telegram's documented rules)."""
        message = update.get("message") or update.get("edited_message")
        if not message or message.get("chat", {}).get("type") not in ("group", "supergroup"):
            return True
        record = self.state.chats.get(message["chat"]["id"])
        if record is not None and record.bot_status in ("administrator", "creator"):
            return True  # admins always receive all messages
        if not any(key in message for key in ("text", "caption", "document")):
            return True  # service messages (members joining, ...) always arrive
        replied = message.get("reply_to_message") or {}
        if replied.get("from", {}).get("id") == self.bot_user.id:
            return True
        text = message.get("text") or ""
        for entity in message.get("entities", []):
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                command = text[: entity["length"]]
                if "@" not in command:
                    return True  # general command (as if the bot spoke last in the group)
                return command.split("@", 1)[1].lower() == (self.bot_user.username or "").lower()
        return False

    def push_updates(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self.push_update(update) for update in updates]

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (an offset past them)."""
        return [update for _, update, _ in self.state.pending]

    # ------------------------------------------------------------------ chats and members
    def add_chat(self, chat: Chat, *, bot_status: str | None = None) -> Chat:
        """Make a chat known (the bot can then send to it)."""
        self.state.add_chat(chat, bot_status=bot_status)
        return chat

    def set_member(self, chat_id: int, user: User | int, status: str) -> None:
        """Set a chat member's status: creator, administrator, member, restricted, left, kicked."""
        record = self.state.chat(chat_id)
        if isinstance(user, int):
            if user == self.bot_user.id:
                record.bot_status = status
                record.members[user] = status
                return
            user = self.state.users.get(user) or User(user, f"User {user}")
        if user.id == self.bot_user.id:
            record.bot_status = status
        self.state.add_member(chat_id, user, status)

    # ------------------------------------------------------------------ fault injection
    def fail_next(
        self,
        method: str = "*",
        status: int = 429,
        *,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status``.

        429 carries ``parameters.retry_after`` (default 1); 5xx have Telegram's reason phrases."""
        if status == 429 and retry_after is None:
            retry_after = 1
        self._faults.append(Fault(method.lower(), status, times, retry_after, description, chat_id))

    def clear_faults(self) -> None:
        self._faults.clear()

    def block_chat(self, chat_id: int) -> None:
        """The user blocks the bot (private) or the bot is kicked (groups): sends get 403."""
        record = self.state.chat(chat_id)
        record.bot_status = "kicked"
        if record.chat.type in GROUP_TYPES:
            record.members[self.bot_user.id] = "kicked"

    def unblock_chat(self, chat_id: int) -> None:
        record = self.state.chat(chat_id)
        record.bot_status = "member"
        if record.chat.type in GROUP_TYPES:
            record.members[self.bot_user.id] = "member"

    # ------------------------------------------------------------------ observation
    def calls_to(self, method: str) -> list[Call]:
        lowered = method.lower()
        return [call for call in self.calls if call.method.lower() == lowered]

    def reset_calls(self) -> None:
        self.calls.clear()

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[dict[str, Any]]:
        """Current state (after edits, without deleted ones) of the bot's messages in a chat."""
        record = self.state.chats.get(chat_id)
        if record is None:
            return []
        if include_user:
            return list(record.messages.values())
        own = record.bot_message_ids
        return [message for key, message in record.messages.items() if key in own]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        return self.state.message(chat_id, message_id)

    def last_message(self, chat_id: int) -> dict[str, Any] | None:
        sent = self.messages(chat_id)
        return sent[-1] if sent else None

    def texts(self, chat_id: int) -> list[str]:
        """Texts (or captions) of the bot's current messages in a chat."""
        return [m.get("text") or m.get("caption") or "" for m in self.messages(chat_id)]

    def deleted_messages(self, chat_id: int) -> list[int]:
        record = self.state.chats.get(chat_id)
        return list(record.deleted) if record else []

    def chat_actions(self, chat_id: int) -> list[str]:
        record = self.state.chats.get(chat_id)
        return list(record.actions) if record else []

    @property
    def polls(self) -> dict[str, PollRecord]:
        return self.state.polls

    @property
    def callback_queries(self) -> dict[str, CallbackRecord]:
        return self.state.callback_queries

    def unanswered_callback_queries(self) -> list[CallbackRecord]:
        return [q for q in self.state.callback_queries.values() if not q.answered]

    @property
    def inline_queries(self) -> dict[str, InlineQueryRecord]:
        return self.state.inline_queries

    @property
    def inline_answers(self) -> dict[str, dict[str, Any]]:
        """Latest answerInlineQuery parameters per inline query id."""
        return {
            query_id: record.answers[-1]
            for query_id, record in self.state.inline_queries.items()
            if record.answers
        }

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands set with setMyCommands for exactly this scope and language."""
        return list(self.state.commands.get((_scope_key(scope), language_code), []))

    @property
    def all_commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        return dict(self.state.commands)

    def stats(self) -> dict[str, Any]:
        """Counters: requests per method, errors per status, 429s (all and flood), updates."""
        return {
            "requests": self.counters["requests"],
            "by_method": dict(self.counters_by_method),
            "errors_by_status": {str(k): v for k, v in self.errors_by_status.items()},
            "count_429": self.count_429,
            "flood_429": self.flood_429,
            "messages_sent": self.counters["messages_sent"],
            "updates_pushed": self.counters["updates_pushed"],
            "updates_delivered": self.counters["updates_delivered"],
            "pending_updates": len(self.state.pending),
            "flood_limits": self.flood_limits,
            "strict_flood": self.flood.strict,
        }

    @property
    def counters_by_method(self) -> Counter[str]:
        return Counter({k[7:]: v for k, v in self.counters.items() if k.startswith("method:")})

    @property
    def errors_by_status(self) -> Counter[int]:
        return Counter({int(k[7:]): v for k, v in self.counters.items() if k.startswith("status:")})

    def describe_calls(self, last: int = 15, *, include_polling: bool = False) -> str:
        shown = [
            call
            for call in self.calls
            if include_polling or call.method != "getUpdates" or not call.ok
        ][-last:]
        return "\n".join(f"  {call!r}" for call in shown) or "  (no calls)"

    async def wait_for(self, predicate: Callable[..., Any], timeout: float = 5.0) -> Any:
        """Wait until ``predicate()`` (or ``predicate(api)``) is truthy; return its value.

        A LookupError, TypeError or AttributeError inside the predicate (e.g. indexing a message
        that isn't there yet) counts as "not yet". Raises AssertionError listing the recent calls
        when ``timeout`` seconds pass first."""
        wants_api = bool(inspect.signature(predicate).parameters)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        last_error: Exception | None = None
        while True:
            changed = self._changed
            try:
                value = predicate(self) if wants_api else predicate()
            except (LookupError, TypeError, AttributeError) as exc:
                value, last_error = None, exc
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                name = getattr(predicate, "__name__", "predicate")
                error = f" (last error: {last_error!r})" if last_error else ""
                raise AssertionError(
                    f"fake Bot API: {name} still false after {timeout}s{error}; recent calls:\n"
                    f"{self.describe_calls()}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, 0.05))

    # ------------------------------------------------------------------ plumbing
    def _notify_change(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _notify_updates(self) -> None:
        self._updates_arrived.set()
        self._updates_arrived = asyncio.Event()

    def _record(
        self, method: str, params: dict[str, Any], status: int, result: Any, description: str | None
    ) -> None:
        self.calls.append(Call(method, params, status, result, description, time.time()))
        counters = self.counters
        counters["requests"] += 1
        counters["method:" + method] += 1
        if status != 200:
            counters[f"status:{status}"] += 1
            if status == 429:
                self.count_429 += 1
        self._notify_change()

    @staticmethod
    def _json(status: int, body: dict[str, Any]) -> web.Response:
        return web.Response(
            status=status,
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            content_type="application/json",
        )

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method_name = request.match_info["method"]
        if token != self.token:
            if ":" not in token:
                return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        entry = self._handlers.get(method_name.lower())
        if entry is None:
            self._record(method_name, {}, 404, None, "Not Found")
            return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        method, handler = entry
        params = Params({})
        try:
            try:
                params = await read_params(request)
                self._inject_fault(method, params)
                result = await handler(params)
            except UnicodeError as exc:
                raise bad_request("strings must be encoded in UTF-8") from exc
            except (ApiError, asyncio.CancelledError):
                raise
            except Exception as exc:  # a bug in the fake: make it loud, never hang a test
                log.exception("fake Bot API failed on %s", method)
                raise ApiError(500, f"Internal Server Error (fake Bot API bug: {exc!r})") from exc
        except ApiError as error:
            if not (method == "getUpdates" and _client_gone(request)):
                self._record(method, params.for_record(), error.status, None, error.description)
            return self._json(error.status, error.payload())
        if not (method == "getUpdates" and _client_gone(request)):
            # a shallow copy: the call log keeps the message as it was sent, not later edits
            kept = dict(result) if isinstance(result, dict) else result
            self._record(method, params.for_record(), 200, kept, None)
        return self._json(200, {"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        stored = self.state.files_by_path.get(request.match_info["path"])
        if stored is None:
            return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        return web.Response(body=stored.content, content_type="application/octet-stream")

    def _inject_fault(self, method: str, params: Params) -> None:
        if not self._faults:
            return
        lowered = method.lower()
        for fault in self._faults:
            if fault.method not in ("*", lowered):
                continue
            if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            description = fault.description or _REASONS.get(fault.status, "Injected failure")
            description = description.format(retry_after=fault.retry_after)
            parameters = {"retry_after": fault.retry_after} if fault.status == 429 else None
            raise ApiError(fault.status, description, parameters)

    def _target(self, params: Params, method: str) -> ChatRecord:
        """The chat a message method addresses; 403 when the bot can't write there."""
        if not params.has("chat_id"):
            raise bad_request("chat_id is empty")
        record = self.state.chat(params.get("chat_id"))
        if self.state.is_blocked(record):
            kind = record.chat.type
            if kind == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if kind == "channel":
                raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
            if record.bot_status == "left":
                raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        return record

    def _check_flood(self, record: ChatRecord | None) -> None:
        if not self.flood_limits:
            return
        chat_id = record.chat.id if record else None
        chat_type = record.chat.type if record else None
        retry_after = self.flood.check(chat_id, chat_type)
        if retry_after is not None:
            self.flood_429 += 1
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )

    def _reply_target(self, record: ChatRecord, params: Params) -> dict[str, Any] | None:
        reply = params.json("reply_parameters")
        allow_missing = params.bool("allow_sending_without_reply")
        message_id: Any = None
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
            if reply.get("chat_id") not in (None, record.chat.id):
                record = self.state.chat(reply["chat_id"])
        elif params.has("reply_to_message_id"):
            message_id = params.int("reply_to_message_id")
        if message_id is None:
            return None
        target = record.messages.get(message_id) if isinstance(message_id, int) else None
        if target is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    def _new_message(
        self, record: ChatRecord, params: Params, content: dict[str, Any]
    ) -> dict[str, Any]:
        reply = self._reply_target(record, params)
        markup = check_reply_markup(params.get("reply_markup"))
        self._check_flood(record)
        message: dict[str, Any] = {
            "message_id": record.take_message_id(),
            "from": self.state.bot_dict,
            "chat": record.chat_dict,
            "date": self.state.now(),
        }
        if record.chat.type == "channel":
            del message["from"]
            message["sender_chat"] = record.chat_dict
        if reply is not None:
            message["reply_to_message"] = reply
        message.update(content)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.state.store_message(record, message)
        record.bot_message_ids.add(message["message_id"])
        self.counters["messages_sent"] += 1
        return message

    def _edited_message(self, params: Params, *, want: str) -> tuple[ChatRecord, dict[str, Any]]:
        record = self._target(params, "edit")
        message_id = params.int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = record.messages.get(message_id)
        if message is None:
            raise bad_request("message to edit not found")
        if not record.sent_by_bot(message_id):
            raise bad_request("message can't be edited")
        if want == "text" and "text" not in message:
            raise bad_request("there is no text in the message to edit")
        if want == "caption" and "text" in message:
            raise bad_request("there is no caption in the message to edit")
        return record, message

    def _inline_message(self, params: Params) -> dict[str, Any]:
        inline_id = params.get("inline_message_id")
        message = self.state.inline_messages.get(str(inline_id))
        if message is None:
            raise bad_request("MESSAGE_ID_INVALID")
        return message

    # ------------------------------------------------------------------ methods: bot & updates
    async def _m_getMe(self, params: Params) -> dict[str, Any]:
        return {
            **self.state.bot_dict,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_logOut(self, params: Params) -> bool:
        return True

    async def _m_close(self, params: Params) -> bool:
        return True

    async def _m_setWebhook(self, params: Params) -> bool:
        url = str(params.get("url") or "")
        if url:
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname:
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            if (parts.port or 443) not in (80, 88, 443, 8443):
                raise bad_request(
                    "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                )
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.bool("drop_pending_updates"):
            self.state.pending.clear()
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self._set_allowed_updates(allowed)
        self.state.webhook = {"url": url, "secret_token": params.get("secret_token")}
        await self._restart_delivery()
        return True

    async def _m_deleteWebhook(self, params: Params) -> bool:
        if params.bool("drop_pending_updates"):
            self.state.pending.clear()
        self.state.webhook = {"url": ""}
        await self._restart_delivery()
        return True

    async def _m_getWebhookInfo(self, params: Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.state.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.pending),
        }
        if info["url"]:
            info["max_connections"] = 40
            info["allowed_updates"] = sorted(self._allowed_updates)
        if self._deliverer is not None and self._deliverer.last_error_date is not None:
            info["last_error_date"] = self._deliverer.last_error_date
            info["last_error_message"] = self._deliverer.last_error_message
        return info

    # ------------------------------------------------------------------ webhook delivery
    async def deliver_webhooks_to(self, local_url: str | None) -> None:
        """Deliver updates like Telegram does once a webhook is set, but POST them to
        ``local_url`` (e.g. ``http://127.0.0.1:PORT/path``) instead of the registered https URL,
        which can't be reached offline. None turns delivery off (updates then just wait)."""
        self.webhook_delivery_url = local_url
        await self._restart_delivery()

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        """Every POST to the webhook: update_id, HTTP status (None if unreachable), error."""
        return list(self._deliveries)

    async def _restart_delivery(self) -> None:
        if self._deliverer is not None:
            await self._deliverer.stop()
            self._deliverer = None
        if not self.state.webhook.get("url") or not self.webhook_delivery_url or self._closing:
            return
        self._deliverer = WebhookDeliverer(
            url=self.webhook_delivery_url,
            secret_token=self.state.webhook.get("secret_token"),
            take_next=self._next_for_webhook,
            confirm=self._confirm_webhook,
            arrived=lambda: self._updates_arrived,
            on_change=self._notify_change,
            deliveries=self._deliveries,
        )
        self._deliverer.start()

    def _next_for_webhook(self) -> dict[str, Any] | None:
        pending = self.state.pending
        while pending:
            seq, update, delivered = pending[0]
            kind = next((key for key in update if key != "update_id"), "")
            if kind not in self._allowed_updates:
                pending.pop(0)
                continue
            if not delivered:
                self.counters["updates_delivered"] += 1
                pending[0] = (seq, update, True)
            return update
        return None

    def _confirm_webhook(self, update: dict[str, Any]) -> None:
        pending = self.state.pending
        if pending and pending[0][1] is update:
            pending.pop(0)

    def _set_allowed_updates(self, allowed: Any) -> None:
        if not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        wanted = frozenset(str(kind) for kind in allowed) & ALL_UPDATE_TYPES
        self._allowed_updates = wanted or DEFAULT_UPDATE_TYPES

    async def _m_getUpdates(self, params: Params) -> list[dict[str, Any]]:
        if self.state.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.int("offset", 0) or 0
        limit = min(max(params.int("limit", 100) or 100, 1), 100)
        timeout = max(params.int("timeout", 0) or 0, 0)
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self._set_allowed_updates(allowed)
        # A newer getUpdates terminates a waiting older one, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify_updates()
        self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            arrived = self._updates_arrived
            if generation != self._poll_generation:
                raise ApiError(409, _REASONS[409])
            batch = self._take_batch(limit)
            if batch or self._closing:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            self.waiting_polls += 1
            self._notify_change()
            try:
                await asyncio.wait_for(arrived.wait(), remaining)
            except TimeoutError:
                return []
            finally:
                self.waiting_polls -= 1

    def _confirm(self, offset: int) -> None:
        pending = self.state.pending
        if offset < 0:
            del pending[: max(len(pending) + offset, 0)]
        elif offset > 0:
            pending[:] = [
                entry for entry in pending if not entry[2] or entry[1]["update_id"] >= offset
            ]

    def _take_batch(self, limit: int) -> list[dict[str, Any]]:
        pending = self.state.pending
        if not pending:
            return []
        allowed = self._allowed_updates
        kept: list[tuple[int, dict[str, Any], bool]] = []
        batch: list[dict[str, Any]] = []
        for seq, update, delivered in pending:
            kind = next((key for key in update if key != "update_id"), "")
            if kind not in allowed:
                continue  # Telegram never creates updates of types the bot didn't ask for
            if len(batch) < limit:
                batch.append(update)
                if not delivered:
                    self.counters["updates_delivered"] += 1
                kept.append((seq, update, True))
            else:
                kept.append((seq, update, delivered))
        pending[:] = kept
        batch.sort(key=lambda update: update["update_id"])
        return batch

    # ------------------------------------------------------------------ methods: commands
    def _scope(self, params: Params) -> str:
        scope = params.json("scope")
        if scope is None:
            return _scope_key(None)
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            self.state.chat(scope.get("chat_id"))
        if scope["type"] == "chat_member" and not isinstance(scope.get("user_id"), int):
            raise bad_request("user not found")
        return _scope_key(scope)

    def _language(self, params: Params) -> str:
        code = params.get("language_code") or ""
        if code and not _LANGUAGE_CODE.fullmatch(str(code)):
            raise bad_request("invalid language code specified")
        return str(code)

    async def _m_setMyCommands(self, params: Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON array")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = item.get("command")
            description = item.get("description")
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = (self._scope(params), self._language(params))
        if cleaned:
            self.state.commands[key] = cleaned
        else:
            self.state.commands.pop(key, None)
        return True

    async def _m_getMyCommands(self, params: Params) -> list[dict[str, str]]:
        key = (self._scope(params), self._language(params))
        return list(self.state.commands.get(key, []))

    async def _m_deleteMyCommands(self, params: Params) -> bool:
        self.state.commands.pop((self._scope(params), self._language(params)), None)
        return True

    async def _m_setMyDescription(self, params: Params) -> bool:
        if len(str(params.get("description") or "")) > 512:
            raise bad_request("description is too long")
        return True

    async def _m_setMyShortDescription(self, params: Params) -> bool:
        if len(str(params.get("short_description") or "")) > 120:
            raise bad_request("short description is too long")
        return True

    async def _m_setMyName(self, params: Params) -> bool:
        if len(str(params.get("name") or "")) > 64:
            raise bad_request("name is too long")
        return True

    async def _m_setChatMenuButton(self, params: Params) -> bool:
        return True

    # ------------------------------------------------------------------ methods: messages
    async def _m_sendMessage(self, params: Params) -> dict[str, Any]:
        record = self._target(params, "sendMessage")
        text, entities = message_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        preview = params.json("link_preview_options")
        if isinstance(preview, dict) and preview:
            content["link_preview_options"] = preview
        return self._new_message(record, params, content)

    async def _m_editMessageText(self, params: Params) -> dict[str, Any] | bool:
        text, entities = message_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        if params.has("inline_message_id"):
            message = self._inline_message(params)
            self._check_flood(None)
            message.update({"text": text, "entities": entities, "reply_markup": markup})
            return True
        record, message = self._edited_message(params, want="text")
        if (
            message["text"] == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == markup
        ):
            raise bad_request(NOT_MODIFIED)
        self._check_flood(record)
        message["text"] = text
        _set_optional(message, "entities", entities)
        _set_optional(message, "reply_markup", markup)
        message["edit_date"] = self.state.now()
        return message

    async def _m_editMessageCaption(self, params: Params) -> dict[str, Any] | bool:
        caption, entities = caption_text(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        if params.has("inline_message_id"):
            self._inline_message(params)
            return True
        record, message = self._edited_message(params, want="caption")
        if (
            message.get("caption", "") == caption
            and message.get("caption_entities", []) == entities
            and message.get("reply_markup") == markup
        ):
            raise bad_request(NOT_MODIFIED)
        self._check_flood(record)
        _set_optional(message, "caption", caption)
        _set_optional(message, "caption_entities", entities)
        _set_optional(message, "reply_markup", markup)
        message["edit_date"] = self.state.now()
        return message

    async def _m_editMessageReplyMarkup(self, params: Params) -> dict[str, Any] | bool:
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        if params.has("inline_message_id"):
            message = self._inline_message(params)
            if message.get("reply_markup") == markup:
                raise bad_request(NOT_MODIFIED)
            message["reply_markup"] = markup
            return True
        record, message = self._edited_message(params, want="any")
        if message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        self._check_flood(record)
        _set_optional(message, "reply_markup", markup)
        message["edit_date"] = self.state.now()
        return message

    async def _m_deleteMessage(self, params: Params) -> bool:
        if not params.has("chat_id"):
            raise bad_request("chat_id is empty")
        record = self.state.chat(params.get("chat_id"))
        message_id = params.int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = record.messages.get(message_id)
        if message is None:
            raise bad_request("message to delete not found")
        own = record.sent_by_bot(message_id)
        if (
            not own
            and record.chat.type in GROUP_TYPES
            and record.bot_status
            not in (
                "administrator",
                "creator",
            )
        ):
            raise bad_request("message can't be deleted")
        del record.messages[message_id]
        record.deleted.append(message_id)
        return True

    async def _m_sendChatAction(self, params: Params) -> bool:
        record = self._target(params, "sendChatAction")
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        record.actions.append(str(action))
        return True

    async def _m_sendPhoto(self, params: Params) -> dict[str, Any]:
        record = self._target(params, "sendPhoto")
        stored = self._photo_file(params)
        caption, entities = caption_text(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        width, height = _image_size(stored.content)
        content: dict[str, Any] = {"photo": _photo_sizes(stored, width, height)}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self._new_message(record, params, content)

    def _photo_file(self, params: Params) -> StoredFile:
        upload = params.files.get("photo")
        value = params.get("photo")
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = params.files.get(value[len("attach://") :])
        if upload is None:
            if isinstance(value, str) and value:
                known = self.state.files.get(value)
                if known is None:
                    raise bad_request("wrong file identifier/HTTP URL specified")
                return known
            raise bad_request("there is no photo in the request")
        content = upload.content
        if not content:
            raise bad_request("file must be non-empty")
        kind = _image_kind(content)
        if kind is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = _image_size(content)
        if len(content) > 10 * 1024 * 1024 or width + height > 10000 or width <= 0:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        if max(width, height) > 20 * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return self._store_file(content, f"photos/file_{len(self.state.files)}.{kind}")

    def _store_file(self, content: bytes, path: str) -> StoredFile:
        return self.state.store_file(content, path)

    async def _m_sendDocument(self, params: Params) -> dict[str, Any]:
        record = self._target(params, "sendDocument")
        upload = params.files.get("document")
        if upload is None:
            value = params.get("document")
            if isinstance(value, str) and value.startswith("attach://"):
                upload = params.files.get(value[len("attach://") :])
        if upload is None:
            raise bad_request("there is no document in the request")
        if not upload.content:
            raise bad_request("file must be non-empty")
        name = upload.filename or "document"
        stored = self._store_file(upload.content, f"documents/{len(self.state.files)}_{name}")
        caption, entities = caption_text(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        content: dict[str, Any] = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": name,
                "mime_type": upload.content_type or "application/octet-stream",
                "file_size": len(upload.content),
            }
        }
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self._new_message(record, params, content)

    async def _m_getFile(self, params: Params) -> dict[str, Any]:
        stored = self.state.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    # ------------------------------------------------------------------ methods: polls
    async def _m_sendPoll(self, params: Params) -> dict[str, Any]:
        record = self._target(params, "sendPoll")
        question, question_entities = format_text(
            params.get("question"),
            params.get("question_parse_mode"),
            params.get("question_entities"),
        )
        question_entities = _only_custom_emoji(question_entities)
        if not question:
            raise bad_request("poll question must be non-empty")
        if utf16_len(question) > 300:
            raise bad_request("poll question length must not exceed 300")
        raw_options = params.json("options")
        if not isinstance(raw_options, list):
            raise bad_request("can't parse options JSON object")
        low, high = self.poll_options
        if len(raw_options) < low:
            raise bad_request(f"poll must have at least {low} option")
        if len(raw_options) > high:
            raise bad_request(f"poll can't have more than {high} options")
        poll_id = str(5_000_000_000_000_000_000 + len(self.state.polls) + 1)
        options: list[dict[str, Any]] = []
        for index, raw in enumerate(raw_options):
            if isinstance(raw, str):
                raw = {"text": raw}
            if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
                raise bad_request("can't parse InputPollOption JSON object")
            text, text_entities = format_text(
                raw["text"], raw.get("text_parse_mode"), raw.get("text_entities")
            )
            text_entities = _only_custom_emoji(text_entities)
            if not text:
                raise bad_request("poll options must be non-empty")
            if utf16_len(text) > 100:
                raise bad_request("poll options length must not exceed 100")
            option: dict[str, Any] = {
                "persistent_id": f"{poll_id}-{index}",
                "text": text,
                "voter_count": 0,
            }
            if text_entities:
                option["text_entities"] = text_entities
            options.append(option)
        kind = params.get("type") or "regular"
        if kind not in ("quiz", "regular"):
            raise bad_request("wrong poll type specified")
        is_anonymous = params.bool("is_anonymous", True)
        if not is_anonymous and record.chat.type == "channel":
            raise bad_request("non-anonymous polls can't be sent to channel chats")
        multiple = params.bool("allows_multiple_answers")
        poll: dict[str, Any] = {
            "id": poll_id,
            "question": question,
            "options": options,
            "total_voter_count": 0,
            "is_closed": params.bool("is_closed"),
            "is_anonymous": is_anonymous,
            "type": kind,
            "allows_multiple_answers": multiple,
            "allows_revoting": params.bool("allows_revoting", kind != "quiz"),
            "members_only": params.bool("members_only"),
        }
        if question_entities:
            poll["question_entities"] = question_entities
        if kind == "quiz":
            poll["correct_option_ids"] = self._correct_options(params, len(options), multiple)
        if params.has("explanation"):
            if kind != "quiz":
                raise bad_request("explanation can be specified only for quizzes")
            explanation, explanation_entities = format_text(
                params.get("explanation"),
                params.get("explanation_parse_mode"),
                params.get("explanation_entities"),
            )
            if utf16_len(explanation) > 200:
                raise bad_request("poll explanation length must not exceed 200")
            if explanation.count("\n") > 2:
                raise bad_request("poll explanation can't contain more than 2 line feeds")
            if explanation:
                poll["explanation"] = explanation
            if explanation_entities:
                poll["explanation_entities"] = explanation_entities
        open_period = params.int("open_period")
        if open_period is not None:
            if params.has("close_date"):
                raise bad_request("open_period and close_date can't be used together")
            if not 5 <= open_period <= 2_628_000:
                raise bad_request("wrong open period specified")
            poll["open_period"] = open_period
            poll["close_date"] = self.state.now() + open_period
        elif params.has("close_date"):
            close_date = params.int("close_date") or 0
            if not 5 <= close_date - self.state.now() <= 2_628_000:
                raise bad_request("wrong close date specified")
            poll["close_date"] = close_date
        message = self._new_message(record, params, {"poll": poll})
        self.state.polls[poll_id] = PollRecord(poll, record.chat.id, message["message_id"])
        return message

    def _correct_options(self, params: Params, count: int, multiple: bool) -> list[int]:
        correct = params.json("correct_option_ids")
        if correct is None and params.has("correct_option_id"):
            correct = [params.int("correct_option_id")]
        if correct is None or correct == []:
            raise bad_request("wrong correct option ID specified: quiz polls need one")
        if not isinstance(correct, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in correct
        ):
            raise bad_request("can't parse correct_option_ids JSON array")
        if any(not 0 <= i < count for i in correct) or sorted(set(correct)) != correct:
            raise bad_request("wrong correct option ID specified")
        if len(correct) > 1 and not multiple:
            raise bad_request("quizzes with one answer must have exactly one correct option")
        return correct

    async def _m_stopPoll(self, params: Params) -> dict[str, Any]:
        record = self._target(params, "stopPoll")
        message_id = params.int("message_id", required=True)
        message = record.messages.get(message_id or 0)
        if message is None:
            raise bad_request("message to edit not found")
        if "poll" not in message:
            raise bad_request("message with poll to stop not found")
        if not record.sent_by_bot(message_id or 0):
            raise bad_request("message can't be edited")
        poll = message["poll"]
        if poll["is_closed"]:
            raise bad_request("poll has already been closed")
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        poll["is_closed"] = True
        _set_optional(message, "reply_markup", markup)
        return poll

    # ------------------------------------------------------------------ methods: queries
    async def _m_answerCallbackQuery(self, params: Params) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        record = self.state.callback_queries.get(query_id)
        if record is None or record.answered or self._expired(record.created):
            raise bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        url = params.get("url")
        if url and not str(url).startswith(("https://t.me/", "t.me/", "tg://")):
            raise bad_request("URL_INVALID")
        record.answers.append(dict(params.values))
        return True

    def _expired(self, created: float) -> bool:
        limit = self.callback_answer_timeout
        return limit is not None and time.monotonic() - created > limit

    async def _m_answerInlineQuery(self, params: Params) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        record = self.state.inline_queries.get(query_id)
        if record is None or record.answers or self._expired(record.created):
            raise bad_request(QUERY_TOO_OLD)
        results = params.json("results")
        if not isinstance(results, list):
            raise bad_request("can't parse results JSON array")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            _check_inline_result(result, seen)
        next_offset = params.get("next_offset")
        if next_offset is not None and len(str(next_offset).encode()) > 64:
            raise bad_request("NEXT_OFFSET_INVALID")
        record.answers.append({**params.values, "results": results})
        return True

    # ------------------------------------------------------------------ methods: chats
    async def _m_getChat(self, params: Params) -> dict[str, Any]:
        record = self.state.chat(params.get("chat_id"))
        info = {
            **record.chat_dict,
            "accent_color_id": abs(record.chat.id) % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        return info

    async def _m_getChatMember(self, params: Params) -> dict[str, Any]:
        record = self.state.chat(params.get("chat_id"))
        user_id = params.int("user_id", required=True)
        return self._member(record, user_id or 0)

    def _member(self, record: ChatRecord, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_user.id:
            user = self.state.bot_dict
            status = record.bot_status if record.chat.type in GROUP_TYPES else "member"
        else:
            known = self.state.users.get(user_id)
            if known is None:
                raise bad_request("user not found")
            user = known.to_dict()
            if record.chat.type == "private":
                status = "member" if user_id == record.chat.id else "left"
            else:
                status = record.members.get(user_id, "left")
        return _member_dict(status, user)

    async def _m_getChatAdministrators(self, params: Params) -> list[dict[str, Any]]:
        record = self.state.chat(params.get("chat_id"))
        if record.chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        admins = [
            user_id
            for user_id, status in record.members.items()
            if status in ("creator", "administrator")
        ]
        return [self._member(record, user_id) for user_id in admins]

    async def _m_getChatMemberCount(self, params: Params) -> int:
        record = self.state.chat(params.get("chat_id"))
        if record.chat.type == "private":
            return 2
        return sum(1 for status in record.members.values() if status not in ("left", "kicked"))

    async def _m_leaveChat(self, params: Params) -> bool:
        record = self.state.chat(params.get("chat_id"))
        if record.chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        record.bot_status = "left"
        record.members[self.bot_user.id] = "left"
        return True

    # ------------------------------------------------------------------ control API
    async def _handle_control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        body: dict[str, Any] = {}
        if request.method == "POST" and request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return self._json(400, {"ok": False, "description": "JSON body expected"})
        try:
            if action == "wait":
                return await self._control_wait(request.query)
            result = self._control(action, body, request.query)
        except (KeyError, TypeError, ValueError, ApiError) as exc:
            return self._json(400, {"ok": False, "description": f"{type(exc).__name__}: {exc}"})
        return self._json(200, {"ok": True, "result": result})

    async def _control_wait(self, query: Any) -> web.Response:
        """GET /_control/wait?key=messages_sent&at_least=N&timeout=S: block until a stats counter
        reaches N (200 with the stats) or the timeout passes (504 with the stats)."""
        key = query.get("key", "messages_sent")
        at_least = float(query.get("at_least", 1))
        timeout = float(query.get("timeout", 10))
        try:
            await self.wait_for(lambda: self.stats().get(key, 0) >= at_least, timeout)
        except AssertionError:
            return self._json(504, {"ok": False, "description": "timeout", "result": self.stats()})
        return self._json(200, {"ok": True, "result": self.stats()})

    def _control(self, action: str, body: dict[str, Any], query: Any) -> Any:
        if action == "stats":
            return self.stats()
        if action == "push":
            pushed = [self.push_update(update) for update in body.get("updates", [])]
            for spec in body.get("build", []):
                pushed.append(self.push_update(self.build.from_spec(spec)))
            return {"pushed": len(pushed), "update_ids": [u["update_id"] for u in pushed]}
        if action == "webhook_delivery":  # POST updates to this local URL once a webhook is set
            self.webhook_delivery_url = body.get("url")
            self._delivery_restart = asyncio.ensure_future(self._restart_delivery())
            return {"url": self.webhook_delivery_url}
        if action == "flood":
            self.flood_limits = bool(body.get("enabled", True))
            self.flood.strict = bool(body.get("strict", self.flood.strict))
            self.flood.reset()
            return {"flood_limits": self.flood_limits, "strict": self.flood.strict}
        if action == "fail":
            self.fail_next(
                body.get("method", "*"),
                int(body.get("status", 429)),
                retry_after=body.get("retry_after"),
                times=int(body.get("times", 1)),
                description=body.get("description"),
            )
            return True
        if action == "block":
            self.block_chat(int(body["chat_id"]))
            return True
        if action == "unblock":
            self.unblock_chat(int(body["chat_id"]))
            return True
        if action == "messages":
            return self.messages(int(query["chat_id"]))
        if action == "calls":
            since = int(query.get("since", 0))
            method = query.get("method")
            return [
                {
                    "method": call.method,
                    "params": call.params,
                    "status": call.status,
                    "description": call.description,
                    "timestamp": call.timestamp,
                }
                for call in self.calls[since:]
                if method is None or call.method == method
            ]
        if action == "reset_calls":
            self.reset_calls()
            return True
        raise ValueError(f"unknown control action {action!r}")


# ---------------------------------------------------------------------- helpers


@functools.cache
def _plain_http_ssl_context() -> ssl.SSLContext:
    """An SSL context without CA certificates: the fake is plain HTTP, so it is never used."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _scope_key(scope: dict[str, Any] | None) -> str:
    if not scope:
        scope = {"type": "default"}
    return json.dumps(scope, sort_keys=True, separators=(",", ":"))


def _client_gone(request: web.Request) -> bool:
    """True when the client hung up (e.g. a long poll PTB cancelled while stopping)."""
    transport = request.transport
    return transport is None or transport.is_closing()


def _only_custom_emoji(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Poll questions and options keep only custom emoji; Telegram drops other formatting."""
    return [entity for entity in entities if entity["type"] == "custom_emoji"]


def _set_optional(message: dict[str, Any], key: str, value: Any) -> None:
    if value:
        message[key] = value
    else:
        message.pop(key, None)


def _member_dict(status: str, user: dict[str, Any]) -> dict[str, Any]:
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    if status == "restricted":
        rights = dict.fromkeys(
            (
                "can_change_info",
                "can_invite_users",
                "can_pin_messages",
                "can_send_messages",
                "can_send_polls",
                "can_send_other_messages",
                "can_add_web_page_previews",
                "can_manage_topics",
                "can_send_audios",
                "can_send_documents",
                "can_send_photos",
                "can_send_videos",
                "can_send_video_notes",
                "can_send_voice_notes",
                "can_edit_tag",
                "can_react_to_messages",
            ),
            False,
        )
        return {"status": "restricted", "user": user, "is_member": True, "until_date": 0, **rights}
    if status in ("member", "left"):
        return {"status": status, "user": user}
    raise ValueError(f"unknown chat member status {status!r}")


def _check_inline_result(result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict):
        raise bad_request("can't parse InlineQueryResult JSON object")
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    kind = result.get("type")
    if kind not in _INLINE_RESULT_TYPES:
        raise bad_request("RESULT_TYPE_INVALID")
    if kind == "article":
        if not isinstance(result.get("title"), str) or not result["title"].strip():
            raise bad_request("RESULT_TITLE_EMPTY")
        if "input_message_content" not in result:
            raise bad_request(
                "can't parse InlineQueryResultArticle: input_message_content is required"
            )
    content = result.get("input_message_content")
    if content is not None:
        if not isinstance(content, dict):
            raise bad_request("can't parse InputMessageContent JSON object")
        if "message_text" in content:
            message_text(
                content.get("message_text"), content.get("parse_mode"), content.get("entities")
            )
    check_reply_markup(result.get("reply_markup"), inline_only=True)


def _image_kind(content: bytes) -> str | None:
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    return None


def _image_size(content: bytes) -> tuple[int, int]:
    """Width and height from a PNG IHDR or a JPEG SOF marker (0, 0 when unreadable)."""
    if content.startswith(b"\x89PNG") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                i += 1
                continue
            marker = content[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            length = struct.unpack(">H", content[i + 2 : i + 4])[0]
            if marker in (
                0xC0,
                0xC1,
                0xC2,
                0xC3,
                0xC5,
                0xC6,
                0xC7,
                0xC9,
                0xCA,
                0xCB,
                0xCD,
                0xCE,
                0xCF,
            ):
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return 0, 0


def _photo_sizes(stored: StoredFile, width: int, height: int) -> list[dict[str, Any]]:
    """PhotoSize list like Telegram's: scaled copies up to the original (max side 2560)."""
    longest = max(width, height, 1)
    sides = [side for side in (90, 320, 800, 1280) if side < longest] + [min(longest, 2560)]
    sizes = []
    for index, side in enumerate(sides):
        scale = side / longest
        sizes.append(
            {
                "file_id": stored.file_id if side == sides[-1] else f"{stored.file_id}_{side}",
                "file_unique_id": f"{stored.file_unique_id}{index}",
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
                "file_size": max(1, round(len(stored.content) * scale * scale)),
            }
        )
    return sizes
