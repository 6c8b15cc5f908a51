"""Dashboard figures: periods in site-local time, hours across daylight-saving changes."""

from __future__ import annotations

import datetime as dt

import pytest

from vaultdoor.access.models import DoorEvent
from vaultdoor.console import stats
from vaultdoor.facilities.models import Door, Floor, Site, Zone

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def site():
    site = Site.objects.create(code="s", name="S", timezone="Europe/London")
    floor = Floor.objects.create(site=site, code="G", name="Ground", level=0)
    zone = Zone.objects.create(site=site, floor=floor, code="lobby", name="Lobby")
    Door.objects.create(site=site, code="D", name="Door", to_zone=zone)
    return site


def _event(site, at, decision="grant", reason="granted", direction="in"):
    door = Door.objects.get(site=site)
    return DoorEvent.objects.create(site=site, at=at, door=door, zone=door.to_zone,
                                    direction=direction, decision=decision, reason=reason)


def test_today_is_site_local_midnight_to_midnight(site):
    now = dt.datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 July in London (BST)
    period = stats.period_for(site, "today", now)
    assert period.start == dt.datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    assert period.end == dt.datetime(2026, 7, 2, 23, 0, tzinfo=UTC)


def test_clocks_going_back_give_a_25_hour_day(site):
    now = dt.datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    period = stats.period_for(site, "today", now)
    # 01:30 BST (00:30 UTC) and 01:30 GMT (01:30 UTC) are two different hours.
    _event(site, dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    _event(site, dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    _event(site, dt.datetime(2026, 10, 25, 1, 40, tzinfo=UTC))
    hours = stats.entries_per_hour(site, period)
    assert len(hours) == 25
    assert [label for label, _ in hours[:4]] == ["00", "01", "01", "02"]
    assert [n for _, n in hours[:4]] == [0, 1, 2, 0]


def test_clocks_going_forward_give_a_23_hour_day(site):
    period = stats.period_for(site, "today", dt.datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
    hours = stats.entries_per_hour(site, period)
    assert len(hours) == 23
    assert [label for label, _ in hours[:3]] == ["00", "02", "03"]


def test_last_24_hours_end_after_the_current_hour(site):
    now = dt.datetime(2026, 12, 1, 10, 17, tzinfo=UTC)
    period = stats.period_for(site, "24h", now)
    assert period.end == dt.datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    assert period.end - period.start == dt.timedelta(hours=24)


def test_headline_and_denials_count_only_the_period(site):
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    period = stats.period_for(site, "today", now)
    _event(site, dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    _event(site, dt.datetime(2026, 12, 1, 9, 5, tzinfo=UTC), direction="out")
    _event(site, dt.datetime(2026, 12, 1, 9, 6, tzinfo=UTC), "deny", "no_access")
    _event(site, dt.datetime(2026, 12, 1, 9, 7, tzinfo=UTC), "deny", "no_access")
    _event(site, dt.datetime(2026, 12, 1, 9, 8, tzinfo=UTC), "deny", "door_locked")
    _event(site, dt.datetime(2026, 11, 30, 9, 8, tzinfo=UTC), "deny", "holiday")  # yesterday
    headline = stats.headline(site, period)
    assert (headline["entries"], headline["denials"], headline["events"]) == (1, 3, 5)
    assert stats.denials_by_reason(site, period) == [("no_access", 2), ("door_locked", 1)]
