"""A bot instance for the scale bench: runs the daily fan-out job (the real Application's bot and
rate limiter, bot.features.daily.fanout) against one database until every chat's post is done.

``python -m bench.daily_worker --api URL --db URL --data-dir DIR --chats N [--lease S]`` prints
``ready`` once its question bank is built, waits for a line on stdin, ticks (as the JobQueue
would, with a fixed day and post time) until the ledger holds N done posts, then prints one JSON
line: what its ticks did."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime

from bench.daily_bench import demo_services
from bench.processes import TOKEN


async def _work(args: argparse.Namespace) -> dict:
    from sqlalchemy import func, select

    from bot.db.models import DailyPost
    from bot.features.daily.fanout import post_due_daily_quizzes
    from bot.settings import Settings
    from bot.telegram.app import build_application
    from bot.telegram.sender import TelegramSender

    settings = Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=args.api,
        STUDYBOT_DATA_DIR=args.data_dir,
        DATABASE_URL=args.db,
        STUDYBOT_LOG_LEVEL="WARNING",
        STUDYBOT_DAILY_LEASE_SECONDS=str(args.lease),
        STUDYBOT_INSTANCES=str(args.instances),
    )
    services = await demo_services(settings)
    db = services.db
    application = build_application(settings, services)
    await application.initialize()
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    moment = datetime.fromisoformat(args.moment)
    totals = {"ticks": 0, "polls_sent": 0, "posted_chats": 0, "claimed_elsewhere": 0}
    totals |= {"resumed": 0, "failed": 0}
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < args.timeout:
            report = await post_due_daily_quizzes(
                services, TelegramSender(application.bot), now=moment
            )
            totals["ticks"] += 1
            for key in ("polls_sent", "posted_chats", "claimed_elsewhere", "resumed"):
                totals[key] += getattr(report, key)
            totals["failed"] += len(report.failed)
            async with db.session() as session:
                done = await session.scalar(
                    select(func.count()).select_from(DailyPost).where(DailyPost.state == "done")
                )
            if (done or 0) >= args.chats:
                break
            await asyncio.sleep(args.tick)
    finally:
        await application.shutdown()
        await db.close()
    totals["seconds"] = time.perf_counter() - started
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.daily_worker")
    parser.add_argument("--api", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--chats", type=int, required=True)
    parser.add_argument("--moment", default=datetime.now(UTC).replace(hour=7, minute=1).isoformat())
    parser.add_argument("--lease", type=float, default=3.0)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--tick", type=float, default=0.5)
    parser.add_argument("--timeout", type=float, default=300.0)
    print(json.dumps(asyncio.run(_work(parser.parse_args()))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
