"""Run the fake Bot API as its own process for benchmarks: ``python -m tests.fakebot --port 0
--token T`` prints its root URL, then serves the Bot API and a control API under /_control/."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from .server import DEFAULT_TOKEN, FakeBotAPI


async def _serve(args: argparse.Namespace) -> None:
    api = FakeBotAPI(
        args.token,
        flood_limits=args.flood_limits or args.strict_flood,
        strict_flood=args.strict_flood,
        host=args.host,
        port=args.port,
        callback_answer_timeout=None if args.no_query_timeout else 15.0,
        privacy_mode=args.privacy_mode,
    )
    url = await api.start()
    print(url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await api.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakebot", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--flood-limits", action="store_true", help="enforce Telegram's limits")
    parser.add_argument(
        "--strict-flood",
        action="store_true",
        help="flood limits with at most 30 messages in any 1-second window (no burst, no jitter)",
    )
    parser.add_argument(
        "--privacy-mode", action="store_true", help="withhold group messages not for the bot"
    )
    parser.add_argument(
        "--no-query-timeout", action="store_true", help="callback/inline answers never expire"
    )
    asyncio.run(_serve(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
