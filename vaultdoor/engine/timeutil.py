"""Site-local time: reading ISO 8601 instants and wall-clock times the way site-format.md says.

A wall-clock time without an offset is site-local. One that happens twice (clocks going back)
means its first occurrence; one that never happens (clocks going forward) is read with the
offset in force before the change, so 02:30 becomes 03:30. That is Python's `fold=0` with
`zoneinfo`, made explicit here so every caller gets it the same way. Instants are compared in
UTC: Python compares two datetimes sharing a tzinfo by wall clock, ignoring `fold`, which
would get the repeated hour wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

__all__ = [
    "BadTime",
    "local_midnight",
    "localize",
    "parse_clock",
    "parse_date",
    "parse_instant",
    "timezone",
]

UTC = dt.UTC
_CLOCK = re.compile(r"(\d\d):(\d\d)")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")


class BadTime(ValueError):
    """A time, date or time zone that cannot be read."""


def timezone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA time zone `name`, or `BadTime` saying it is unknown."""
    if not isinstance(name, str) or not name or name.startswith(("/", ".")) or ".." in name:
        raise BadTime(f"{name!r} is not an IANA time zone name (like Europe/London)")
    return _zone(name)


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise BadTime(f"unknown time zone {name!r} (use an IANA name like Europe/London)") from None


def localize(wall: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The instant (in UTC) of naive site-local `wall`, with fold=0 semantics."""
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The instant (in UTC) at which `day` begins on the site's clocks."""
    return localize(dt.datetime(day.year, day.month, day.day), tz)


def parse_instant(value: object, tz: dt.tzinfo) -> dt.datetime:
    """An ISO 8601 date-time (a bare date means 00:00) as an aware UTC datetime.

    Accepts a string, or the `date`/`datetime` YAML makes of an unquoted value. Without an
    offset the value is site-local.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if not text or not text[:4].isdigit() or len(text) < 10:
            raise BadTime(f"{value!r} is not an ISO 8601 date-time (like 2026-12-01T08:00)")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise BadTime(
                f"{value!r} is not an ISO 8601 date-time (like 2026-12-01T08:00)"
            ) from None
    else:
        raise BadTime(f"must be an ISO 8601 date-time string, not {type(value).__name__}")
    try:
        if moment.tzinfo is None or moment.utcoffset() is None:
            instant = localize(moment, tz)
        else:
            instant = moment.astimezone(UTC)
        instant.astimezone(tz)  # decisions read it on the site's clock: that must exist too
    except OverflowError:
        raise BadTime(f"{value!s} is too close to the ends of the calendar") from None
    return instant


def parse_date(value: object) -> dt.date:
    """A calendar date `YYYY-MM-DD` (a string, or the `date` YAML makes of one)."""
    if isinstance(value, dt.datetime):
        raise BadTime("must be a date (YYYY-MM-DD), not a date-time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise BadTime(f"{value!r} is not a real date") from None
    raise BadTime(f"{value!r} is not a date (YYYY-MM-DD)")


def parse_clock(value: object, *, allow_24: bool = False) -> int:
    """Minutes since midnight of a quoted `HH:MM` (`24:00` only where `allow_24`)."""
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise BadTime(
                'must be a quoted string like "07:00" (YAML reads unquoted times as numbers)'
            )
        raise BadTime('must be a quoted time like "07:00"')
    match = _CLOCK.fullmatch(value)
    if not match:
        raise BadTime(f'{value!r} is not a time HH:MM (like "07:00")')
    hours, minutes = int(match[1]), int(match[2])
    if allow_24 and (hours, minutes) == (24, 0):
        return 24 * 60
    if hours > 23 or minutes > 59:
        limit = '"00:00" to "23:59" or "24:00"' if allow_24 else '"00:00" to "23:59"'
        raise BadTime(f"{value!r} is not a time from {limit}")
    return hours * 60 + minutes
