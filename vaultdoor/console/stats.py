"""The figures on the dashboard: who is inside where, what was denied and when people came in.

Each function is a handful of aggregate queries, whatever the size of the site: no per-zone or
per-event loop touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncMinute

from vaultdoor.access.choices import DecisionChoices, DirectionChoices
from vaultdoor.access.models import DoorEvent, PendingPresentation, PersonLocation
from vaultdoor.facilities.models import Site, Zone

__all__ = [
    "Period",
    "denials_by_reason",
    "entries_per_hour",
    "headline",
    "occupancy_by_zone",
    "period_for",
]


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of time the dashboard reports on, with its name and the site's zone."""

    key: str  # "today" or "24h"
    label: str
    start: dt.datetime
    end: dt.datetime
    zone: ZoneInfo


def period_for(site: Site, key: str, now: dt.datetime) -> Period:
    """`today` (site-local midnight to midnight) or `24h` (the 24 hours up to `now`)."""
    zone = ZoneInfo(site.timezone)
    if key == "24h":
        end = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        return Period("24h", "Last 24 hours", end - dt.timedelta(hours=24), end, zone)
    local = now.astimezone(zone).date()
    start = dt.datetime.combine(local, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(local + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return Period("today", f"Today, {local:%a %d %b %Y}", start, end, zone)


def _events(site: Site, period: Period):
    return DoorEvent.objects.filter(site=site, at__gte=period.start, at__lt=period.end)


def headline(site: Site, period: Period) -> dict[str, int]:
    """The four numbers at the top: inside now, entries, denials and waiting two-person doors."""
    counts = _events(site, period).aggregate(
        entries=Count("pk", filter=Q(decision=DecisionChoices.GRANT,
                                     direction=DirectionChoices.IN)),
        denials=Count("pk", filter=Q(decision=DecisionChoices.DENY)),
        events=Count("pk"),
    )
    counts["inside"] = PersonLocation.objects.filter(
        zone__site=site, zone__isnull=False
    ).count()
    counts["pending"] = PendingPresentation.objects.filter(door__site=site).count()
    return counts


def occupancy_by_zone(site: Site) -> list[Zone]:
    """Active zones of the site with `inside` (people tracked there now), busiest first."""
    return list(
        Zone.objects.filter(site=site, active=True)
        .select_related("floor")
        .annotate(inside=Count("occupants"))
        .order_by("-inside", "floor__level", "code")
    )


def denials_by_reason(site: Site, period: Period) -> list[tuple[str, int]]:
    """(reason, count) of the period's denials, most frequent first."""
    rows = (
        _events(site, period)
        .filter(decision=DecisionChoices.DENY)
        .values("reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "reason")
    )
    return [(row["reason"], row["n"]) for row in rows]


def entries_per_hour(site: Site, period: Period) -> list[tuple[str, int]]:
    """(local hour label, granted entries) for every hour of the period, empty hours included.

    Hours are stepped in UTC from the period's start and labelled in site-local time, so a
    daylight-saving day shows its 23 or 25 hours as they happened. The database groups by
    UTC minute (at most 1,440 rows a day) and Python places each minute in its hour: grouping
    by local hour would merge the two 01:00s of the night the clocks go back.
    """
    rows = (
        _events(site, period)
        .filter(decision=DecisionChoices.GRANT, direction=DirectionChoices.IN)
        .annotate(minute=TruncMinute("at", tzinfo=dt.UTC))
        .values("minute")
        .annotate(n=Count("pk"))
    )
    start = period.start.astimezone(dt.UTC)
    end = period.end.astimezone(dt.UTC)
    slot_count = int((end - start) / dt.timedelta(hours=1))
    counts = [0] * slot_count
    for row in rows:
        index = int((row["minute"].astimezone(dt.UTC) - start) / dt.timedelta(hours=1))
        if 0 <= index < slot_count:
            counts[index] += row["n"]
    return [
        (f"{(start + dt.timedelta(hours=i)).astimezone(period.zone):%H}", counts[i])
        for i in range(slot_count)
    ]
