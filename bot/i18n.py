"""UI strings from the gettext catalogs (bot/locales/<lang>/LC_MESSAGES/*.po), read with Babel.

Every ``.po`` file of a language is merged at import (the search feature's ``studybot.po`` and the
quiz feature's ``quiz.po`` sit side by side), so no ``.mo`` compilation step is needed.
Call sites use ``tr(lang, "English text {name}", name=...)``, ``trn(lang, singular, plural, n)``,
and mark strings translated later with ``N_("...")``. Placeholders use ``str.format`` syntax.
Plural forms follow each catalog's own ``Plural-Forms`` rule (Babel reads it; the stdlib's
``gettext.c2py`` compiles it), so a language with three forms needs no code change.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"

log = logging.getLogger(__name__)

Messages = dict[str | tuple[str, ...], str | tuple[str, ...]]


def load_catalog(lang: str, locales_dir: Path = LOCALES_DIR) -> Messages:
    """All messages of ``lang``, merged from every .po file of that language (later files win)."""
    merged: Messages = {}
    for po_path in sorted((locales_dir / lang / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            key = message.id if isinstance(message.id, str) else tuple(message.id)
            string = message.string
            merged[key] = string if isinstance(string, str) else tuple(string or ())
    return merged


@cache
def catalog(lang: str) -> Messages:
    return load_catalog(lang)


@cache
def plural_rule(lang: str, locales_dir: Path = LOCALES_DIR) -> Callable[[int], int]:
    """The catalog's plural rule: n → index of the plural form (from its Plural-Forms header)."""
    for po_path in sorted((locales_dir / lang / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            return gettext.c2py(read_po(handle, locale=lang).plural_expr)
    return gettext.c2py("(n != 1)")


def normalize_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _format(text: str, params: dict[str, object]) -> str:
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        log.warning("translation placeholders do not match for %r", text)
        return text


def tr(lang: str, msgid: str, **params: object) -> str:
    """``msgid`` translated into ``lang`` (falls back to the msgid), with ``params`` filled in."""
    found = catalog(normalize_language(lang)).get(msgid)
    text = found if isinstance(found, str) and found else msgid
    return _format(text, params)


def trn(lang: str, singular: str, plural: str, n: int, **params: object) -> str:
    """Plural-aware translation; ``n`` is also available as the ``{n}`` placeholder."""
    language = normalize_language(lang)
    found = catalog(language).get((singular, plural))
    index = plural_rule(language)(n)
    if isinstance(found, tuple) and len(found) > index and found[index]:
        text = found[index]
    else:
        text = singular if n == 1 else plural
    return _format(text, {"n": n, **params})


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark ``msgid`` for extraction without translating it now."""
    return msgid
