"""The ``studybot`` command line: index, search, quiz, chat, run, db; ``start`` is ``make run``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Sequence

from bot.settings import Settings, get_settings


def _progress_wanted() -> bool:
    return sys.stderr.isatty()


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from index.store import ensure_index

    info = ensure_index(
        settings.corpus_dir, settings.index_dir, rebuild=args.rebuild, progress=_progress_wanted()
    )
    print(info.describe())
    return 0


def hit_to_json(rank: int, hit) -> dict:
    chunk = hit.chunk
    return {
        "rank": rank,
        "score": round(hit.score, 4),
        "source": chunk.source,
        "lines": [chunk.line_start, chunk.line_end],
        "path": list(chunk.path),
        "title": chunk.title,
        "text": chunk.text,
        "snippet": hit.snippet,
    }


def _queries(args: argparse.Namespace) -> Iterable[str]:
    if args.query == ["-"]:
        for line in sys.stdin:
            yield line.rstrip("\r\n")
    else:
        yield " ".join(args.query)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from index.search import open_searcher
    from index.store import ensure_index

    ensure_index(settings.corpus_dir, settings.index_dir, progress=_progress_wanted())
    searcher = open_searcher(settings.index_dir)
    for query in _queries(args):
        result = searcher.search(query, limit=args.limit)
        if args.json:
            line = {
                "query": result.query,
                "suggestion": result.suggestion,
                "hits": [hit_to_json(hit.rank, hit) for hit in result.hits],
            }
            print(json.dumps(line, ensure_ascii=False), flush=True)
            continue
        if result.suggestion:
            print(f"Did you mean: {result.suggestion}")
        if not result.hits:
            print(f"No passage found for {query!r}.")
        for hit in result.hits:
            chunk = hit.chunk
            print(f"{hit.rank}. {chunk.breadcrumb}  [{hit.score:.2f}]")
            print(f"   {chunk.source}:{chunk.line_start}-{chunk.line_end}")
            print("   " + chunk.text[:300].replace("\n", "\n   "))
            print()
    return 0


def cmd_quiz(args: argparse.Namespace, settings: Settings) -> int:
    from index.quiz import generate_quiz
    from index.store import ensure_index, load_index_chunks

    ensure_index(settings.corpus_dir, settings.index_dir, progress=_progress_wanted())
    items = generate_quiz(load_index_chunks(settings.index_dir), count=args.count, seed=args.seed)
    for item in items:
        if args.json:
            print(json.dumps(item.to_json(), ensure_ascii=False))
        else:
            print(item.render_text())
            print()
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.chat import run_chat

    return run_chat(settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import run_bot

    if settings.telegram_bot_token is None:
        print("TELEGRAM_BOT_TOKEN is not set.", file=sys.stderr)
        return 2
    return run_bot(settings, webhook_url=args.webhook_url, listen=args.listen, port=args.port)


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.migrate import downgrade, upgrade

    if args.action == "upgrade":
        upgrade(settings.effective_database_url, args.revision or "head")
    else:
        downgrade(settings.effective_database_url, args.revision or "base")
    return 0


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """What ``make run`` does: Telegram with a token, else the terminal chat on a terminal."""
    if settings.telegram_bot_token is not None:
        args.webhook_url = args.listen = args.port = None
        return cmd_run(args, settings)
    if not sys.stdin.isatty():
        print(
            "TELEGRAM_BOT_TOKEN is not set and stdin is not a terminal: nothing to run.\n"
            "Set TELEGRAM_BOT_TOKEN to start the bot, or run `make run` in a terminal "
            "for the terminal chat.",
            file=sys.stderr,
        )
        return 2
    print("No TELEGRAM_BOT_TOKEN set: starting the terminal chat (set it to go on Telegram).")
    return cmd_chat(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studybot", description=__doc__)
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("index", help="build or refresh the search index")
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="search the notes")
    p.add_argument("query", nargs="+", help="the query; '-' reads one query per line from stdin")
    p.add_argument("--limit", type=int, default=5)
    p.add_argument("--json", action="store_true", help="one JSON line per query")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("quiz", help="print questions generated from the notes")
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_quiz)

    p = sub.add_parser("chat", help="the conversation in this terminal")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("run", help="run the Telegram bot (long polling, or a webhook)")
    p.add_argument("--webhook-url", default=None)
    p.add_argument("--listen", default="0.0.0.0")
    p.add_argument("--port", type=int, default=8443)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("db", help="apply or revert database migrations")
    p.add_argument("action", choices=["upgrade", "downgrade"])
    p.add_argument("revision", nargs="?", default=None)
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("start", help="Telegram when a token is set, else the terminal chat")
    p.set_defaults(func=cmd_start)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        args.func = cmd_start
    return args.func(args, settings)


if __name__ == "__main__":
    sys.exit(main())
