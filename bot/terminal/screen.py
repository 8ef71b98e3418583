"""What the terminal shows: plain text for HTML, numbered choices for buttons and poll options.

A button keeps its number while its message is edited (◀ ▶ paging), so typing the same number
again presses the same button; a new message numbers its buttons afresh."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.core.replies import Button, Outgoing, Photo, Poll
from bot.core.text import html_to_plain

Action = Callable[[], Awaitable[None]]


@dataclass
class Screen:
    """The terminal's output and the choices a typed number presses."""

    out: TextIO
    chat_id: int
    pictures_dir: Path
    press_button: Callable[[str], Awaitable[None]] | None = None  # callback data → press
    vote: Callable[[Poll, str, int], Awaitable[None]] | None = None  # poll, poll id, option
    choices: dict[int, Action] = field(default_factory=dict)
    _numbers: dict[str, int] = field(default_factory=dict)  # button label → its number

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def show(self, items: Sequence[Outgoing]) -> None:
        """Print ``items``; the buttons of the last one with buttons become the choices."""
        for item in items:
            if isinstance(item, Poll):
                raise TypeError("polls go through TerminalSender.send_poll")
            if isinstance(item, Photo):
                raise TypeError("pictures go through TerminalSender.send")
            self.write(html_to_plain(item.text))
            self._offer_buttons(item.flat_buttons, keep_numbers=item.edit)
            self.write()

    def show_picture(self, photo: Photo, stamp: str) -> Path:
        """Save the PNG in the pictures folder and print its path with the caption."""
        self.pictures_dir.mkdir(parents=True, exist_ok=True)
        path = (self.pictures_dir / f"picture-{stamp}.png").resolve()
        path.write_bytes(photo.png)
        caption = html_to_plain(photo.caption).strip()
        self.write(f"🖼 {path}" + (f"\n{caption}" if caption else ""))
        buttons = [button for row in photo.buttons for button in row]
        self._offer_buttons(buttons, keep_numbers=False)
        self.write()
        return path

    def show_poll(self, poll: Poll, poll_id: str) -> None:
        """The question, its options as the choices 1, 2, …"""
        self.write(poll.question)
        self.choices = {}
        self._numbers = {}
        for number, option in enumerate(poll.options, 1):
            self.write(f"  [{number}] {option}")
            self.choices[number] = self._vote_action(poll, poll_id, number - 1)
        self.write()

    def _offer_buttons(self, buttons: Sequence[Button], *, keep_numbers: bool) -> None:
        if not buttons:
            return
        if not keep_numbers:
            self._numbers = {}
        taken = set(self._numbers.values())
        self.choices = {}
        for button in buttons:
            number = self._numbers.get(button.text)
            if number is None:
                number = next(n for n in range(1, len(taken) + 2) if n not in taken)
                self._numbers[button.text] = number
                taken.add(number)
            self.choices[number] = self._button_action(button)
        for button in buttons:
            self.write(f"  [{self._numbers[button.text]}] {button.text}")

    def _button_action(self, button: Button) -> Action:
        async def press() -> None:
            if button.url is not None:
                self.write(button.url)
            elif self.press_button is not None:
                await self.press_button(button.data or "")

        return press

    def _vote_action(self, poll: Poll, poll_id: str, index: int) -> Action:
        async def choose() -> None:
            if self.vote is not None:
                await self.vote(poll, poll_id, index)

        return choose
