"""Schedules: the compiled minute masks agree with a naive reading of the windows, across DST."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultdoor.engine.model import Schedule, Window
from vaultdoor.engine.schedules import compile_schedule
from vaultdoor.engine.timeutil import parse_instant, timezone

ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]
# the daylight-saving days of 2026 for the zones above, to draw instants around them
DST_DAYS = [
    dt.date(2026, 3, 8),
    dt.date(2026, 3, 29),
    dt.date(2026, 4, 5),
    dt.date(2026, 10, 4),
    dt.date(2026, 10, 25),
    dt.date(2026, 11, 1),
]


@st.composite
def windows(draw: st.DrawFn) -> Window:
    start = draw(st.integers(0, 1439))
    end = draw(st.integers(start + 1, 1440))
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return Window(days=days, start=start, end=end)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    return Schedule(
        id="s",
        windows=tuple(draw(st.lists(windows(), max_size=4))),
        holidays=draw(st.sampled_from(["closed", "open"])),
    )


@st.composite
def wall_clock_times(draw: st.DrawFn) -> dt.datetime:
    """Naive site-local times, often on a daylight-saving day in the small hours."""
    day = draw(st.sampled_from(DST_DAYS) | st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    hour = draw(st.integers(0, 4) | st.integers(0, 23))
    return dt.datetime.combine(
        day, dt.time(hour, draw(st.integers(0, 59)), draw(st.integers(0, 59)))
    )


def reference_localize(wall: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The instant of naive `wall` by brute force: first match, else the offset before."""
    offsets = sorted({tz.utcoffset(wall + dt.timedelta(hours=h)) for h in range(-30, 31, 6)})  # type: ignore[arg-type]
    matches = []
    for offset in offsets:
        utc = (wall - offset).replace(tzinfo=dt.UTC)
        if utc.astimezone(tz).replace(tzinfo=None) == wall:
            matches.append(utc)
    if matches:
        return min(matches)  # the first occurrence
    before = tz.utcoffset(wall - dt.timedelta(hours=12))
    assert before is not None
    return (wall - before).replace(tzinfo=dt.UTC)


def reference_active(schedule: Schedule, local: dt.datetime, holidays: set[dt.date]) -> bool:
    if schedule.holidays == "closed" and local.date() in holidays:
        return False
    now = local.time()
    for window in schedule.windows:
        start = dt.time(window.start // 60, window.start % 60)
        after_start = now >= start
        before_end = window.end == 1440 or now < dt.time(window.end // 60, window.end % 60)
        if local.weekday() in window.days and after_start and before_end:
            return True
    return False


@settings(max_examples=200, deadline=None)
@given(schedules(), wall_clock_times(), st.sampled_from(ZONES), st.booleans())
def test_compiled_schedule_agrees_with_the_naive_reading(
    schedule: Schedule, wall: dt.datetime, zone_name: str, holiday: bool
) -> None:
    tz = timezone(zone_name)
    holidays = {wall.date()} if holiday else set()
    moment = parse_instant(wall.isoformat(), tz)
    assert moment == reference_localize(wall, tz)
    local = moment.astimezone(tz)
    compiled = compile_schedule(schedule)
    assert compiled.is_active(local, frozenset(holidays)) == reference_active(
        schedule, local, holidays
    )


def test_boundaries() -> None:
    compiled = compile_schedule(
        Schedule("s", (Window(frozenset({0}), 7 * 60, 20 * 60), Window(frozenset({1}), 0, 1440)))
    )
    monday = dt.datetime(2026, 11, 30, 7, 0)
    assert compiled.is_active(monday, frozenset())
    assert not compiled.is_active(monday.replace(hour=6, minute=59, second=59), frozenset())
    assert compiled.is_active(monday.replace(hour=19, minute=59, second=59), frozenset())
    assert not compiled.is_active(monday.replace(hour=20), frozenset())
    tuesday_end = dt.datetime(2026, 12, 1, 23, 59, 59)
    assert compiled.is_active(tuesday_end, frozenset())
    assert not compiled.is_active(tuesday_end, frozenset({tuesday_end.date()}))
    assert compiled.in_window(1, 1439)


def test_empty_schedule_is_never_active() -> None:
    compiled = compile_schedule(Schedule("s", ()))
    assert not any(compiled.in_window(d, m) for d in range(7) for m in range(0, 1440, 7))
