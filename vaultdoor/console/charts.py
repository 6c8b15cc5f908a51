"""Chart geometry for server-side SVG: the console draws charts without any JavaScript.

Each function turns numbers into plain shapes (bars, ticks, labels) that a template writes out
as SVG elements; no markup is built here, so Django's autoescaping covers every label.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Bar",
    "BarChart",
    "Tick",
    "WeekGrid",
    "WeekSpan",
    "bar_chart",
    "nice_ceiling",
    "week_grid",
]


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its box, the value it stands for and its label."""

    x: float
    y: float
    w: float
    h: float
    value: int
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    """A gridline of the value axis: its position and the number written beside it."""

    pos: float
    value: int


@dataclass(frozen=True, slots=True)
class BarChart:
    """A vertical bar chart laid out in a `width` x `height` view box."""

    width: int
    height: int
    left: float
    top: float
    plot_w: float
    plot_h: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    total: int

    @property
    def baseline(self) -> float:
        return self.top + self.plot_h

    @property
    def right(self) -> float:
        return self.left + self.plot_w


def nice_ceiling(value: int) -> int:
    """The smallest 'round' number (1, 2, 5 x 10^k) at or above `value`; 1 for 0."""
    if value <= 1:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent  # pragma: no cover - the loop always returns


def bar_chart(
    values: Sequence[int],
    labels: Sequence[str],
    *,
    width: int = 720,
    height: int = 220,
    margin: tuple[int, int, int, int] = (12, 12, 28, 40),  # top, right, bottom, left
    ticks: int = 4,
) -> BarChart:
    """Bars for `values` (one per label) scaled to a round maximum, with value gridlines."""
    if len(values) != len(labels):
        raise ValueError("bar_chart needs one label per value")
    top, right, bottom, left = margin
    plot_w = width - left - right
    plot_h = height - top - bottom
    peak = nice_ceiling(max(values, default=0))
    # Round tick steps: a peak of 5 with 4 ticks would give 1.25; use whole numbers instead.
    step = max(1, math.ceil(peak / ticks))
    tick_values = list(range(0, peak + 1, step))
    if tick_values[-1] < peak:
        tick_values.append(peak)
    slot = plot_w / max(len(values), 1)
    gap = min(4.0, slot * 0.2)
    bars = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = plot_h * value / peak
        bars.append(Bar(round(left + i * slot + gap / 2, 2), round(top + plot_h - h, 2),
                        round(slot - gap, 2), round(h, 2), value, label))
    tick_marks = tuple(Tick(round(top + plot_h - plot_h * v / peak, 2), v) for v in tick_values)
    return BarChart(width, height, left, top, plot_w, plot_h, tuple(bars), tick_marks,
                    sum(values))


@dataclass(frozen=True, slots=True)
class WeekSpan:
    """One schedule window on one day of the week grid, as a box with its times."""

    x: float
    y: float
    w: float
    h: float
    day: str
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class WeekGrid:
    """A week picture of a schedule: a row per day, 24 hours across."""

    width: int
    height: int
    left: float
    top: float
    hour_w: float
    row_h: float
    days: tuple[tuple[str, float], ...]  # (label, y)
    hours: tuple[tuple[int, float], ...]  # (hour, x) every 3 hours
    spans: tuple[WeekSpan, ...]

    @property
    def right(self) -> float:
        return self.left + 24 * self.hour_w

    @property
    def bottom(self) -> float:
        return self.top + 7 * self.row_h


DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def week_grid(
    windows: Sequence[tuple[Sequence[int], int, int]],
    *,
    width: int = 720,
    row_h: float = 26.0,
    left: float = 44.0,
    top: float = 22.0,
) -> WeekGrid:
    """The week grid of `windows`, each (days with 0 = Monday, start, end in minutes).

    Overlapping windows are drawn as they are: the grid shows what the schedule file says.
    """
    hour_w = (width - left - 8) / 24
    height = int(top + 7 * row_h + 8)
    days = tuple((label, top + i * row_h) for i, label in enumerate(DAY_LABELS))
    hours = tuple((h, left + h * hour_w) for h in range(0, 25, 3))
    spans = []
    for day_set, start, end in windows:
        for day in sorted(day_set):
            if not 0 <= day <= 6:
                raise ValueError(f"day {day} is not 0 (Monday) to 6 (Sunday)")
            spans.append(WeekSpan(
                round(left + start / 60 * hour_w, 2), round(top + day * row_h + 3, 2),
                round((end - start) / 60 * hour_w, 2), row_h - 6,
                DAY_LABELS[day], _hhmm(start), _hhmm(end),
            ))
    return WeekGrid(width, height, left, top, hour_w, row_h, days, hours, tuple(spans))
