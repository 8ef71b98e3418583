"""Quiz polls being sent right now. Telegram delivers a vote the moment a student taps, which can
be before the bot has recorded the poll it just sent; the answer handler waits for the sends under
way before it calls a poll unknown, so such a vote is counted, not dropped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class PollsInFlight:
    """Each send of polls, from the request until the polls are recorded, is one pending future."""

    def __init__(self) -> None:
        self._pending: set[asyncio.Future[None]] = set()

    @asynccontextmanager
    async def sending(self) -> AsyncIterator[None]:
        """Wrap sending polls *and* recording them."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.add(done)
        try:
            yield
        finally:
            self._pending.discard(done)
            done.set_result(None)

    async def wait_for_pending(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` s) for the sends under way now; False if there were none.
        Sends that start later are not waited for: they cannot hold the poll being answered."""
        snapshot = list(self._pending)
        if not snapshot:
            return False
        await asyncio.wait(snapshot, timeout=timeout)
        return True
