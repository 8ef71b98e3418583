"""/start and /help: what the bot does, with examples and every feature's help lines;
``/start <payload>`` runs a search."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.deeplink import decode_query
from bot.core.replies import Asker, Reply
from bot.core.services import AppServices
from bot.features.search.cards import examples_for, examples_html, search_reply
from bot.i18n import tr


def help_reply(asker: Asker, sections: Sequence[str] = (), examples: Sequence[str] = ()) -> Reply:
    """The /help text for a private chat or a group; ``sections`` are the features' help lines
    (catalog msgids, with an optional {bot} placeholder), ``examples`` queries from the notes."""
    bot = f"@{asker.bot_username}" if asker.bot_username else "@bot"
    lines = [
        tr(
            asker.lang,
            "👋 I'm Studybot: I find passages in the notes and quiz you on them.",
        ),
        "",
    ]
    if asker.private:
        lines.append(
            tr(
                asker.lang,
                "🔎 Send me a few words and I'll answer with the best passage of the notes, "
                "for example: {examples}.",
                examples=examples_html(examples),
            )
        )
    else:
        lines.append(
            tr(
                asker.lang,
                "🔎 In this group, search with /search <i>words</i> or mention me: "
                "{bot} <i>words</i>. Examples: {examples}.",
                bot=bot,
                examples=examples_html(examples),
            )
        )
    lines.append(tr(asker.lang, "◀ ▶ show other passages; 📖 shows the whole note."))
    if asker.bot_username:  # inline mode exists on Telegram only
        lines.append(
            tr(asker.lang, "💬 In any chat, type {bot} <i>words</i> to share a passage.", bot=bot)
        )
    lines.extend(tr(asker.lang, msgid, bot=bot) for msgid in sections)
    return Reply("\n".join(lines))


async def start_reply(
    services: AppServices, asker: Asker, payload: str, sections: Sequence[str] = ()
) -> list[Reply]:
    """/start: a deep-link payload carrying a query runs that search; anything else gets /help."""
    query = decode_query(payload.strip()) if payload.strip() else None
    if query:
        return await search_reply(services, asker, query)
    return [help_reply(asker, sections, await examples_for(services, asker))]


def mention_hint(asker: Asker, examples: Sequence[str]) -> Reply:
    """Someone mentioned the bot in a group without saying what to look for."""
    return Reply(
        tr(
            asker.lang,
            "Tell me what to look for, for example: {examples}.",
            examples=examples_html(examples),
        )
    )


def unknown_command(asker: Asker) -> Reply:
    return Reply(tr(asker.lang, "I don't know that command. /help shows what I can do."))


def apology(lang: str) -> Reply:
    """What the user sees when handling their message failed."""
    return Reply(tr(lang, "Sorry, something went wrong on my side. Please try again in a moment."))
