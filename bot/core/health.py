"""What a health check reports: the database reachable, the live index generation, how many
notebooks are open, and this instance's name (plain data, served as JSON by the adapter)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text

from bot.core.services import AppServices
from index.store import current_generation

DATABASE_TIMEOUT = 2.0


async def health_report(services: AppServices) -> dict[str, Any]:
    """``ok`` is False when the database does not answer (within a bound) or no index is live."""
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT), services.db.session() as session:
            await session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as error:  # any failure is the answer here, not a crash
        database = f"error: {type(error).__name__}"
    generation = await asyncio.to_thread(current_generation, services.settings.index_dir)
    return {
        "ok": database == "ok" and generation is not None,
        "database": database,
        "index_generation": generation.name if generation is not None else None,
        "notebooks_open": services.notebooks.open_count(),
        "instance": services.instance_id,
        "stopping": services.stopping.is_set(),
    }
