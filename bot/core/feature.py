"""What a feature declares, once: its commands, buttons, poll-answer hook, help lines, menu
entries and jobs. Every adapter (Telegram, terminal) iterates these declarations; no adapter is
patched by a feature, and no feature knows which adapter runs it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.ports import Sender
from bot.core.replies import Asker, ButtonAnswer, InlineAnswer, Outgoing

if TYPE_CHECKING:
    from bot.core.services import AppServices

PRIVATE, GROUP, ADMIN, CHANNEL = "private", "group", "admin", "channel"
EVERYWHERE = frozenset({PRIVATE, GROUP, ADMIN})


@dataclass(frozen=True, slots=True)
class Request:
    """One command or button press, in transport-free terms."""

    asker: Asker
    text: str = ""  # the command's arguments (or the button's data)
    chat_type: str = PRIVATE  # "private", "group", "supergroup" or "channel"
    chat_title: str | None = None
    is_admin: Callable[[], Awaitable[bool]] | None = None  # asked only when a feature needs it
    say: Callable[[Sequence[Outgoing]], Awaitable[None]] | None = None  # interim messages
    typing: Callable[[], Awaitable[None]] | None = None  # "working on it" where the chat shows it
    report: Callable[[str], Awaitable[None]] | None = None  # one progress message, edited

    async def tell(self, items: Sequence[Outgoing]) -> None:
        """Send ``items`` now, before the final answer (e.g. "queued, working on it")."""
        if self.say is not None:
            await self.say(items)

    @property
    def in_channel(self) -> bool:
        return self.chat_type == CHANNEL

    async def progress(self, text: str) -> None:
        """Show ``text`` (HTML) in the one progress message of this request (sent the first time,
        edited after); best effort."""
        if self.report is not None:
            await self.report(text)

    async def show_working(self) -> None:
        """A hint that a slow answer is under way (Telegram's "typing…"); best effort."""
        if self.typing is not None:
            await self.typing()

    async def by_admin(self) -> bool:
        """Whether the sender administers the chat (always True in a private chat)."""
        if self.chat_type == PRIVATE:
            return True
        return self.is_admin is not None and await self.is_admin()


CommandRun = Callable[["AppServices", Request], Awaitable[Sequence[Outgoing]]]
ButtonRun = Callable[["AppServices", Request], Awaitable[ButtonAnswer]]
JobRun = Callable[["AppServices", Sender], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class PollVote:
    """A student's vote in a quiz poll."""

    poll_id: str
    user_id: int
    first_name: str
    lang: str
    option_ids: tuple[int, ...]


PollAnswerRun = Callable[["AppServices", PollVote], Awaitable[Sequence[Outgoing]]]


@dataclass(frozen=True, slots=True)
class SentFile:
    """A file sent to the bot: its name and size as announced, and a way to fetch its bytes."""

    name: str
    size: int | None
    fetch: Callable[[], Awaitable[bytes]]


DocumentRun = Callable[["AppServices", Request, SentFile], Awaitable[Sequence[Outgoing]]]
InlineRun = Callable[["AppServices", Request], Awaitable[InlineAnswer]]


@dataclass(frozen=True, slots=True)
class Command:
    """``/name``: ``run`` answers it. ``menu`` is the catalog msgid shown in the command menus of
    ``scopes``; ``in_channels`` lets channel posts use it; ``owner_only`` hides it from everyone
    but the bot's owners (STUDYBOT_ADMIN_IDS)."""

    name: str
    run: CommandRun
    menu: str | None = None
    scopes: frozenset[str] = EVERYWHERE
    in_channels: bool = False
    in_groups: bool = True
    owner_only: bool = False


@dataclass(frozen=True, slots=True)
class ButtonRoute:
    """Buttons whose callback data starts with ``<kind>:`` for one of ``kinds``."""

    kinds: tuple[str, ...]
    run: ButtonRun

    def matches(self, data: str) -> bool:
        return any(data.startswith(f"{kind}:") for kind in self.kinds)


@dataclass(frozen=True, slots=True)
class Job:
    """Work repeated every ``interval`` seconds (first run after ``first``), through a sender."""

    name: str
    run: JobRun
    interval: float
    first: float = 1.0


@dataclass(frozen=True, slots=True)
class Feature:
    """One feature's whole surface."""

    name: str
    commands: tuple[Command, ...] = ()
    buttons: tuple[ButtonRoute, ...] = ()
    help_lines: tuple[str, ...] = ()  # catalog msgids, with an optional {bot} placeholder
    jobs: tuple[Job, ...] = ()
    on_poll_answer: PollAnswerRun | None = None
    on_text: CommandRun | None = None  # text that is no command (a search)
    on_inline: InlineRun | None = None  # inline-mode queries
    on_start: Callable[[AppServices], None] | None = None  # e.g. start building a bank
    on_open: Callable[[AppServices], Awaitable[None]] | None = None  # awaited before updates flow
    on_document: DocumentRun | None = None  # a file sent to the bot
    # awaited before any request of a chat is answered (e.g. pick up notes changed elsewhere)
    before_request: Callable[[AppServices, int], Awaitable[None]] | None = None
