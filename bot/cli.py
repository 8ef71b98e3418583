"""The ``studybot`` command line: index, search, quiz, chat, run, db, notes; ``start`` is
``make run``.

Each subcommand imports what it needs when it runs, so ``studybot --help`` stays instant and
Alembic's logging is quieted before Alembic loads; these are the only imports kept in
functions, and none of them hides an import circle."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.settings import Settings, describe_settings_error, get_settings

if TYPE_CHECKING:
    from index.model import Hit

DESCRIPTION = (
    "Studybot: search your notes, practise with quizzes made from them, and run the Telegram bot. "
    "Settings come from the environment or a .env file (see the README)."
)
EPILOG = (
    "Without a command, studybot does what `make run` does: the Telegram bot when "
    "TELEGRAM_BOT_TOKEN is set, else the conversation in this terminal."
)
MESSAGE_QUERY_WIDTH = 80
EXIT_BROKEN_PIPE = 141  # what a shell reports for a writer ended by SIGPIPE (128 + 13)


def _progress_wanted() -> bool:
    return sys.stderr.isatty()


def shorten(text: str, width: int = MESSAGE_QUERY_WIDTH) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def _count(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _port(text: str) -> int:
    """argparse type: a TCP port number."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, not {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, not {value}")
    return value


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from index.store import ensure_index

    info = ensure_index(
        settings.corpus_dir,
        settings.index_dir,
        rebuild=args.rebuild,
        progress=_progress_wanted(),
        limits=settings.note_limits,
    )
    print(info.describe())
    return 0


def hit_to_json(rank: int, hit: Hit) -> dict[str, Any]:
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

    ensure_index(
        settings.corpus_dir,
        settings.index_dir,
        progress=_progress_wanted(),
        limits=settings.note_limits,
    )
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
            print(f"Did you mean: {shorten(result.suggestion)}")
        if not result.hits:
            print(f"No passage found for {shorten(query)!r}.")
        for hit in result.hits:
            chunk = hit.chunk
            print(f"{hit.rank}. {hit.breadcrumb}  [{hit.score:.2f}]")
            print(f"   {chunk.source}:{chunk.line_start}-{chunk.line_end}")
            print("   " + chunk.text[:300].replace("\n", "\n   "))
            print()
    return 0


def cmd_quiz(args: argparse.Namespace, settings: Settings) -> int:
    if args.flagged:
        return _print_flagged(args, settings)
    from index.quiz import generate_quiz
    from index.store import ensure_index, load_index_chunks

    ensure_index(
        settings.corpus_dir,
        settings.index_dir,
        progress=_progress_wanted(),
        limits=settings.note_limits,
    )
    items = generate_quiz(load_index_chunks(settings.index_dir), count=args.count, seed=args.seed)
    for item in items:
        if args.json:
            print(json.dumps(item.to_json(), ensure_ascii=False))
        else:
            print(item.render_text())
            print()
    return 0


def _print_flagged(args: argparse.Namespace, settings: Settings) -> int:
    """``studybot quiz --flagged``: the items students flagged "👎 Bad question", most first."""
    import asyncio

    from bot.db.flags import FlaggedItem, flagged_items
    from bot.db.session import Database

    async def read() -> list[FlaggedItem]:
        db = Database(settings.effective_database_url)
        await db.start()
        try:
            async with db.session() as session:
                return await flagged_items(session)
        finally:
            await db.close()

    threshold = settings.quiz_flags_to_retire
    flagged = asyncio.run(read())
    for item in flagged:
        everywhere = item.retired_everywhere(threshold)
        if args.json:
            line = {
                "scope": item.scope,
                "id": item.item_id,
                "question": item.question,
                "students": item.students,
                "chats": item.chats,
                "retired_everywhere": everywhere,
                "last_flagged": item.last_flagged.isoformat(),
            }
            print(json.dumps(line, ensure_ascii=False))
            continue
        where = "retired everywhere" if everywhere else "retired in the chats that flagged it"
        students = f"{item.students} student{'s' if item.students != 1 else ''}"
        print(f"{item.item_id}  [{item.scope}] {students}, {where}")
        print(f"  {shorten(item.question, 200)}")
    if not flagged and not args.json:
        print("No question has been flagged.")
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.chat import run_chat

    return run_chat(settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import StartupError, run_bot

    if settings.telegram_bot_token is None:
        print("studybot run: TELEGRAM_BOT_TOKEN is not set.", file=sys.stderr)
        return 2
    try:
        return run_bot(settings, webhook_url=args.webhook_url, listen=args.listen, port=args.port)
    except StartupError as error:
        print(f"studybot run: {error}", file=sys.stderr)
        return error.status


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    # Alembic chats at INFO, some of it on import; -v shows only the steps it runs
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.verbose:
        logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db.migrate import downgrade, upgrade

    try:
        if args.action == "upgrade":
            upgrade(settings.effective_database_url, args.revision or "head")
        else:
            downgrade(settings.effective_database_url, args.revision or "base")
    except ImportError as error:
        print(f"studybot db {args.action}: {error} (the database driver)", file=sys.stderr)
        return 1
    except (CommandError, SQLAlchemyError, OSError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"studybot db {args.action}: {detail}", file=sys.stderr)
        return 1
    return 0


def cmd_notes(args: argparse.Namespace, settings: Settings) -> int:
    """``studybot notes add|list|remove --chat ID [PATH]``: a chat's own notes, from the server."""
    import asyncio
    from pathlib import Path

    from bot.core.services import close_services, open_services
    from bot.core.text import html_to_plain
    from bot.features.notebooks.intake import NotAccepted, read_path
    from bot.features.notebooks.library import (
        add_notes,
        file_lines,
        limits_of,
        remove_notes,
        restore_notebooks,
    )
    from bot.features.notebooks.shelf import ready_text
    from bot.i18n import tr

    async def run() -> int:
        services = await open_services(settings)
        try:
            await restore_notebooks(services)
            if args.action == "add":
                try:
                    intake = await asyncio.to_thread(
                        read_path, Path(args.path).expanduser(), limits_of(services)
                    )
                    built = await add_notes(services, args.chat, intake)
                except NotAccepted as error:
                    reason = tr("en", error.msgid, **error.params)
                    print(f"studybot notes add: {reason}", file=sys.stderr)
                    return 1
                print(html_to_plain(ready_text("en", built, intake)))
            elif args.action == "remove":
                lines, _ = await file_lines(services, args.chat)
                if args.path not in {line.path for line in lines}:
                    print(f"studybot notes remove: no file {args.path!r}", file=sys.stderr)
                    return 1
                built = await remove_notes(services, args.chat, args.path)
                print(f"removed {args.path}: {built.files} files left")
            else:
                lines, keep_demo = await file_lines(services, args.chat)
                for line in lines:
                    print(f"{line.path}\t{line.size}\t{line.passages}\t{line.questions}")
                if keep_demo:
                    print("(the demo notes are on beside them)")
        finally:
            await close_services(services)
        return 0

    return asyncio.run(run())


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
    parser = argparse.ArgumentParser(prog="studybot", description=DESCRIPTION, epilog=EPILOG)
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    p = sub.add_parser("index", help="build or refresh the search index")
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="search the notes")
    p.add_argument("query", nargs="+", help="the query; '-' reads one query per line from stdin")
    p.add_argument(
        "--limit", type=_count, default=5, metavar="N", help="at most N passages (default: 5)"
    )
    p.add_argument("--json", action="store_true", help="one JSON line per query")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("quiz", help="print questions generated from the notes")
    p.add_argument("--count", type=_count, default=5, metavar="N", help="N questions (default: 5)")
    p.add_argument(
        "--seed", type=int, default=0, help="which questions: the same seed, the same list"
    )
    p.add_argument("--json", action="store_true", help="one JSON line per question")
    p.add_argument(
        "--flagged",
        action="store_true",
        help="list the questions students flagged as bad (from the database), most flagged first",
    )
    p.set_defaults(func=cmd_quiz)

    p = sub.add_parser("chat", help="the conversation in this terminal")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("run", help="run the Telegram bot (long polling, or a webhook)")
    p.add_argument(
        "--webhook-url",
        default=None,
        metavar="URL",
        help="receive updates at this public https:// URL instead of long polling "
        "(needs STUDYBOT_WEBHOOK_SECRET)",
    )
    p.add_argument(
        "--listen",
        default="0.0.0.0",
        metavar="ADDRESS",
        help="address the webhook server binds to (default: 0.0.0.0)",
    )
    p.add_argument(
        "--port",
        type=_port,
        default=8443,
        help="port the webhook server listens on (default: 8443)",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("db", help="apply or revert database migrations")
    p.add_argument(
        "action",
        choices=["upgrade", "downgrade"],
        help="upgrade to a newer or downgrade to an older schema",
    )
    p.add_argument(
        "revision",
        nargs="?",
        default=None,
        help="target revision (default: head for upgrade, base for downgrade)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="print each migration as it runs")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("notes", help="a chat's own notes: add a file or folder, list, remove")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION", help="what to do")
    for action, path_help, action_help in (
        ("add", "a note file (.md, .txt, .zip, .pdf) or a folder of notes", "add to the notes"),
        ("list", None, "list the chat's files"),
        ("remove", "a file's path, as `notes list` shows it", "remove one file"),
    ):
        q = actions.add_parser(action, help=action_help)
        q.add_argument("--chat", type=int, required=True, metavar="ID", help="the chat's id")
        if path_help is not None:
            q.add_argument("path", help=path_help)
        q.set_defaults(func=cmd_notes, path=None)

    p = sub.add_parser("start", help="Telegram when a token is set, else the terminal chat")
    p.set_defaults(func=cmd_start)
    return parser


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as error:
        print(f"studybot: {describe_settings_error(error)}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # "Adding job tentatively" x3
    if args.command is None:
        args.func = cmd_start
    status = args.func(args, settings)
    sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at exit
    return status


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        # The reader left (``| head``). Point stdout at /dev/null so that the interpreter's
        # last flush does not fail again, and stop without a word.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
