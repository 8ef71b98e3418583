"""The Telegram renderer and the log redaction, without a network."""

from __future__ import annotations

import io
import logging

from bot.core.replies import Button
from bot.core.text import MESSAGE_LIMIT, visible_length
from bot.telegram.errors import REDACTED, install_token_redaction
from bot.telegram.render import keyboard, safe_texts

TOKEN = "123456789:AAHsecretSECRETsecretSECRETsecret12"


def test_keyboard_rows_keep_callback_and_url_buttons():
    markup = keyboard(
        (
            (Button("◀", data="s1:k:0"), Button("▶", data="s1:k:2")),
            (Button("go", url="https://t.me/x"),),
        )
    )
    rows = markup.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["◀", "▶"], ["go"]]
    assert rows[0][1].callback_data == "s1:k:2" and rows[1][0].url == "https://t.me/x"
    assert keyboard(()) is None


def test_oversized_html_is_split_into_escaped_pieces_that_fit():
    text = "<b>head</b>\n" + "\n\n".join("x &lt;y&gt; " * 200 for _ in range(10))
    pieces = safe_texts(text)
    assert len(pieces) > 1
    assert all(visible_length(p) <= MESSAGE_LIMIT for p in pieces)
    assert "<b>" not in "".join(pieces) and "&lt;y&gt;" in pieces[0]
    assert safe_texts("<b>short</b>") == ["<b>short</b>"]


def test_the_token_never_reaches_the_log_output():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    old_factory = logging.getLogRecordFactory()
    root.addHandler(handler)
    try:
        install_token_redaction(TOKEN)
        log = logging.getLogger("some.library")
        log.warning("POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
        log.warning(f"bare secret {TOKEN.split(':')[1]} in text")
        try:
            raise RuntimeError(f"failed calling /bot{TOKEN}/sendMessage")
        except RuntimeError:
            log.exception("boom")
        late = logging.StreamHandler(stream)  # a handler added after installation
        root.addHandler(late)
        log.error("late %s", TOKEN)
        root.removeHandler(late)
    finally:
        root.removeHandler(handler)
        logging.setLogRecordFactory(old_factory)
    output = stream.getvalue()
    assert TOKEN.split(":")[1] not in output
    assert output.count(REDACTED) >= 4
    assert "RuntimeError" in output and "getUpdates" in output


def test_a_short_token_does_not_turn_the_redaction_into_garbage():
    from bot.telegram.errors import TokenRedactingFilter

    token_filter = TokenRedactingFilter("1:x")
    assert (
        token_filter.redact("Scheduler started, 1:x used") == f"Scheduler started, {REDACTED} used"
    )
