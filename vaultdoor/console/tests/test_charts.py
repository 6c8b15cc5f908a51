"""Chart geometry: bars scale to a round maximum, the week grid puts windows where they belong."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultdoor.console.charts import bar_chart, hbar_chart, nice_ceiling, week_grid


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20), (140, 200), (501, 1000)],
)
def test_nice_ceiling(value, expected):
    assert nice_ceiling(value) == expected


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=48))
def test_bars_fit_the_plot_and_the_tallest_is_in_scale(values):
    chart = bar_chart(values, [str(i) for i in range(len(values))])
    assert chart.total == sum(values)
    for bar in chart.bars:
        assert bar.y >= chart.top - 0.01
        assert abs(bar.y + bar.h - chart.baseline) < 0.02
        assert chart.left <= bar.x and bar.x + bar.w <= chart.right + 0.01
    assert chart.ticks[0].value == 0 and chart.ticks[-1].value >= max(values)
    steps = {b.value - a.value for a, b in zip(chart.ticks, chart.ticks[1:], strict=False)}
    assert len(steps) <= 1 and all(s > 0 for s in steps)  # evenly spaced
    assert len(chart.ticks) <= 6


@pytest.mark.parametrize(
    ("values", "ticks"),
    [([4], [0, 1, 2, 3, 4]), ([5], [0, 2, 4, 6]), ([54], [0, 20, 40, 60]), ([100], [0, 50, 100])],
)
def test_bar_chart_ticks_are_round(values, ticks):
    assert [t.value for t in bar_chart(values, ["x"]).ticks] == ticks


def test_bar_chart_of_nothing_is_flat():
    chart = bar_chart([0] * 24, [f"{h:02d}" for h in range(24)])
    assert all(bar.h == 0 for bar in chart.bars)
    assert chart.ticks[-1].value == 1


def test_bar_chart_needs_a_label_per_value():
    with pytest.raises(ValueError, match="one label per value"):
        bar_chart([1, 2], ["a"])


def test_week_grid_places_windows_on_their_days():
    grid = week_grid([({0, 1, 2, 3, 4}, 7 * 60, 20 * 60), ({5}, 0, 1440)])
    assert len(grid.spans) == 6
    monday = grid.spans[0]
    assert (monday.day, monday.start, monday.end) == ("Mon", "07:00", "20:00")
    assert monday.x == pytest.approx(grid.left + 7 * grid.hour_w, abs=0.01)
    assert monday.w == pytest.approx(13 * grid.hour_w, abs=0.01)
    saturday = grid.spans[-1]
    assert (saturday.day, saturday.end) == ("Sat", "24:00")
    assert saturday.x + saturday.w == pytest.approx(grid.right, abs=0.01)


def test_week_grid_refuses_a_day_out_of_range():
    with pytest.raises(ValueError, match="Monday"):
        week_grid([({7}, 0, 60)])


def test_horizontal_bars_rank_and_scale():
    chart = hbar_chart([8, 4, 0], ["no_access", "outside_schedule", "holiday"])
    widths = [bar.w for bar in chart.bars]
    assert widths[0] == pytest.approx(chart.width - chart.label_w - 44)
    assert widths[1] == pytest.approx(widths[0] / 2)
    assert widths[2] == 0
    assert chart.total == 12
    assert [bar.y for bar in chart.bars] == sorted(bar.y for bar in chart.bars)
