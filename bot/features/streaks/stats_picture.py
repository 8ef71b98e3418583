"""Draw a student's progress as a PNG: a calendar heatmap of recent weeks, answers and accuracy.

Pure Pillow with its bundled default font (no downloads); call it off the event loop.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_skeleton
from PIL import Image, ImageDraw, ImageFont

WEEKS = 12
CELL = 22
GAP = 4
MARGIN = 24
HEADER = 84
FOOTER = 44
LABEL_W = 40

BACKGROUND = (255, 255, 255)
TEXT = (36, 41, 47)
MUTED = (110, 118, 129)
EMPTY = (235, 237, 240)
SHADES = ((198, 228, 139), (123, 201, 111), (35, 154, 59), (25, 97, 39))


@dataclass(frozen=True, slots=True)
class StatsPicture:
    """Everything the picture shows, already computed (and translated) by the caller."""

    title: str
    answers_by_day: Mapping[date, int]  # local days → number of answers that day
    today: date
    total_answers: int
    correct_answers: int
    summary_label: str  # e.g. "123 answers · 87% correct"
    weekday_labels: tuple[str, ...] = ("Mon", "", "Wed", "", "Fri", "", "Sun")
    legend_less: str = "less"
    legend_more: str = "more"
    locale: str = "en"  # dates on the picture are written the way this locale writes them


def month_label(day: date, locale: str) -> str:
    """A month's first column label, "Oct 5" or "5 oct", never an ambiguous "10/05"."""
    return format_skeleton("MMMd", day, locale=locale)


def shade_for(count: int, busiest: int) -> tuple[int, int, int]:
    """The cell colour for ``count`` answers when the busiest day had ``busiest``."""
    if count <= 0 or busiest <= 0:
        return EMPTY
    level = min(len(SHADES) - 1, (count * len(SHADES) - 1) // busiest)
    return SHADES[level]


def heatmap_days(today: date, weeks: int = WEEKS) -> list[list[date | None]]:
    """Columns of Monday→Sunday days ending with the week of ``today``; future days are None."""
    last_monday = today - timedelta(days=today.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    columns: list[list[date | None]] = []
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        column: list[date | None] = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            column.append(day if day <= today else None)
        columns.append(column)
    return columns


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def render_stats_png(picture: StatsPicture, weeks: int = WEEKS) -> bytes:
    """The PNG bytes of ``picture``."""
    columns = heatmap_days(picture.today, weeks)
    grid_w = weeks * (CELL + GAP) - GAP
    grid_h = 7 * (CELL + GAP) - GAP
    width = MARGIN * 2 + LABEL_W + grid_w
    height = MARGIN + HEADER + grid_h + FOOTER + MARGIN
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)

    draw.text((MARGIN, MARGIN), picture.title[:60], fill=TEXT, font=_font(22))
    draw.text((MARGIN, MARGIN + 34), picture.summary_label[:80], fill=MUTED, font=_font(16))

    top = MARGIN + HEADER
    left = MARGIN + LABEL_W
    small = _font(12)
    for row, label in enumerate(picture.weekday_labels[:7]):
        if label:
            y = top + row * (CELL + GAP) + 4
            draw.text((MARGIN, y), label[:4], fill=MUTED, font=small)

    shown = [day for column in columns for day in column if day]
    busiest = max((picture.answers_by_day.get(day, 0) for day in shown), default=0)
    for index, column in enumerate(columns):
        x = left + index * (CELL + GAP)
        first = column[0]
        if first is not None and first.day <= 7:
            draw.text((x, top - 18), month_label(first, picture.locale), fill=MUTED, font=small)
        for row, day in enumerate(column):
            if day is None:
                continue
            y = top + row * (CELL + GAP)
            colour = shade_for(picture.answers_by_day.get(day, 0), busiest)
            outline = TEXT if day == picture.today else None
            box = (x, y, x + CELL, y + CELL)
            draw.rounded_rectangle(box, radius=4, fill=colour, outline=outline)

    legend_y = top + grid_h + 14
    x = left
    draw.text((x, legend_y + 2), picture.legend_less[:10], fill=MUTED, font=small)
    x += 48
    for colour in (EMPTY, *SHADES):
        draw.rounded_rectangle((x, legend_y, x + 14, legend_y + 14), radius=3, fill=colour)
        x += 18
    draw.text((x + 4, legend_y + 2), picture.legend_more[:10], fill=MUTED, font=small)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
