"""Choosing the UI language and the /lang menu."""

from __future__ import annotations

from bot.core.callbacks import SetLanguage, decode
from bot.core.lang import choose_language, language_menu, set_language
from bot.core.replies import Asker
from tests.botfakes import ListSearcher, services_for


def test_telegram_code_decides_until_the_user_chooses():
    assert choose_language(None, "es") == "es"
    assert choose_language(None, "es-MX") == "es"
    assert choose_language(None, "ES") == "es"
    assert choose_language(None, "en-GB") == "en"
    assert choose_language(None, "pt-BR") == "en"
    assert choose_language(None, None) == "en"
    assert choose_language("en", "es-AR") == "en"
    assert choose_language("es", "de") == "es"
    assert choose_language("fr", "es") == "es"  # an unknown stored value is ignored


def test_language_menu_offers_english_and_spanish_buttons():
    reply = language_menu(Asker(1, 1, lang="es"))
    assert reply.text == "Elige el idioma en el que te hablo:"
    assert [b.text for b in reply.flat_buttons] == ["English", "✓ Español"]
    assert [decode(b.data) for b in reply.flat_buttons] == [SetLanguage("en"), SetLanguage("es")]


async def test_choosing_spanish_confirms_in_spanish():
    answer = await set_language(services_for(ListSearcher([])), Asker(1, 1, lang="en"), "es")
    assert answer.replies[0].text == "A partir de ahora te hablaré en español."
    assert answer.replies[0].edit
