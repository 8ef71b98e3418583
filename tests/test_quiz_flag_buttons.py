"""The "👎 Bad question" callback data: short, signed for one chat, refused anywhere else; flags
are scoped by whose notes an item comes from, stable while a chat's notes change."""

from __future__ import annotations

from bot.features.quiz.flags import (
    flag_button,
    flag_callback_data,
    flag_scope,
    parse_flag_callback,
)
from bot.features.quiz.posts import next_question_keyboard

SECRET = b"k" * 32


def test_flag_data_fits_and_parses_back_only_in_its_chat():
    data = flag_callback_data("0123456789abcdef", -1001000000001, SECRET)
    assert len(data.encode()) <= 64 and data.startswith("qf1:")
    key = parse_flag_callback(data, -1001000000001, SECRET)
    assert key is not None and key in data
    assert parse_flag_callback(data, 1001, SECRET) is None  # carried to another chat
    assert parse_flag_callback(data, -1001000000001, b"x" * 32) is None  # another bot's key
    assert parse_flag_callback(data[:-1] + "0", -1001000000001, SECRET) in (None, key)
    assert parse_flag_callback("qf1:nope", -1001000000001, SECRET) is None
    assert parse_flag_callback(None, -1001000000001, SECRET) is None


def test_flag_scope_is_the_notes_owner_not_their_content_hash():
    assert flag_scope("demo") == "demo"
    assert flag_scope("chat-1001-abc123") == flag_scope("chat-1001-def456") == "chat-1001"
    assert flag_scope("chat42-abc") == "chat42" != flag_scope("chat43-abc")


def test_the_answer_keyboard_offers_the_flag_beside_next_question():
    flag = flag_button("es", "0123456789abcdef", 7, SECRET)
    [row] = next_question_keyboard("es", flag)
    assert [b.text for b in row] == ["➡️ Siguiente pregunta", "👎 Pregunta mala"]
    assert [len(r) for r in next_question_keyboard("en")] == [1]
