"""Fixtures for the vetting tests: the spec's example site imported, people by id, a swipe
helper that decides through the live database service."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from vaultdoor.testing.browser import browser_session, chromium  # noqa: F401 - fixtures
from vaultdoor.testing.seed import EXAMPLE_SITE

LONDON = ZoneInfo("Europe/London")
# A Wednesday in office hours: agents' schedules are open, nothing is a holiday.
MORNING = dt.datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)
PRIYA_CARD = {"format": "h10301", "facility": 42, "number": 10231}


@pytest.fixture(autouse=True)
def _fresh_snapshot_cache():
    """Each test compiles its own snapshots: database rows roll back between tests."""
    from vaultdoor.access.services.snapshots import clear_snapshot_cache

    clear_snapshot_cache()
    yield
    clear_snapshot_cache()


@pytest.fixture
def site(db):
    """The example site (Northgate) imported; returns the Site row."""
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.facilities.models import Site

    import_site_text(EXAMPLE_SITE.read_text(encoding="utf-8"), actor="test")
    return Site.objects.get(code="northgate")


@pytest.fixture
def person(site):
    """A person of the example site by id."""
    from vaultdoor.people.models import Person

    def get(code: str) -> Person:
        return Person.objects.select_related("site").get(site=site, code=code)

    return get


def swipe(door: str, card: dict, at: dt.datetime, **extra) -> dict:
    """Decide one presentation at the example site through the database service."""
    from vaultdoor.access.services.decide import decide_swipe

    return decide_swipe("northgate", {"at": at.isoformat(), "door": door, "card": card,
                                      **extra}, actor="test")
