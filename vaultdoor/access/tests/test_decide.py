"""Decisions against the live database: the spec's example, state, records and the cache."""

from __future__ import annotations

import json

import pytest
import yaml

from vaultdoor.access.models import DoorEvent, PendingPresentation, PersonLocation
from vaultdoor.access.services import snapshots
from vaultdoor.access.services.decide import DecisionInputError, decide_swipe
from vaultdoor.access.services.importer import import_site_text
from vaultdoor.audit.models import AuditEvent
from vaultdoor.people.models import Person

from .conftest import DATA

pytestmark = pytest.mark.django_db


def swipe(door, at, **fields):
    return {"door": door, "at": at, **fields}


def card(number, facility=42, fmt="h10301"):
    return {"format": fmt, "facility": facility, "number": number}


def test_the_spec_example_decides_the_same_against_the_database(imported):
    swipes = (DATA / "example-swipes.jsonl").read_text().splitlines()
    expected = (DATA / "example-expected.jsonl").read_text().splitlines()
    got = [decide_swipe("northgate", json.loads(line), actor="test") for line in swipes]
    assert got == [json.loads(line) for line in expected]
    assert DoorEvent.objects.count() == len(swipes)
    assert AuditEvent.objects.filter(action="access.decision").count() == len(swipes)


def test_a_decision_is_recorded_in_the_audit_log_and_as_a_door_event(imported):
    decision = decide_swipe(
        None, swipe("D-TRAINING", "2026-12-01T09:00:00", pin="4821"), actor="test"
    )
    assert (decision["decision"], decision["person"]) == ("grant", "E1001")
    event = DoorEvent.objects.get()
    assert (event.door.code, event.zone.code, event.person.code) == (
        "D-TRAINING", "training", "E1001"
    )
    assert (event.decision, event.reason, event.direction) == ("grant", "granted", "in")
    assert event.credential == "PIN" and event.actor == "test"
    audit = AuditEvent.objects.get(seq=event.audit_seq)
    assert audit.action == "access.decision" and audit.target_id == "D-TRAINING"
    assert audit.context["person"] == "E1001" and audit.context["reason"] == "granted"
    assert "4821" not in json.dumps(audit.context)
    assert event.at.isoformat() == "2026-12-01T09:00:00+00:00"  # London is on GMT in December


def test_location_and_two_person_state_live_in_the_database(imported):
    at = "2026-12-01T10:00:0{}"
    for n, number in ((0, 10232), (1, 300001)):
        fmt, facility = ("h10301", 42) if number == 10232 else ("h10304", 1042)
        decide_swipe(None, swipe("D-MAIN", at.format(n), card=card(number, facility, fmt)))
        decide_swipe(None, swipe("D-STAIRS-B", at.format(n), card=card(number, facility, fmt)))
    first = decide_swipe(
        None, swipe("D-VAULT", "2026-12-01T10:01:00", card=card(10232), pin="7315")
    )
    assert (first["decision"], first["reason"]) == ("pending", "awaiting_second_person")
    pending = PendingPresentation.objects.get()
    assert (pending.door.code, pending.person.code) == ("D-VAULT", "E1002")
    second = decide_swipe(None, swipe(
        "D-VAULT", "2026-12-01T10:01:10", card=card(300001, 1042, "h10304"), pin="2290"
    ))
    assert (second["decision"], second["companions"]) == ("grant", ["E1002"])
    assert not PendingPresentation.objects.exists()
    inside = set(PersonLocation.objects.filter(zone__code="vault").values_list(
        "person__code", flat=True))
    assert inside == {"E1002", "E1003"}
    again = decide_swipe(
        None, swipe("D-VAULT", "2026-12-01T10:02:00", card=card(10232), pin="7315")
    )
    assert (again["decision"], again["reason"]) == ("deny", "anti_passback")
    out = decide_swipe(
        None, swipe("D-VAULT", "2026-12-01T10:03:00", card=card(10232), direction="out")
    )
    assert out["decision"] == "grant"
    assert PersonLocation.objects.get(person__code="E1002").zone.code == "corridor-b"


def test_occupancy_counts_the_people_tracked_inside(example_text):
    data = yaml.safe_load(example_text)
    data["zones"][0]["max_occupancy"] = 1  # the lobby
    import_site_text(yaml.safe_dump(data), actor="test")
    assert decide_swipe(None, swipe("D-MAIN", "2026-12-01T08:00", card=card(10231)))[
        "decision"] == "grant"
    full = decide_swipe(None, swipe("D-MAIN", "2026-12-01T08:01", card=card(10232)))
    assert (full["decision"], full["reason"]) == ("deny", "occupancy_full")
    decide_swipe(None, swipe("D-MAIN", "2026-12-01T08:02", card=card(10231), direction="out"))
    assert decide_swipe(None, swipe("D-MAIN", "2026-12-01T08:03", card=card(10232)))[
        "decision"] == "grant"


def test_the_snapshot_is_compiled_once_per_revision(imported, monkeypatch):
    calls = []
    original = snapshots.compile_site

    def counting(site):
        calls.append(site.id)
        return original(site)

    monkeypatch.setattr(snapshots, "compile_site", counting)
    for minute in range(3):
        decide_swipe(None, swipe("D-MAIN", f"2026-12-01T08:0{minute}", card=card(10231)))
    assert calls == ["northgate"]
    person = Person.objects.get(code="E1001")
    person.status = "suspended"  # an admin edit
    person.save()
    denied = decide_swipe(None, swipe("D-MAIN", "2026-12-01T08:05", card=card(10231)))
    assert denied["reason"] == "person_inactive"
    assert calls == ["northgate", "northgate"]


def test_a_reimport_takes_effect_at_the_next_decision(example_text, imported):
    assert decide_swipe(None, swipe("D-MAIN", "2026-12-01T08:00", card=card(10231)))[
        "decision"] == "grant"
    data = yaml.safe_load(example_text)
    data["doors"][0]["mode"] = "locked"
    import_site_text(yaml.safe_dump(data), actor="test")
    assert decide_swipe(None, swipe("D-MAIN", "2026-12-01T08:01", card=card(10231)))[
        "reason"] == "door_locked"


@pytest.mark.parametrize(
    ("site", "fields", "field", "message"),
    [
        (None, {"door": "D-NOPE", "at": "2026-12-01T08:00"}, "door", "no door 'D-NOPE'"),
        ("elsewhere", {"door": "D-MAIN", "at": "2026-12-01T08:00"}, "site", "no site"),
        (None, {"door": "D-MAIN", "at": "soon"}, "at", "ISO 8601"),
        (None, {"door": "D-MAIN", "at": "2026-12-01T08:00", "direction": "up"}, "direction",
         "direction"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(imported, site, fields, field, message):
    with pytest.raises(DecisionInputError, match=message) as caught:
        decide_swipe(site, fields)
    assert caught.value.field == field
    assert not DoorEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="access.decision").exists()
