"""Parse Markdown notes with markdown-it-py into titled sections of clean, line-numbered text.

The block structure (headings, lists, quotes, tables, code, math, front matter, footnotes,
definition lists) comes from the parser; this module only renders its tokens: Obsidian wikilinks
become their visible text, embeds and images are dropped (keeping alt text), callouts become
their title and text, HTML tags and emphasis markers go, table rows become "header: cell" lines,
code keeps its fence, language and indentation, and LaTeX stays as written, in one piece.
Navigation (``Links:``/``Related`` footers, link-only lines, tables of contents) and ``#tags``
become the note's metadata, not its text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from index.parse_text import Line, Section, blank_line, clean_inline, clean_title, trim_blank

log = logging.getLogger(__name__)
# markdown-it logs every block rule it tries at DEBUG: at a DEBUG log level that is megabytes
# per note (and a stalled pipe for a bot run under a supervisor), so it speaks at WARNING only.
logging.getLogger("markdown_it").setLevel(logging.WARNING)

MARKDOWN_GROUP = -1  # Section.group of every Markdown section: tiny ones merge within the note
MAX_NESTING = 40  # deeper lists or quotes: the file is read as plain lines instead
_INDENT_STEP = 2  # spaces per list level in rendered text
_CODE_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")

_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:\s|$)")
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]{1,400}?)\]\]")
_WIKILINK_PIPE = re.compile(r"\[\[[^\[\]\n]{1,400}?\]\]")
_ALIAS_BAR = "\ue000"  # stands for a "|" inside [[...]], so tables do not split there
_TAG = re.compile(r"(?<![\w#&/\\\]\)'\"`])#([^\W\d_][\w/\-]{0,60})")
_CALLOUT = re.compile(r"\s{0,3}\[!([\w-]{1,30})\][+-]?\s*")
_SIZE_ONLY = re.compile(r"\d{1,5}(?:x\d{1,5})?")
_FILE_LIKE = re.compile(r".{0,200}\.(?:png|jpe?g|gif|svg|webp|bmp|pdf|excalidraw|pptx?|mp4)$", re.I)
# Only real HTML elements are tags: "<File>" or "<retention>" in a note is a placeholder, text.
_HTML_NAMES = (
    "a|abbr|article|aside|audio|b|big|blockquote|body|br|button|center|cite|code|col|colgroup|"
    "dd|del|details|div|dl|dt|em|embed|figcaption|figure|font|footer|h[1-6]|head|header|hr|html|"
    "i|iframe|img|input|ins|kbd|label|li|link|main|mark|meta|nav|ol|p|picture|pre|q|s|samp|"
    "section|small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|tfoot|th|"
    "thead|tr|tt|u|ul|var|video|wbr"
)
_HTML_TAG = re.compile(
    rf"</?(?:{_HTML_NAMES})(?=[\s/>])(?:\s[^<>\n]{{0,300}})?/?>|<!--.{{0,2000}}?-->",
    re.S | re.IGNORECASE,
)
_NAV_LEAD = re.compile(
    r"\s{0,3}(?:links?|related|backlinks?|see also|enlaces|relacionad[oa]s|ver también|"
    r"índice|indice|table of contents|contents|toc|tags|etiquetas)\s{0,3}:?\s*$",
    re.IGNORECASE,
)
_NAV_PREFIX = re.compile(
    r"\s{0,3}(?:links?|related|backlinks?|see also|enlaces|tags)\s{0,3}:", re.I
)
_NAV_HEADINGS = frozenset(
    {
        "links",
        "link",
        "related",
        "related notes",
        "backlinks",
        "see also",
        "tags",
        "table of contents",
        "contents",
        "toc",
        "enlaces",
        "relacionados",
        "ver también",
        "índice",
        "etiquetas",
        "referencias",
        "references",
    }
)


@dataclass(slots=True)
class NoteMeta:
    """What a note says about itself rather than about its subject."""

    title: str | None = None  # front matter ``title``, else the first H1
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def add_tag(self, tag: str) -> None:
        tag = tag.strip().strip("#").replace("-", " ").replace("_", " ").replace("/", " ")
        tag = " ".join(tag.split())
        if tag and tag not in self.tags and len(self.tags) < 100:
            self.tags.append(tag)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    for plugin in (
        front_matter_plugin,
        dollarmath_plugin,
        footnote_plugin,
        tasklists_plugin,
        deflist_plugin,
    ):
        md.use(plugin)
    return md


_MD = _markdown()


def too_deep(raw_lines: Sequence[str]) -> bool:
    """Whether lists or quotes nest deeper than the parser follows (their text would be lost)."""
    limit = MAX_NESTING // 2
    for raw in raw_lines:
        head = raw[: limit * 8]
        marks = len(head) - len(head.lstrip(" \t>"))
        if head[:marks].count(">") > limit:
            return True
        if marks > limit * 4 and _LIST_MARKER.match(head[marks:]):
            return True
    return False


def _protect_wikilink_bars(text: str) -> str:
    if "[[" not in text:
        return text
    return _WIKILINK_PIPE.sub(
        lambda m: m.group(0).replace("\\|", "|").replace("|", _ALIAS_BAR), text
    )


def wikilink_text(target: str) -> str:
    """The visible text of ``[[target]]``: its alias, else the note name (and section)."""
    target = target.replace("\\|", _ALIAS_BAR).replace("|", _ALIAS_BAR)
    page, _, alias = target.partition(_ALIAS_BAR)
    if alias.strip():
        return alias.strip()
    page, _, section = page.partition("#")
    name = page.strip().rsplit("/", 1)[-1]
    if name.lower().endswith(".md"):
        name = name[:-3]
    section = section.strip().lstrip("^")
    if name and section:
        return f"{name} › {section}"
    return name or section


def _clean_wikilinks(text: str) -> str:
    def visible(match: re.Match[str]) -> str:
        if match.group(1):  # an embed: an image or a transcluded note, not text of this note
            alias = match.group(2).replace("\\|", _ALIAS_BAR).partition(_ALIAS_BAR)[2].strip()
            if alias and not _SIZE_ONLY.fullmatch(alias) and not _FILE_LIKE.match(alias):
                return alias
            return ""
        return wikilink_text(match.group(2))

    return _WIKILINK.sub(visible, text)


@dataclass(slots=True)
class _Rendered:
    """One inline token's text, with how much of it was link text (to spot navigation)."""

    text: str
    link_chars: int = 0


def _render_inline(token: Token, meta: NoteMeta) -> _Rendered:
    parts: list[str] = []
    link_chars = 0
    in_link = 0
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            parts.append(child.content)
            if in_link:
                link_chars += len(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "code_inline":
            parts.append(child.content)
        elif kind == "math_inline":
            parts.append(f"${child.content}$")
        elif kind == "math_inline_double":
            parts.append(f"$${child.content}$$")
        elif kind == "image":
            alt = child.content.strip()
            if alt and not _FILE_LIKE.match(alt) and not _SIZE_ONLY.fullmatch(alt):
                parts.append(alt)
        elif kind == "link_open":
            in_link += 1
        elif kind == "link_close":
            in_link = max(0, in_link - 1)
        elif kind == "footnote_ref":
            parts.append(f"[{child.meta.get('label', child.meta.get('id', ''))}]")
        elif kind == "html_inline":
            if "checkbox" in child.content:
                parts.append("☑" if "checked" in child.content else "☐")
            elif _HTML_TAG.fullmatch(child.content.strip()):
                parts.append(" ")  # a tag becomes a space, so it cannot glue words together
            else:
                parts.append(child.content)  # "<File>": a placeholder, not markup
    text = "".join(parts)
    if "[[" in text:
        before = len(text)
        text = _clean_wikilinks(text)
        wiki = sum(len(wikilink_text(m.group(2))) for m in _WIKILINK.finditer("".join(parts)))
        link_chars += wiki if before else 0
    if "#" in text:

        def tag(match: re.Match[str]) -> str:
            meta.add_tag(match.group(1))
            return ""

        text = _TAG.sub(tag, text)
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    return _Rendered(text.replace(_ALIAS_BAR, "|"), link_chars)


def _is_link_only(rendered: _Rendered) -> bool:
    """A line made of links alone (an index page's entry, a backlink list)."""
    if not rendered.link_chars:
        return False
    letters = sum(ch.isalnum() for ch in rendered.text)
    return letters > 0 and rendered.link_chars >= letters * 0.9


@dataclass(slots=True)
class _Walker:
    raw_lines: Sequence[str]
    meta: NoteMeta
    sections: list[Section] = field(default_factory=list)
    stack: list[tuple[int, str]] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    nav_section: bool = False
    h1_titles: list[str] = field(default_factory=list)
    heading_line: int = 0

    def flush(self) -> None:
        content = tuple(trim_blank(self.body))
        self.body.clear()
        if not content or self.nav_section:
            return
        path = tuple(title for _, title in self.stack)
        title = path[-1] if path else ""
        self.sections.append(
            Section(path, title, content, group=MARKDOWN_GROUP, heading_line=self.heading_line)
        )

    def heading(self, level: int, title: str, number: int) -> None:
        if not title:
            self.body.append(blank_line(number))
            return
        self.flush()
        if level == 1:
            self.h1_titles.append(title)
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))
        self.heading_line = number
        self.nav_section = title.casefold().strip(" :") in _NAV_HEADINGS

    def add(
        self, number: int, indent: int, text: str, *, bullet: bool = False, last: int = 0
    ) -> None:
        self.body.append(Line(number, indent, text, bullet, last))


# libyaml's parser when PyYAML was built with it: a third of a build of many small notes with
# front matter goes to the pure-Python one. The constructor is the safe one either way.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _front_matter(content: str, meta: NoteMeta) -> None:
    try:
        data = yaml.load(content, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        log.warning("front matter is not valid YAML (%s): the note is indexed without it", error)
        return
    except RecursionError:
        log.warning("front matter nests too deep: the note is indexed without it")
        return
    if not isinstance(data, dict):
        return
    title = data.get("title")
    if isinstance(title, str | int | float) and str(title).strip():
        meta.title = clean_title(str(title))
    for key in ("aliases", "alias"):
        aliases = data.get(key)
        if isinstance(aliases, str):
            aliases = [aliases]
        if isinstance(aliases, list):
            for alias in aliases[:20]:
                if isinstance(alias, str | int | float) and str(alias).strip():
                    meta.aliases.append(clean_title(str(alias)))
    for key in ("tags", "tag", "keywords"):
        tags = data.get(key)
        if isinstance(tags, str):
            tags = re.split(r"[,\s]+", tags)
        if isinstance(tags, list):
            for tag in tags[:50]:
                if isinstance(tag, str | int | float):
                    meta.add_tag(str(tag))


def _table_lines(tokens: list[Token], start: int, walker: _Walker, depth: int) -> int:
    """Render a table from ``tokens[start]`` (table_open); returns the index after it."""
    header: list[str] = []
    row: list[str] = []
    in_head = False
    row_line = 0
    index = start + 1
    while index < len(tokens):
        token = tokens[index]
        if token.type == "table_close":
            return index + 1
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
            row_line = (token.map[0] + 1) if token.map else row_line
        elif token.type == "inline":
            row.append(clean_inline(_render_inline(token, walker.meta).text))
        elif token.type == "tr_close":
            if in_head:
                header = row
            elif any(row):
                cells = []
                for position, cell in enumerate(row):
                    if not cell:
                        continue
                    name = header[position] if position < len(header) else ""
                    cells.append(f"{name}: {cell}" if name and name != cell else cell)
                walker.add(row_line, depth * _INDENT_STEP, " · ".join(cells))
        index += 1
    return index


def parse_markdown(raw_lines: Sequence[str], meta: NoteMeta | None = None) -> list[Section]:
    """Sections of a Markdown note, one per heading that has a body (plus any preamble);
    ``meta`` receives the note's title, aliases and tags."""
    meta = meta if meta is not None else NoteMeta()
    # CommonMark turns NUL into U+FFFD: drop it first, as the outline parser does
    text = _protect_wikilink_bars("\n".join(raw_lines).replace("\x00", " "))
    tokens = _MD.parse(text)
    walker = _Walker(raw_lines, meta)
    list_depth = 0
    quote_depth = 0
    item_marker: list[str] = []  # the marker still to print before an item's first line
    callout_open = False
    skip_list = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        start = token.map[0] + 1 if token.map else 0
        if kind == "front_matter":
            _front_matter(token.content, meta)
        elif kind == "heading_open" and list_depth == 0 and quote_depth == 0:
            inline = tokens[index + 1]
            title = clean_title(_render_inline(inline, meta).text.replace("\n", " "))
            walker.heading(int(token.tag[1:]), title, start)
            skip_list = False
            index += 3
            continue
        elif kind in ("bullet_list_open", "ordered_list_open") and skip_list and list_depth == 0:
            index = _after_block(tokens, index)
            skip_list = False
            continue
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "list_item_open":
            item_mark = (
                token.markup if token.markup in "-*+" else f"{token.info or 1}{token.markup}"
            )
            item_marker.append(item_mark[:4] if item_mark else "-")
        elif kind == "list_item_close":
            if item_marker:
                item_marker.pop()
        elif kind == "blockquote_open":
            quote_depth += 1
            if quote_depth == 1:
                walker.body.append(blank_line(start))
        elif kind == "blockquote_close":
            quote_depth -= 1
            callout_open = False
        elif kind == "table_open":
            index = _table_lines(tokens, index, walker, list_depth)
            continue
        elif kind in ("fence", "code_block"):
            _code(walker, token, list_depth)
        elif kind in ("math_block", "math_block_label"):
            latex = token.content.strip("\n")
            end = token.map[1] if token.map else start
            walker.add(start, list_depth * _INDENT_STEP, f"$$\n{latex}\n$$", last=end)
        elif kind == "html_block":
            for offset, line in enumerate(token.content.split("\n")):
                stripped = clean_inline(_HTML_TAG.sub(" ", line))
                if stripped:
                    walker.add(start + offset, 0, stripped)
        elif kind == "hr":
            walker.body.append(blank_line(start))
        elif kind == "inline":
            rendered = _render_inline(token, meta)
            lines = rendered.text.split("\n")
            if quote_depth and not callout_open:
                callout = _CALLOUT.match(lines[0])
                if callout:
                    callout_open = True
                    rest = lines[0][callout.end() :].strip()
                    lines[0] = rest or (callout.group(1) or "").replace("-", " ").capitalize()
            marker = item_marker[-1] if item_marker and list_depth else None
            if item_marker and list_depth:
                item_marker[-1] = ""  # only the item's first paragraph line carries it
            if _is_link_only(rendered) or _NAV_PREFIX.match(rendered.text):
                index += 1
                continue
            if list_depth == 0 and len(lines) == 1 and _NAV_LEAD.match(lines[0]):
                skip_list = True  # "Links:" alone: it and the list under it are navigation
                index += 1
                continue
            indent = max(0, list_depth - 1) * _INDENT_STEP
            for offset, line in enumerate(lines):
                clean = clean_inline(line)
                if not clean:
                    continue
                number = start + offset if start else 0
                if offset == 0 and marker:
                    walker.add(number, indent, f"{marker} {clean}", bullet=True)
                else:
                    walker.add(number, indent + (_INDENT_STEP if marker is not None else 0), clean)
        elif kind == "paragraph_close" and list_depth == 0:
            walker.body.append(blank_line(0))
        if kind not in ("inline", "paragraph_open", "paragraph_close", "softbreak"):
            skip_list = skip_list and kind in ("heading_close",)
        index += 1
    walker.flush()
    if meta.title is None and len(walker.h1_titles) == 1:
        meta.title = walker.h1_titles[0]  # one H1 names the note; several are its parts
    return [_numbered(section) for section in walker.sections]


def _after_block(tokens: list[Token], index: int) -> int:
    """The index just after the block that opens at ``tokens[index]``."""
    depth = 0
    while index < len(tokens):
        depth += tokens[index].nesting
        index += 1
        if depth <= 0:
            break
    return index


def _code(walker: _Walker, token: Token, depth: int) -> None:
    start = token.map[0] + 1 if token.map else 0
    end = token.map[1] if token.map else start
    language = token.info.strip().split()[0] if token.info.strip() else ""
    code = token.content.rstrip("\n")
    code = _CODE_CONTROL.sub(" ", code.replace("\t", "    "))
    if not code.strip():
        return
    walker.add(start, depth * _INDENT_STEP, f"```{language}\n{code}\n```", last=end)


def _numbered(section: Section) -> Section:
    """Give lines without a number (zero) their neighbour's, so line ranges stay inside."""
    previous = 0
    lines = []
    for line in section.lines:
        if line.number <= 0:
            line = line._replace(number=previous)
        previous = max(line.number, line.last)
        lines.append(line)
    return replace(section, lines=tuple(lines))
