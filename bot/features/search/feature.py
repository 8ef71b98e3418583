"""The search feature's declaration: /search, plain text (private chats, or addressed to the bot
in groups), inline mode, and the ◀ ▶ / did-you-mean / full-note buttons."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import callbacks as codec
from bot.core.feature import ButtonRoute, Command, Feature, Request
from bot.core.replies import ButtonAnswer, InlineAnswer, Outgoing
from bot.core.services import AppServices
from bot.features.search.cards import (
    examples_for,
    expired,
    inline_answer,
    search_reply,
    show_example,
    show_full_note,
    show_page,
)
from bot.features.search.help import mention_hint
from bot.i18n import N_


async def search_command(services: AppServices, request: Request) -> Sequence[Outgoing]:
    return await search_reply(services, request.asker, request.text)


async def search_text(services: AppServices, request: Request) -> Sequence[Outgoing]:
    """Text that is not a command: a search (in a group, only text addressed to the bot arrives
    here; addressed without words gets a hint)."""
    if not request.asker.private and not request.text.strip():
        return [mention_hint(request.asker, await examples_for(services, request.asker))]
    return await search_reply(services, request.asker, request.text)


async def search_button(services: AppServices, request: Request) -> ButtonAnswer:
    action = codec.decode(request.text)
    if isinstance(action, codec.SearchPage):
        return await show_page(services, request.asker, action.key, action.page)
    if isinstance(action, codec.FullNote):
        return await show_full_note(services, request.asker, action.chunk_id)
    if isinstance(action, codec.ExampleSearch):
        return await show_example(services, request.asker, action.index)
    return expired(request.asker.lang)


async def search_inline(services: AppServices, request: Request) -> InlineAnswer:
    return await inline_answer(services, request.asker, request.text)


SEARCH = Feature(
    name="search",
    commands=(Command("search", search_command, menu=N_("Search the notes: /search words")),),
    buttons=(ButtonRoute((codec.SEARCH_PAGE, codec.FULL_NOTE, codec.EXAMPLE), search_button),),
    on_text=search_text,
    on_inline=search_inline,
)
