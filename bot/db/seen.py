"""What an update's receipt needs to know of it: plain data, shared by the claim paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class SeenUser(NamedTuple):
    """Who sent an update (a human: bots are not recorded)."""

    id: int
    first_name: str | None
    language_code: str | None


class SeenChat(NamedTuple):
    """Where an update comes from."""

    id: int
    type: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class SeenUpdate:
    """What receiving an update needs to know of it: its key in the inbox (``bot_id``,
    ``update_id``), the raw JSON kept for a replay (``payload``), its user and chat.
    ``wants_language``: read the user's /lang choice (False when the caller already knows it:
    saves a query)."""

    update_id: int
    user: SeenUser | None = None
    chat: SeenChat | None = None
    wants_language: bool = True
    bot_id: int = 0
    payload: str = ""
