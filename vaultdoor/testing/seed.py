"""Test data through the real import and decision services, so tests see what operators see.

`seed_example_site()` imports the spec's example site (Northgate) and replays a short morning of
swipes ending just before `now`, through `decide_swipe`, so door events, live locations and the
audit log all hold believable rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["EXAMPLE_SITE", "recent_swipes", "seed_example_site"]

EXAMPLE_SITE = Path(__file__).resolve().parent.parent / "console" / "tests" / "data" / (
    "example-site.yaml"
)


def _card(facility: int, number: int, fmt: str = "h10301") -> dict[str, Any]:
    return {"format": fmt, "facility": facility, "number": number}


def recent_swipes(now: dt.datetime) -> list[dict[str, Any]]:
    """Swipes in the hour before `now` at the example site, with grants and several denials.

    Uses only doors and access levels whose schedule is `always`, so the outcome does not
    depend on the time of day the test runs.
    """
    zone = ZoneInfo("Europe/London")
    start = now.astimezone(zone).replace(microsecond=0) - dt.timedelta(minutes=50)

    def at(minutes: float) -> str:
        return (start + dt.timedelta(minutes=minutes)).isoformat()

    priya, tom, amara = _card(42, 10231), _card(42, 10232), _card(1042, 300001, "h10304")
    return [
        {"at": at(0), "door": "D-MAIN", "card": priya},
        {"at": at(1), "door": "D-LOCKERS", "card": priya},
        {"at": at(3), "door": "D-MAIN", "card": tom},
        {"at": at(4), "door": "D-STAIRS-B", "card": tom},
        {"at": at(5), "door": "D-MAIN", "card": amara},
        {"at": at(6), "door": "D-STAIRS-B", "card": amara},
        {"at": at(8), "door": "D-VAULT", "card": tom, "pin": "7315"},
        {"at": at(8.1), "door": "D-VAULT", "card": amara, "pin": "2290"},
        {"at": at(10), "door": "D-MAIN", "card": _card(42, 10236)},  # suspended person
        {"at": at(11), "door": "D-MAIN", "card": _card(42, 10901)},  # lost card
        {"at": at(12), "door": "D-MAIN", "card": _card(42, 99999)},  # unknown card
        {"at": at(13), "door": "D-FIRE-1", "card": priya},  # locked fire exit
        {"at": at(14), "door": "D-STAIRS-B", "card": priya},  # no access
        {"at": at(20), "door": "D-MAIN", "card": _card(42, 10235)},
        {"at": at(22), "door": "D-TRAINING", "pin": "4821"},
    ]


def seed_example_site(now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Import the example site and replay `recent_swipes(now)`; returns the decisions."""
    from vaultdoor.access.services.decide import decide_swipe
    from vaultdoor.access.services.importer import import_site_text

    import_site_text(EXAMPLE_SITE.read_text(encoding="utf-8"), actor="test", source="test seed")
    moment = now or dt.datetime.now(dt.UTC)
    return [decide_swipe("northgate", swipe, actor="test") for swipe in recent_swipes(moment)]
