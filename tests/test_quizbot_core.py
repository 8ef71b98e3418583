"""Unit tests of the quiz-bot core: schedule commands, poll payloads, streak and board texts."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from bot.features.daily import settings as ds
from bot.features.quiz.posts import (
    MAX_CALLBACK_BYTES,
    build_quiz_post,
    fit_explanation,
    note_callback_data,
    parse_note_callback,
    render_note,
)
from bot.features.streaks.leaderboard import LeaderRow, render_leaderboard
from bot.features.streaks.stats_picture import StatsPicture, heatmap_days, render_stats_png
from bot.features.streaks.views import AnswerOutcome, StreakFacts, render_answer_note, render_streak

SECRET = b"test-secret"


@dataclass(frozen=True)
class Item:
    id: str = "aws-sa-pro-notes.txt:0042:cloze"
    kind: str = "cloze"
    lang: str = "en"
    question: str = "Which service stores objects?"
    options: tuple[str, ...] = ("S3", "EBS", "EFS", "RDS")
    answer: int = 0
    explanation: str = "S3 is object storage."
    source: str = "aws-sa-pro-notes.txt"
    path: tuple[str, ...] = ("STORAGE", "S3 <basics>")
    chunk_id: str = "c1"
    line: int = 42


# --- /daily, /timezone, /remind parsing -------------------------------------------------------


def test_daily_time_and_zone_are_parsed():
    assert ds.parse_daily_command("/daily 07:30 Europe/Madrid") == ds.DailySet(
        time(7, 30), "Europe/Madrid"
    )
    assert ds.parse_daily_command("/daily@StudyBot 7:05") == ds.DailySet(time(7, 5), None)


def test_daily_zone_is_case_insensitive_and_canonicalised():
    assert ds.parse_daily_command("/daily 19:00 america/mexico_city") == ds.DailySet(
        time(19, 0), "America/Mexico_City"
    )


@pytest.mark.parametrize("bad", ["24:00", "7", "07:60", "ab:cd", "-1:00", "7:5", "０７:３０"])
def test_daily_bad_times_are_refused(bad):
    result = ds.parse_daily_command(f"/daily {bad}")
    assert isinstance(result, ds.SettingsError) and result.code == "bad_time"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe/../etc/passwd", "x" * 200, "CEST+1"])
def test_daily_unknown_zone_gets_a_clear_message_with_an_example(zone):
    result = ds.parse_daily_command(f"/daily 08:00 {zone}")
    assert isinstance(result, ds.SettingsError) and result.code == "bad_zone"
    message = ds.render_settings_error(result, "en")
    assert "Europe/Madrid" in message
    assert "<code>" in message


def test_bad_zone_echo_is_escaped():
    result = ds.parse_daily_command("/daily 08:00 <b>x</b>")
    assert isinstance(result, ds.SettingsError)
    assert "<b>x</b>" not in ds.render_settings_error(result, "en")


def test_daily_off_show_and_count():
    assert ds.parse_daily_command("/daily") == ds.DailyShow()
    assert ds.parse_daily_command("/daily OFF") == ds.DailyOff()
    assert ds.parse_daily_command("/daily count 5") == ds.DailyCount(5)
    for bad in ("0", "11", "three", "-2", ""):
        result = ds.parse_daily_command(f"/daily count {bad}")
        assert isinstance(result, ds.SettingsError) and result.code == "bad_count"


def test_timezone_and_remind_commands():
    assert ds.parse_timezone_command("/timezone Asia/Tokyo") == ds.TimezoneSet("Asia/Tokyo")
    assert ds.parse_timezone_command("/timezone") == ds.TimezoneShow()
    assert isinstance(ds.parse_timezone_command("/timezone Nowhere/City"), ds.SettingsError)
    assert ds.parse_remind_command("/remind off") == ds.RemindOff()
    assert ds.parse_remind_command("/remind 21:15") == ds.RemindAt(time(21, 15))
    assert isinstance(ds.parse_remind_command("/remind 25:00"), ds.SettingsError)


@given(st.text(max_size=200))
def test_any_daily_text_parses_without_crashing(text):
    result = ds.parse_daily_command("/daily " + text)
    if isinstance(result, ds.SettingsError):
        assert ds.render_settings_error(result, "en")


def test_spanish_daily_texts_are_translated():
    english = ds.render_daily_set(time(7, 0), "Europe/Madrid", 3, "en")
    spanish = ds.render_daily_set(time(7, 0), "Europe/Madrid", 3, "es")
    assert english != spanish and "07:00" in spanish


# --- quiz poll payload ------------------------------------------------------------------------


def test_poll_payload_obeys_telegram_limits():
    long_item = Item(
        question="Q " * 400,
        options=tuple(f"option {i} " + "x" * 150 for i in range(4)),
        explanation="line\n" * 10 + "y" * 500,
    )
    post = build_quiz_post(long_item, "en", SECRET)
    assert post is not None
    poll = post
    assert 1 <= len(poll.question) <= 300
    assert 2 <= len(poll.options) <= 10
    assert all(1 <= len(option) <= 100 for option in poll.options)
    assert len(poll.explanation) <= 200 and poll.explanation.count("\n") <= 2
    assert poll.correct_index == 0 and not poll.is_anonymous
    data = post.buttons[0][0].data
    assert data is not None and len(data.encode()) <= MAX_CALLBACK_BYTES


def test_poll_refused_when_options_collide_after_cutting():
    same_prefix = tuple("z" * 120 + str(i) for i in range(3))
    assert build_quiz_post(Item(options=same_prefix), "en", SECRET) is None
    assert build_quiz_post(Item(options=("only",)), "en", SECRET) is None
    assert build_quiz_post(Item(answer=7), "en", SECRET) is None


def test_note_callback_roundtrip_and_forgery():
    data = note_callback_data("some-item-id" * 20, SECRET)
    key = parse_note_callback(data, SECRET)
    assert key is not None
    assert parse_note_callback(data, b"other-secret") is None
    assert parse_note_callback(data[:-1] + ("0" if data[-1] != "0" else "1"), SECRET) is None
    assert parse_note_callback("qn1:abc", SECRET) is None
    assert parse_note_callback(None, SECRET) is None
    assert parse_note_callback("x" * 100, SECRET) is None


def test_explanation_keeps_at_most_two_line_feeds():
    assert fit_explanation("a\nb\nc\nd\ne") == "a\nb\nc d e"
    assert fit_explanation("  one  ") == "one"


def test_note_passage_is_escaped_and_bounded():
    text = render_note(Item(), "<script>" + "word " * 2000, "en")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "S3 &lt;basics&gt;" in text
    assert len(text) <= 4096


# --- streak view, leaderboard -----------------------------------------------------------------


def test_streak_view_shows_current_best_freezes_and_today():
    text = render_streak(
        StreakFacts(current=1, best=4, freezes=2, answered_today=True, answers_today=3), "en"
    )
    assert "1 day" in text and "4 days" in text and "2 of 2" in text and "3 answers" in text
    pending = render_streak(StreakFacts(current=5, best=5, freezes=0, answered_today=False), "en")
    assert "keep your streak" in pending


def test_answer_note_tells_about_used_freeze():
    note = render_answer_note(
        AnswerOutcome(correct=True, first_today=True, streak=9, freezes_used=1), "en"
    )
    assert note is not None and "freeze" in note and "9 days" in note
    assert (
        render_answer_note(AnswerOutcome(correct=False, first_today=False, streak=3), "en") is None
    )


def test_leaderboard_ranks_and_escapes_names():
    rows = [
        LeaderRow(1, "<b>Eve</b>", group_streak=2, best_streak=5, week_correct=7),
        LeaderRow(2, "Ana", group_streak=6, best_streak=6, week_correct=3),
        LeaderRow(3, "", group_streak=0, best_streak=1, week_correct=0),
    ]
    text = render_leaderboard(rows, "Study & Co", "en")
    assert "<b>Eve</b>" not in text and "&lt;b&gt;Eve&lt;/b&gt;" in text
    assert "Study &amp; Co" in text
    week_part, streak_part = text.split("Streaks in this group")
    assert week_part.index("Eve") < week_part.index("Ana")
    assert streak_part.index("Ana") < streak_part.index("Eve")
    assert "#3" not in text


def test_empty_leaderboard_invites_to_play():
    assert "/quiz" in render_leaderboard([], None, "en")


# --- stats picture ----------------------------------------------------------------------------


def test_stats_png_is_valid_and_decodes():
    today = date(2026, 3, 29)
    answers = {today - timedelta(days=i): (i % 5) for i in range(90)}
    png = render_stats_png(
        StatsPicture(
            title="Ana's progress",
            answers_by_day=answers,
            today=today,
            total_answers=sum(answers.values()),
            correct_answers=100,
            summary_label="180 answers · 55% correct",
        )
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.width > 300 and image.height > 200
    # some cells are coloured (not all background/empty)
    colours = {colour for _, colour in image.getcolors(maxcolors=100000)}
    assert (25, 97, 39) in colours


def test_heatmap_has_twelve_weeks_ending_today():
    today = date(2026, 3, 25)  # a Wednesday
    columns = heatmap_days(today)
    assert len(columns) == 12 and all(len(column) == 7 for column in columns)
    assert columns[-1][2] == today and columns[-1][3] is None
    assert columns[0][0] == today - timedelta(days=2 + 7 * 11)


def test_picture_dates_are_written_the_readers_way_never_as_ambiguous_numbers():
    from bot.features.streaks.stats_picture import month_label

    day = date(2026, 10, 5)
    assert month_label(day, "en") == "Oct 5"
    assert month_label(day, "es") == "5 oct"
    assert "/" not in month_label(day, "en") + month_label(day, "es")
