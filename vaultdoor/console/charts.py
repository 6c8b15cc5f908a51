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
    "HBarChart",
    "Tick",
    "WeekGrid",
    "WeekSpan",
    "bar_chart",
    "hbar_chart",
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

    @property
    def cx(self) -> float:
        return round(self.x + self.w / 2, 2)

    @property
    def cy(self) -> float:
        return round(self.y + self.h / 2, 2)

    @property
    def end_x(self) -> float:
        return round(self.x + self.w + 6, 2)


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

    @property
    def tick_x(self) -> float:
        """Where the value labels end, just left of the plot."""
        return self.left - 6

    @property
    def label_y(self) -> float:
        """The baseline of the category labels under the bars."""
        return self.top + self.plot_h + 16


def nice_ceiling(value: float) -> int:
    """The smallest 'round' number (1, 2, 5 x 10^k) at or above `value`; 1 for 0."""
    if value <= 1:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * exponent:
            return int(step * exponent)
    return int(10 * exponent)  # pragma: no cover - the loop always returns


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
    # A round step first, then the top of the scale as a whole number of steps: gridlines at
    # 0, 20, 40, 60 rather than at 0, 13.5, 27...
    highest = max(values, default=0)
    step = nice_ceiling(highest / ticks) if highest > ticks else 1
    peak = max(step * math.ceil(highest / step), 1)
    tick_values = list(range(0, peak + 1, step))
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
class HBarChart:
    """Horizontal bars, one row per label, for rankings (denials by reason)."""

    width: int
    height: int
    label_w: float
    row_h: float
    bars: tuple[Bar, ...]
    total: int


def hbar_chart(
    values: Sequence[int],
    labels: Sequence[str],
    *,
    width: int = 420,
    row_h: float = 26.0,
    label_w: float = 170.0,
    value_w: float = 44.0,
) -> HBarChart:
    """One horizontal bar per value, the longest filling the space between label and value."""
    if len(values) != len(labels):
        raise ValueError("hbar_chart needs one label per value")
    peak = max(values, default=0) or 1
    span = width - label_w - value_w
    bars = tuple(
        Bar(label_w, round(i * row_h + 4, 2), round(span * value / peak, 2), row_h - 8,
            value, label)
        for i, (value, label) in enumerate(zip(values, labels, strict=True))
    )
    return HBarChart(width, int(max(len(values), 1) * row_h), label_w, row_h, bars, sum(values))


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
    days: tuple[tuple[str, float, float], ...]  # (label, row top, row middle)
    hours: tuple[tuple[str, float], ...]  # ("06:00", x) every 3 hours
    spans: tuple[WeekSpan, ...]

    @property
    def right(self) -> float:
        return self.left + 24 * self.hour_w

    @property
    def bottom(self) -> float:
        return self.top + 7 * self.row_h

    @property
    def plot_w(self) -> float:
        return 24 * self.hour_w


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
    hour_w = (width - left - 20) / 24  # room on the right for the "24:00" label
    height = int(top + 7 * row_h + 8)
    days = tuple((label, top + i * row_h, top + i * row_h + row_h / 2)
                 for i, label in enumerate(DAY_LABELS))
    hours = tuple((f"{h:02d}:00", left + h * hour_w) for h in range(0, 25, 3))
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
