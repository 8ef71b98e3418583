"""The Application's stop, told to the use cases: SIGTERM (run_polling / run_webhook call
``stop``) sets ``services.stopping`` first, so the daily fan-out claims nothing more and releases
the chats it has not started, while PTB finishes the updates in flight and waits for the jobs."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


class GracefulApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application whose ``stop`` first tells the services that the instance is going."""

    async def stop(self) -> None:
        services = getattr(self.bot_data, "services", None)
        if services is not None:
            services.stopping.set()
        await super().stop()
