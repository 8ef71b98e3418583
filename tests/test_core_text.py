"""Text helpers: UTF-16 length as Telegram counts it, and splitting that never exceeds a limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.text import cut_plain, html_to_plain, split_plain, utf16_len, visible_length


def test_lengths_are_counted_in_utf16_after_entities():
    assert utf16_len("🙂") == 2
    assert visible_length("<b>a&amp;b</b>") == 3
    assert html_to_plain("<i>x</i> &lt;p&gt;") == "x <p>"


def test_cut_prefers_word_boundaries():
    assert cut_plain("hello wonderful world", 18) == "hello wonderful…"
    assert utf16_len(cut_plain("🙂" * 50, 11)) <= 11
    assert cut_plain("short", 10) == "short"


@settings(max_examples=60)
@given(st.text(min_size=1, max_size=3000), st.integers(min_value=2, max_value=500))
def test_split_pieces_fit_and_keep_every_non_blank_character(text, limit):
    pieces = split_plain(text, limit)
    assert all(0 < utf16_len(p) <= limit for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
