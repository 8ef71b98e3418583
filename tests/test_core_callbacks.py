"""Callback data and deep-link payloads: round trips, size limits, forged input rejected."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.callbacks import (
    MAX_BYTES,
    FullNote,
    SearchPage,
    SetLanguage,
    decode,
    fits_chunk_id,
    pack,
    unpack,
)
from bot.core.deeplink import decode_query, encode_query
from bot.core.search_memory import SearchMemory


def test_round_trips():
    for action in (SearchPage("Ab3_x9Qk2Lw-", 3), FullNote("c763d984bbbb9fa7"), SetLanguage("es")):
        data = action.encode()
        assert len(data.encode()) <= MAX_BYTES
        assert decode(data) == action


def test_forged_oversized_and_foreign_data_decode_to_none():
    for data in [
        None,
        "",
        "s1",
        "s1:key",
        "s1:key:-1",
        "s1:key:999",
        "s1:key:1:extra",
        "s2:key:1",  # a future or past version
        "s1:ke y:1",
        "s1:k\u00e9y:1",
        "s1:key:١",  # a non-ASCII digit
        "n1:" + "a" * 70,
        "l1:fr",
        "x" * 65,
        "some-other-bot-data",
        "n1:../../etc/passwd",
        "s1::0",
    ]:
        assert decode(data) is None, data


def test_pack_refuses_what_telegram_would_reject():
    for fields in (("a" * 63,), ("bad field",), ("",), ("ok", "x" * 60)):
        try:
            pack("s1", *fields)
        except ValueError:
            continue
        raise AssertionError(f"accepted {fields}")
    assert unpack("qn1:abc:def", "qn1", 2) == ("abc", "def")


def test_chunk_ids_that_cannot_travel_in_a_button_are_detected():
    assert fits_chunk_id("c763d984bbbb9fa7")
    assert not fits_chunk_id("x" * 70)
    assert not fits_chunk_id("has space")


def test_search_memory_keys_are_short_stable_and_bounded():
    memory = SearchMemory(capacity=3)
    key = memory.remember("s3 object lock")
    assert key == SearchMemory.key_for("s3 object lock") and len(key) == 12
    assert SearchPage(key, 49).encode()
    for query in ("a", "b", "c"):
        memory.remember(query)
    assert memory.recall(key) is None  # evicted: its buttons are now "expired"
    assert memory.recall(SearchMemory.key_for("c")) == "c"


@given(st.text(max_size=80))
def test_any_callback_data_is_either_valid_or_none(data):
    action = decode(data)
    if action is not None:
        assert action.encode() == data


@given(st.text(min_size=1, max_size=200))
def test_deep_link_payloads_are_valid_and_carry_the_query(query):
    payload = encode_query(query)
    normalized = " ".join(query.split())
    if payload is None:
        return
    assert 1 <= len(payload) <= 64
    assert all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in payload)
    decoded = decode_query(payload)
    assert decoded is not None and normalized.startswith(decoded)


def test_deep_link_payload_round_trip_and_garbage():
    assert decode_query(encode_query("S3 Object Lock")) == "S3 Object Lock"
    assert decode_query(encode_query("¿qué es un VPC endpoint?")) == "¿qué es un VPC endpoint?"
    for payload in ("", "help", "q", "q!!", "qA", "x" * 65, "q" + "_" * 10):
        assert decode_query(payload) is None, payload


def test_example_buttons_carry_a_small_index_only():
    from bot.core.callbacks import ExampleSearch

    assert decode(ExampleSearch(1).encode()) == ExampleSearch(1)
    assert decode("e1:10") is None and decode("e1:x") is None and decode("e1:-1") is None
