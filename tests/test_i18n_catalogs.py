"""The gettext catalogs: every string the code asks for exists in en and es, with matching
placeholders and HTML tags; the loader merges every .po file of a language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from bot.i18n import LANGUAGES, catalog, load_catalog, tr, trn

BOT_DIR = Path(__file__).resolve().parents[1] / "bot"
KEYWORDS = {"tr": (2,), "trn": (2, 3), "N_": None}


def _msgids_in_code() -> dict[object, str]:
    found: dict[object, str] = {}
    for path in sorted(BOT_DIR.rglob("*.py")):
        for lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                message = tuple(message)
            found.setdefault(message, f"{path.relative_to(BOT_DIR.parent)}:{lineno}")
    return found


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?[a-z]+>", text))


def test_code_uses_some_messages():
    assert len(_msgids_in_code()) >= 25


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_msgid_used_in_code_is_in_the_catalog(lang):
    messages = catalog(lang)
    missing = [where for msgid, where in _msgids_in_code().items() if msgid not in messages]
    assert not missing, f"missing from {lang}: {missing}"


def test_spanish_translations_are_present_and_keep_placeholders_and_tags():
    for msgid, translation in catalog("es").items():
        singulars = msgid if isinstance(msgid, tuple) else (msgid,)
        translations = translation if isinstance(translation, tuple) else (translation,)
        assert all(translations), f"untranslated: {msgid!r}"
        for original, translated in zip(singulars, translations, strict=False):
            assert _placeholders(translated) <= _placeholders("".join(singulars)), msgid
            assert _placeholders(original) == _placeholders(translated) or isinstance(
                msgid, tuple
            ), msgid
            assert _tags(original) == _tags(translated), msgid


def test_loader_merges_every_po_file_of_a_language(tmp_path):
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "a.po").write_text('msgid "Hello"\nmsgstr "Hola"\n', encoding="utf-8")
    (folder / "b.po").write_text(
        'msgid "Bye"\nmsgstr "Adiós"\n\n#, fuzzy\nmsgid "Maybe"\nmsgstr "Quizá"\n',
        encoding="utf-8",
    )
    assert load_catalog("es", tmp_path) == {"Hello": "Hola", "Bye": "Adiós"}


def test_translation_falls_back_to_the_msgid_and_fills_placeholders():
    assert tr("es", "result {n} of {total}", n=2, total=5) == "resultado 2 de 5"
    assert tr("en", "result {n} of {total}", n=2, total=5) == "result 2 of 5"
    assert tr("fr", "📖 Full note") == "📖 Full note"
    assert tr("es", "not in any catalog {x}", x=1) == "not in any catalog 1"
    assert trn("en", "{n} day", "{n} days", 1) == "1 day"
    assert trn("en", "{n} day", "{n} days", 3) == "3 days"
