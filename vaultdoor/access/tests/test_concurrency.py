"""Concurrent deciders of one site queue up: occupancy is never exceeded, no decision lost."""

from __future__ import annotations

import threading

import pytest
import yaml
from django.db import connection

from vaultdoor.access.models import DoorEvent, PersonLocation
from vaultdoor.access.services.decide import decide_swipe
from vaultdoor.access.services.importer import import_site_text

CARDS = [  # the six people of the example who may enter the lobby on 2026-11-15
    ("h10301", 42, 10231), ("h10301", 42, 10232), ("h10304", 1042, 300001),
    ("h10301", 42, 10234), ("h10301", 42, 10235), ("h10301", 42, 10902),
]


@pytest.mark.django_db(transaction=True)
def test_concurrent_entries_never_exceed_occupancy(example_text):
    data = yaml.safe_load(example_text)
    data["zones"][0]["max_occupancy"] = 3  # the lobby
    import_site_text(yaml.safe_dump(data), actor="test")

    barrier = threading.Barrier(len(CARDS))
    results: list[dict] = []
    errors: list[BaseException] = []

    def enter(fmt: str, facility: int, number: int) -> None:
        try:
            barrier.wait(timeout=60)
            results.append(decide_swipe(None, {
                "door": "D-MAIN", "at": "2026-11-15T09:00:00",
                "card": {"format": fmt, "facility": facility, "number": number},
            }, actor="test"))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=enter, args=card) for card in CARDS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    outcomes = sorted((r["decision"], r["reason"]) for r in results)
    assert outcomes == [("deny", "occupancy_full")] * 3 + [("grant", "granted")] * 3
    assert PersonLocation.objects.filter(zone__code="lobby").count() == 3
    assert DoorEvent.objects.count() == len(CARDS)
