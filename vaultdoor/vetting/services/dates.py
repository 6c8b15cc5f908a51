"""Calendar arithmetic for vetting: months to a rescreen, business days of a waiting period,
and a site's local today."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from collections.abc import Container

__all__ = ["add_business_days", "add_months", "local_date", "site_zone"]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day where it is shorter (29 Feb + 12
    months is 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        return dt.date.max if months > 0 else dt.date.min
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_business_days(day: dt.date, count: int, holidays: Container[dt.date] = ()) -> dt.date:
    """The `count`-th business day after `day` (Monday to Friday, not a holiday); `day` itself
    for a count of zero."""
    current = day
    left = count
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current


def site_zone(site: object) -> dt.tzinfo:
    """The site's time zone (UTC if it names none we know)."""
    try:
        return zoneinfo.ZoneInfo(str(getattr(site, "timezone", "") or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local_date(at: dt.datetime, site: object) -> dt.date:
    """The site-local calendar date of the instant `at` (aware)."""
    return at.astimezone(site_zone(site)).date()
