"""Reading instants, dates and times the way site-format.md says, across daylight saving."""

from __future__ import annotations

import datetime as dt

import pytest

from vaultdoor.engine.timeutil import (
    BadTime,
    local_midnight,
    parse_clock,
    parse_date,
    parse_instant,
    timezone,
)

UTC = dt.UTC
BERLIN = timezone("Europe/Berlin")
LONDON = timezone("Europe/London")


def test_nonexistent_time_moves_forward_like_the_spec_says() -> None:
    # Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 reads as 03:30 CEST
    moment = parse_instant("2026-03-29T02:30", BERLIN)
    assert moment == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert moment.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"


def test_ambiguous_time_is_the_first_occurrence() -> None:
    # Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice
    moment = parse_instant("2026-10-25T02:30", BERLIN)
    assert moment == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_offsets_and_z() -> None:
    assert parse_instant("2026-12-01T08:00:00+01:00", LONDON) == dt.datetime(
        2026, 12, 1, 7, 0, tzinfo=UTC
    )
    assert parse_instant("2026-12-01T08:00Z", LONDON) == dt.datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_bare_date_is_local_midnight() -> None:
    assert parse_instant("2026-07-01", LONDON) == dt.datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert parse_instant(dt.date(2026, 7, 1), LONDON) == dt.datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert local_midnight(dt.date(2026, 12, 1), LONDON) == dt.datetime(2026, 12, 1, tzinfo=UTC)


def test_local_times_at_the_ends_of_the_calendar() -> None:
    with pytest.raises(BadTime):
        parse_instant("9999-12-31T23:59", timezone("America/New_York"))
    with pytest.raises(BadTime):
        parse_instant(dt.date(1, 1, 1), timezone("Asia/Kolkata"))


def test_yaml_datetimes_are_accepted() -> None:
    naive = dt.datetime(2026, 7, 1, 8, 0)
    assert parse_instant(naive, LONDON) == dt.datetime(2026, 7, 1, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "soon",
        "2026-02-30T00:00",
        "08:00",
        "12345",
        5,
        None,
        "0001-01-01T00:00+05:00",
        "9999-12-31T23:59-05:00",
    ],
)
def test_bad_instants(bad: object) -> None:
    with pytest.raises(BadTime):
        parse_instant(bad, timezone("America/New_York"))
    with pytest.raises(BadTime):
        parse_instant(bad, timezone("Asia/Kolkata"))


def test_clock() -> None:
    assert parse_clock("00:00") == 0
    assert parse_clock("23:59") == 23 * 60 + 59
    assert parse_clock("24:00", allow_24=True) == 1440
    for bad in ("24:00", "7:00", "07:60", "0700", "07:00:00", " 07:00", 700, True, None):
        with pytest.raises(BadTime):
            parse_clock(bad)


def test_dates() -> None:
    assert parse_date("2026-12-25") == dt.date(2026, 12, 25)
    assert parse_date(dt.date(2026, 12, 25)) == dt.date(2026, 12, 25)
    for bad in ("20261225", "2026-02-29", dt.datetime(2026, 1, 1), 2026, "2026-1-1"):
        with pytest.raises(BadTime):
            parse_date(bad)


@pytest.mark.parametrize("name", ["Mars/Base", "", "../etc/passwd", "/etc/localtime", 5])
def test_bad_timezones(name: object) -> None:
    with pytest.raises(BadTime):
        timezone(name)  # type: ignore[arg-type]
