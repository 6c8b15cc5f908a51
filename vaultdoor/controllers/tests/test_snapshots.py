"""Per-controller snapshots: only its doors, signed, versioned, with deltas; the API."""

from __future__ import annotations

import datetime as dt
import json

import hypothesis
import pytest
from hypothesis import strategies as st

from vaultdoor.audit.models import AuditEvent
from vaultdoor.controllers.models import SnapshotUpdate
from vaultdoor.controllers.services import compiler
from vaultdoor.controllers.services.keys import snapshot_signing_key
from vaultdoor.edge.envelope import Update
from vaultdoor.edge.wire import SiteState
from vaultdoor.engine import model as em
from vaultdoor.engine.snapshot import PeopleCompiler
from vaultdoor.people.models import Person

from .conftest import as_controller

pytestmark = pytest.mark.django_db


def _state(snapshot) -> SiteState:
    return SiteState.from_payload(snapshot.payload)


def test_snapshot_holds_only_its_doors_zones_and_people(add_controller):
    controller, _ = add_controller("lobby-ctl", ("D-MAIN",))
    state = _state(compiler.refresh(controller))
    assert set(state.entities["doors"]) == {"D-MAIN"}
    assert set(state.entities["zones"]) == {"lobby"}
    assert set(state.entities["access_levels"]) == {"building"}
    # Everyone with the building level (through a role or their own), nobody else.
    assert set(state.entities["people"]) == {
        "E1001", "E1002", "E1003", "E1004", "E1005", "E1006", "C2001"
    }
    assert "it-vault" not in state.entities["access_levels"]


def test_vault_controller_gets_only_vault_people(add_controller):
    controller, _ = add_controller("vault-ctl", ("D-VAULT",))
    state = _state(compiler.refresh(controller))
    assert set(state.entities["zones"]) == {"corridor-b", "vault"}
    # The IT engineers; not the compliance officer, whose records level reaches only the
    # corridor in front of the vault door.
    assert set(state.entities["people"]) == {"E1002", "E1003"}
    assert state.header["controller"]["failure_modes"] == {"D-VAULT": "secure"}


def test_snapshot_is_signed_by_the_server_key(enrolled):
    controller, _ = enrolled
    snapshot = compiler.refresh(controller)
    update = compiler.full_update(snapshot)
    update.verify(snapshot_signing_key().public_key(), controller=controller.name)
    assert _state(snapshot).fingerprint() == snapshot.fingerprint == update.header.fingerprint


def test_refresh_without_change_keeps_the_version(enrolled):
    controller, _ = enrolled
    first = compiler.refresh(controller)
    assert compiler.refresh(controller).version == first.version


def test_a_change_appends_a_signed_delta(enrolled):
    controller, _ = enrolled
    first = compiler.refresh(controller)
    person = Person.objects.get(code="E1002")
    person.status = "suspended"
    person.save()
    second = compiler.refresh(controller)
    assert second.version == first.version + 1
    delta = SnapshotUpdate.objects.get(controller=controller, version=second.version)
    assert delta.kind == "delta" and delta.prev_version == first.version
    assert [p["id"] for p in delta.payload["upsert"]["people"]] == ["E1002"]
    applied = _state(first).apply(delta.payload)
    assert applied.fingerprint() == second.fingerprint
    event = AuditEvent.objects.filter(action="edge.snapshot").order_by("-seq").first()
    assert (event.target_id, event.context["version"]) == ("ctl-1", second.version)
    assert event.context["changed"] == {"people": 1}


def test_a_change_elsewhere_changes_nothing(add_controller):
    controller, _ = add_controller("vault-ctl", ("D-VAULT",))
    first = compiler.refresh(controller)
    person = Person.objects.get(code="E1001")  # an agent: not a vault person
    person.name = "Priya Shah-Jones"
    person.save()
    assert compiler.refresh(controller).version == first.version


def test_doors_change_rebuilds(enrolled):
    from vaultdoor.controllers.services.enrolment import set_doors

    controller, _ = enrolled
    first = compiler.refresh(controller)
    set_doors(controller, ["D-MAIN"], actor="test")
    second = compiler.refresh(controller)
    assert second.version == first.version + 1
    assert set(_state(second).entities["doors"]) == {"D-MAIN"}


def test_deltas_endpoint(enrolled, api):
    controller, token = enrolled
    client = as_controller(api, token)
    full = client.get("/api/v1/controllers/snapshot").json()
    assert full["kind"] == "full" and full["version"] == 1
    assert client.get("/api/v1/controllers/deltas?since=1").json()["updates"] == []
    person = Person.objects.get(code="E1002")
    person.status = "terminated"
    person.save()
    body = client.get("/api/v1/controllers/deltas?since=1&wait=1").json()
    (delta,) = body["updates"]
    assert (delta["kind"], delta["prev_version"], delta["version"]) == ("delta", 1, 2)
    Update.from_dict(delta).verify(snapshot_signing_key().public_key(),
                                   controller=controller.name)


def test_deltas_endpoint_sends_a_full_snapshot_after_a_gap(enrolled, api):
    controller, token = enrolled
    client = as_controller(api, token)
    client.get("/api/v1/controllers/snapshot")
    person = Person.objects.get(code="E1002")
    person.status = "suspended"
    person.save()
    compiler.refresh(controller)
    SnapshotUpdate.objects.filter(controller=controller).delete()  # history pruned
    (update,) = client.get("/api/v1/controllers/deltas?since=1").json()["updates"]
    assert update["kind"] == "full" and update["version"] == 2
    (update,) = client.get("/api/v1/controllers/deltas?since=0").json()["updates"]
    assert update["kind"] == "full"


@pytest.mark.parametrize("query", ["since=x", "wait=x", "wait=nan", "wait=-nan", "wait=inf",
                                   "since=1&wait=NaN", "since=-1", f"since={2**63}",
                                   "since=" + "9" * 30])
def test_bad_parameters_are_a_400(enrolled, api, query):
    _, token = enrolled
    # wait=nan once made the long poll wait for ever (no time is past a NaN deadline); a
    # version past the database's bigint was a server error
    response = as_controller(api, token).get(f"/api/v1/controllers/deltas?{query}")
    assert response.status_code == 400


_VETTING_STATUSES = ("not_started", "pending", "cleared", "adverse", "expired")
_CATEGORIES = ("identity_theft", "fraud", "violent_crime", "other")


@hypothesis.given(
    status=st.sampled_from(_VETTING_STATUSES),
    findings=st.lists(st.sampled_from(_CATEGORIES), max_size=3, unique=True),
    expires=st.none() | st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 1, 1)),
    completed=st.none() | st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 1, 1)),
)
def test_door_vetting_decides_the_same_and_carries_no_findings(status, findings, expires,
                                                               completed):
    full = em.Vetting(status=status, completed=completed, expires=expires,
                      findings=tuple(findings))
    reduced = compiler.door_vetting(full)
    assert reduced.findings == () and reduced.completed is None
    assert reduced.status in {"cleared", "not_started"}
    people = PeopleCompiler(em.Site(id="s", name="s", timezone="Europe/London"))
    before, after = (
        people.person(em.Person(id="p", name="p", kind="employee", status="active", vetting=v))
        for v in (full, reduced)
    )
    assert (before.cleared, before.cleared_until if before.cleared else None) == (
        after.cleared, after.cleared_until if after.cleared else None)


def test_controller_snapshot_holds_no_vetting_findings(add_controller):
    controller, _ = add_controller("lobby-ctl", ("D-MAIN",))
    state = _state(compiler.refresh(controller))
    text = json.dumps(state.entities["people"])
    for category in _CATEGORIES:
        assert category not in text
    fraud = json.loads(state.entities["people"]["E1004"])  # adverse, a fraud finding
    assert fraud["vetting"]["status"] == "not_started"
    assert fraud["vetting"]["findings"] == []
