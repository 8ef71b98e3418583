"""The search conversation: a query becomes a card of the best passage, with paging, full note and
"did you mean"; also the inline-mode answer. Transport-agnostic: returns replies as data."""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
from collections.abc import Sequence

from bot.core.callbacks import ExampleSearch, FullNote, SearchPage, fits_chunk_id
from bot.core.deeplink import encode_query
from bot.core.inbox import save_button_searches
from bot.core.notebooks import Notebook
from bot.core.replies import (
    Asker,
    Button,
    ButtonAnswer,
    InlineAnswer,
    InlineArticle,
    Keyboard,
    Notice,
    Reply,
)
from bot.core.search_memory import search_scope
from bot.core.services import AppServices
from bot.core.text import MESSAGE_LIMIT, cut_plain, html_to_plain, split_plain, utf16_len
from bot.i18n import tr
from index.model import Chunk, Hit, SearchResult

log = logging.getLogger(__name__)

MAX_HITS = 10  # hits kept per search, paged with ◀ ▶
MAX_QUERY_CHARS = 300  # longer queries are cut (Whoosh gains nothing from essays)
INLINE_RESULTS = 10


def normalize_query(text: str) -> str:
    """One line, no surrounding blanks, at most MAX_QUERY_CHARS characters."""
    query = " ".join(text.split())
    return query[:MAX_QUERY_CHARS].strip()


async def _search(notebook: Notebook, query: str, limit: int = MAX_HITS) -> SearchResult:
    return await asyncio.to_thread(notebook.searcher.search, query, limit)


def _source_html(chunk: Chunk) -> str:
    lines = (
        f"{chunk.line_start}"
        if chunk.line_start == chunk.line_end
        else f"{chunk.line_start}–{chunk.line_end}"
    )
    return f"<code>{html.escape(chunk.source)}:{lines}</code>"


def _snippet_html(hit: Hit) -> str:
    if hit.snippet.strip():
        return hit.snippet.strip()
    return html.escape(cut_plain(" ".join(hit.chunk.text.split()), 300))


def passage_html(hit: Hit, footer: str = "") -> str:
    """A passage card: breadcrumb in bold, the highlighted snippet, the source (and a footer)."""
    breadcrumb = html.escape(cut_plain(hit.breadcrumb, 300))
    text = f"<b>{breadcrumb}</b>\n{_snippet_html(hit)}\n\n📄 {_source_html(hit.chunk)}"
    if footer:
        text += f" · {footer}"
    if utf16_len(html_to_plain(text)) > MESSAGE_LIMIT:  # a pathological snippet: fall back safely
        body = html.escape(cut_plain(html_to_plain(_snippet_html(hit)), 3000))
        text = f"<b>{breadcrumb}</b>\n{body}\n\n📄 {_source_html(hit.chunk)}"
    return text


def _suggestion_button(
    services: AppServices, scope: str, lang: str, suggestion: str | None, query: str
) -> Button | None:
    if not suggestion or suggestion.strip().casefold() == query.casefold():
        return None
    suggestion = normalize_query(suggestion)
    key = services.searches.remember(suggestion, scope)
    label = tr(lang, "🔎 Did you mean: {suggestion}?", suggestion=cut_plain(suggestion, 40))
    return Button(label, data=SearchPage(key, 0).encode())


def result_card(
    services: AppServices,
    scope: str,
    lang: str,
    result: SearchResult,
    key: str,
    page: int,
    *,
    edit: bool,
) -> Reply:
    """The card for hit ``page`` of ``result``, with ◀ ▶, full-note and suggestion buttons."""
    hits = result.hits
    hit = hits[page]
    footer = tr(lang, "result {n} of {total}", n=page + 1, total=len(hits)) if len(hits) > 1 else ""
    rows: list[tuple[Button, ...]] = []
    nav = []
    if page > 0:
        nav.append(Button("◀", data=SearchPage(key, page - 1).encode()))
    if page + 1 < len(hits):
        nav.append(Button("▶", data=SearchPage(key, page + 1).encode()))
    if nav:
        rows.append(tuple(nav))
    if fits_chunk_id(hit.chunk.id):
        rows.append((Button(tr(lang, "📖 Full note"), data=FullNote(hit.chunk.id).encode()),))
    suggestion = _suggestion_button(services, scope, lang, result.suggestion, result.query)
    if suggestion is not None:
        rows.append((suggestion,))
    return Reply(passage_html(hit, footer), buttons=tuple(rows), edit=edit)


async def examples_for(services: AppServices, asker: Asker) -> list[str]:
    """Example queries from the notes the asker's chat studies (their own titles)."""
    notebook = services.notebook_for(asker.chat_id)
    return await asyncio.to_thread(notebook.example_queries, asker.lang)


def examples_html(examples: Sequence[str]) -> str:
    return ", ".join(f"<code>{html.escape(q)}</code>" for q in examples)


def no_results(
    services: AppServices, scope: str, lang: str, result: SearchResult, examples: Sequence[str]
) -> Reply:
    """A friendly "nothing found" with example queries (as buttons) and any spelling suggestion."""
    text = tr(
        lang,
        "I found nothing for <i>{query}</i> in the notes.\n"
        "Try fewer or different words, for example: {examples}.",
        query=html.escape(cut_plain(result.query, 200)),
        examples=examples_html(examples),
    )
    rows: list[tuple[Button, ...]] = []
    suggestion = _suggestion_button(services, scope, lang, result.suggestion, result.query)
    if suggestion is not None:
        rows.append((suggestion,))
    # examples are the notebook's own: a button names one by number, nothing to save
    rows.append(
        tuple(Button(f"🔎 {q}", data=ExampleSearch(i).encode()) for i, q in enumerate(examples[:2]))
    )
    return Reply(text, buttons=tuple(rows))


def ask_for_query(lang: str, examples: Sequence[str]) -> Reply:
    return Reply(
        tr(
            lang,
            "What should I look for? Send a few words, for example: {examples}.",
            examples=examples_html(examples),
        )
    )


async def search_reply(services: AppServices, asker: Asker, text: str) -> list[Reply]:
    """Answer a query typed by the user: the best hit as a card, or a helpful "nothing found"."""
    query = normalize_query(text)
    if not query:
        return [ask_for_query(asker.lang, await examples_for(services, asker))]
    notebook = services.notebook_for(asker.chat_id)
    scope = search_scope(notebook.id, asker.chat_id)
    result = await _search(notebook, query)
    if not result.hits:
        examples = await examples_for(services, asker)
        replies = [no_results(services, scope, asker.lang, result, examples)]
    else:
        key = services.searches.remember(query, scope)
        replies = [result_card(services, scope, asker.lang, result, key, 0, edit=False)]
    await save_button_searches(services)  # before the buttons are sent, or with the reply's record
    return replies


def expired(lang: str) -> ButtonAnswer:
    return ButtonAnswer(Notice(tr(lang, "This button has expired. Please search again.")))


async def show_example(services: AppServices, asker: Asker, index: int) -> ButtonAnswer:
    """An example button under "nothing found": that example's card, in place."""
    examples = await examples_for(services, asker)
    if index >= len(examples):
        return expired(asker.lang)
    notebook = services.notebook_for(asker.chat_id)
    scope = search_scope(notebook.id, asker.chat_id)
    key = services.searches.remember(normalize_query(examples[index]), scope)
    return await show_page(services, asker, key, 0)


async def show_page(services: AppServices, asker: Asker, key: str, page: int) -> ButtonAnswer:
    """A ◀ ▶ or "did you mean" press: show hit ``page`` of the remembered search ``key``."""
    notebook = services.notebook_for(asker.chat_id)
    scope = search_scope(notebook.id, asker.chat_id)
    query = await services.searches.lookup(key, services.db, scope)
    if query is None:
        return expired(asker.lang)
    result = await _search(notebook, query)
    if not result.hits:
        examples = await examples_for(services, asker)
        reply = no_results(services, scope, asker.lang, result, examples)
        await save_button_searches(services)
        return ButtonAnswer(Notice(), (Reply(reply.text, reply.buttons, edit=True),))
    if page >= len(result.hits):
        return expired(asker.lang)
    # every search button (◀ ▶, "did you mean", examples) turns its message into the card
    card = result_card(services, scope, asker.lang, result, key, page, edit=True)
    await save_button_searches(services)  # the card's new buttons, and "used" marks
    return ButtonAnswer(Notice(), (card,))


def full_note_messages(chunk: Chunk, lang: str) -> list[Reply]:
    """The whole chunk, escaped, split at paragraph boundaries into messages ≤ 4096 units."""
    header = f"<b>{html.escape(cut_plain(chunk.breadcrumb, 300))}</b>\n📄 {_source_html(chunk)}\n\n"
    continued_label = tr(lang, "(continued)")
    continued = f"<i>{html.escape(continued_label)}</i>\n\n"
    budget = MESSAGE_LIMIT - max(
        utf16_len(html_to_plain(header)), utf16_len(html_to_plain(continued))
    )
    pieces = split_plain(chunk.text, budget) or [tr(lang, "(this note has no text)")]
    messages = []
    for index, piece in enumerate(pieces):
        prefix = header if index == 0 else continued
        messages.append(Reply(prefix + html.escape(piece)))
    return messages


async def show_full_note(services: AppServices, asker: Asker, chunk_id: str) -> ButtonAnswer:
    """The "📖 Full note" button: send the whole chunk as one or more new messages."""
    searcher = services.notebook_for(asker.chat_id).searcher
    chunk = await asyncio.to_thread(searcher.chunk, chunk_id)
    if chunk is None:
        return expired(asker.lang)
    return ButtonAnswer(Notice(), tuple(full_note_messages(chunk, asker.lang)))


def deep_link(bot_username: str, query: str) -> str | None:
    """``https://t.me/<bot>?start=<payload>`` that runs ``query`` in a private chat."""
    payload = encode_query(query)
    if not bot_username or payload is None:
        return None
    return f"https://t.me/{bot_username}?start={payload}"


def _article_id(chunk: Chunk) -> str:
    raw = chunk.id.encode("utf-8")
    if 1 <= len(raw) <= 64:
        return chunk.id
    return hashlib.sha256(raw).hexdigest()[:32]


def _article(hit: Hit, asker: Asker, query: str) -> InlineArticle:
    buttons: Keyboard = ()
    link = deep_link(asker.bot_username, query)
    if link:
        buttons = ((Button(tr(asker.lang, "🔎 More in private chat"), url=link),),)
    return InlineArticle(
        id=_article_id(hit.chunk),
        title=cut_plain(hit.breadcrumb, 120),
        description=cut_plain(" ".join(html_to_plain(_snippet_html(hit)).split()), 200),
        text=passage_html(hit),
        buttons=buttons,
    )


async def inline_answer(services: AppServices, asker: Asker, text: str) -> InlineAnswer:
    """Inline mode: up to 10 passages for ``text``; an empty query gets starter suggestions."""
    query = normalize_query(text)
    notebook = services.notebook_for(asker.chat_id)
    if not query:
        articles: dict[str, InlineArticle] = {}
        for example in await examples_for(services, asker):
            result = await _search(notebook, example, 1)
            for hit in result.hits:
                article = _article(hit, asker, example)
                articles.setdefault(article.id, article)
        return InlineAnswer(
            tuple(articles.values()),
            start_button_text=tr(asker.lang, "Open Studybot"),
            start_parameter="help",
            cache_time=60,
            is_personal=True,  # each person's suggestions come from their own notes
        )
    result = await _search(notebook, query, INLINE_RESULTS)
    articles = {}
    for hit in result.hits:
        article = _article(hit, asker, query)
        articles.setdefault(article.id, article)  # ids must be unique within one answer
    payload = encode_query(query)
    return InlineAnswer(
        tuple(articles.values()),
        start_button_text=tr(asker.lang, "Search in private chat") if payload else None,
        start_parameter=payload,
        cache_time=10,
        is_personal=True,
    )
