"""What the core answers, as plain data: messages with buttons, photos, polls, inline articles.

Adapters (bot.telegram.render, bot.terminal) turn these into Bot API calls or terminal output.
Every ``text`` is Telegram HTML with note and user text already escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Button:
    """One inline-keyboard button: exactly one of ``data`` (callback) or ``url`` is set."""

    text: str  # plain text label (not HTML)
    data: str | None = None  # callback data, ≤ 64 bytes, built by bot.core.callbacks
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a button needs exactly one of data or url")


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """A text message. ``edit=True`` replaces the message a button was pressed on."""

    text: str  # Telegram HTML, visible length ≤ 4096 UTF-16 units
    buttons: Keyboard = ()
    edit: bool = False

    @property
    def flat_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture (PNG bytes) with an HTML caption (≤ 1024 visible characters)."""

    png: bytes
    caption: str = ""
    buttons: Keyboard = ()


@dataclass(frozen=True, slots=True)
class Poll:
    """A quiz poll: one correct option; the explanation is shown after answering."""

    question: str  # plain text, ≤ 300 characters
    options: tuple[str, ...]  # plain text, 2–10 options, each ≤ 100 characters
    correct_index: int
    explanation: str = ""  # plain text, ≤ 200 characters
    is_anonymous: bool = False
    ref: str = ""  # the quiz item it asks (recorded with the poll), not sent to Telegram
    buttons: Keyboard = ()  # shown under the poll ("📖 Read the note")


Outgoing = Reply | Photo | Poll


@dataclass(frozen=True, slots=True)
class Notice:
    """The small toast (or alert) that answers a button press."""

    text: str = ""  # plain text, ≤ 200 characters; empty = just acknowledge
    alert: bool = False


@dataclass(frozen=True, slots=True)
class ButtonAnswer:
    """Everything that answers a button press: the toast plus any messages or edits."""

    notice: Notice = field(default_factory=Notice)
    replies: tuple[Outgoing, ...] = ()
    language: str | None = None  # the user's UI language is now this (a /lang choice)


@dataclass(frozen=True, slots=True)
class InlineArticle:
    """One inline-mode result: tapping it sends ``text`` (HTML) into the chat."""

    id: str  # unique within the answer, 1–64 bytes
    title: str  # plain text
    description: str  # plain text
    text: str  # Telegram HTML
    buttons: Keyboard = ()


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """The answer to an inline query: up to 50 articles plus an optional "open the bot" button."""

    articles: tuple[InlineArticle, ...] = ()
    start_button_text: str | None = None
    start_parameter: str | None = None  # deep-link payload, [A-Za-z0-9_-]{1,64}
    cache_time: int = 10
    is_personal: bool = True


@dataclass(frozen=True, slots=True)
class Asker:
    """Who is talking to the core, transport-agnostic."""

    user_id: int | None
    chat_id: int
    lang: str = "en"  # "en" or "es": the UI language already chosen for this user
    private: bool = True
    bot_username: str = ""  # without "@", for deep links; empty in the terminal
    first_name: str = ""
