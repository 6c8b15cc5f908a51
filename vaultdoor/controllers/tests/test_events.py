"""Event ingestion: exactly once by event id, in order, into the audit log; only for the
sending controller's doors (others acknowledged, not stored, kept as evidence); altered events
refused. Alarms: raised, acknowledged, cleared."""

from __future__ import annotations

import pytest

from vaultdoor.access.models import DoorEvent
from vaultdoor.audit.models import AuditEvent
from vaultdoor.controllers.models import Alarm, Controller, ControllerEvent
from vaultdoor.controllers.services import alarms
from vaultdoor.edge.spool import Spool

from .conftest import as_controller

pytestmark = pytest.mark.django_db

URL = "/api/v1/controllers/events"


@pytest.fixture
def spool(tmp_path):
    s = Spool(tmp_path / "spool.sqlite3", controller="ctl-1")
    yield s
    s.close()


def decision(spool, door="D-MAIN", person="E1001", decision="grant"):
    return spool.append("access.decision", door=door, data={
        "decision": decision, "reason": "granted" if decision == "grant" else "no_access",
        "person": person, "door": door, "zone": "lobby", "warnings": [], "direction": "in",
        "presented": "card h10301 42:10231", "snapshot_version": 1,
    })


def post(api, token, events, status=None):
    body = {"events": [e.to_dict() for e in events]}
    if status is not None:
        body["status"] = status
    return as_controller(api, token).post(URL, body, format="json")


def test_events_are_stored_once_in_order(enrolled, api, spool):
    controller, token = enrolled
    events = [decision(spool) for _ in range(5)]
    first = post(api, token, events[:3])
    assert first.status_code == 200, first.content
    assert first.json() == {"acked": 3, "stored": 3, "duplicates": 0, "refused": 0}
    # The edge lost our answer and sends again, overlapping: each event still once.
    again = post(api, token, events)
    assert again.json() == {"acked": 5, "stored": 2, "duplicates": 3, "refused": 0}
    stored = list(ControllerEvent.objects.filter(controller=controller).order_by("pk"))
    assert [e.seq for e in stored] == [1, 2, 3, 4, 5]
    audit = list(AuditEvent.objects.filter(action="access.decision").order_by("seq"))
    assert [a.context["edge_seq"] for a in audit] == [1, 2, 3, 4, 5]
    assert {a.actor for a in audit} == {"controller:ctl-1"}
    assert DoorEvent.objects.filter(actor="controller:ctl-1").count() == 5


def test_status_is_recorded(enrolled, api, spool):
    controller, token = enrolled
    post(api, token, [decision(spool)],
         status={"snapshot_version": 4, "spool_depth": 17, "clock": "2030-01-01T00:00:00Z"})
    controller.refresh_from_db()
    assert (controller.reported_version, controller.spool_depth) == (4, 17)
    assert controller.clock_skew_ms > 0 and controller.is_online()


def test_events_for_a_door_it_does_not_drive_are_acknowledged_not_stored(enrolled, api, spool):
    controller, token = enrolled
    events = [decision(spool), decision(spool, door="D-LOCKERS"), decision(spool),
              spool.append("door.forced_open", door="D-LOCKERS", data={"reader": "x"}),
              decision(spool)]
    response = post(api, token, events)
    assert response.status_code == 200, response.content
    assert response.json() == {"acked": 5, "stored": 3, "duplicates": 0, "refused": 2}
    # Nothing about D-LOCKERS is stored as a door event, decision or alarm of that door...
    stored = AuditEvent.objects.filter(action__in=["access.decision", "edge.event"])
    assert sorted(a.context["edge_seq"] for a in stored) == [1, 3, 5]
    assert {a.target_id for a in stored} == {"D-MAIN"}
    assert not DoorEvent.objects.filter(door__code="D-LOCKERS").exists()
    assert not Alarm.objects.filter(kind="door.forced_open").exists()
    # ...but the refusal is evidence: one audit entry for the door, with the count and ids.
    (refusal,) = AuditEvent.objects.filter(action="controller.event_refused")
    assert refusal.context["door"] == "D-LOCKERS"
    assert refusal.context["count"] == 2
    assert refusal.context["types"] == {"access.decision": 1, "door.forced_open": 1}
    assert refusal.context["event_ids"] == [events[1].id, events[3].id]
    assert refusal.seq > max(a.seq for a in stored)
    (alarm,) = Alarm.objects.filter(kind="controller.event_refused")
    assert alarm.detail["door"] == "D-LOCKERS" and alarm.state == "open"
    # The chain of the controller runs on through the refused events: no gap is flagged.
    assert not any(a.context.get("edge_chain_gap") for a in stored)
    controller.refresh_from_db()
    assert controller.last_event_seq == 5
    # Sent again (the answer was lost): acknowledged as duplicates, no second refusal.
    again = post(api, token, events)
    assert again.json() == {"acked": 5, "stored": 0, "duplicates": 5, "refused": 0}
    assert AuditEvent.objects.filter(action="controller.event_refused").count() == 1
    # A later batch with more of them: audited again, the open alarm is not repeated.
    assert post(api, token, [decision(spool, door="D-LOCKERS")]).json()["refused"] == 1
    assert AuditEvent.objects.filter(action="controller.event_refused").count() == 2
    assert Alarm.objects.filter(kind="controller.event_refused").count() == 1


def test_another_controllers_door_is_never_stored(enrolled, add_controller, api, spool):
    _, token = enrolled
    add_controller("ctl-2", ("D-LOCKERS",))
    response = post(api, token, [decision(spool, door="D-LOCKERS")])
    assert response.json()["refused"] == 1
    assert not AuditEvent.objects.filter(action="access.decision").exists()
    assert not DoorEvent.objects.exists()


def test_an_altered_event_is_refused(enrolled, api, spool):
    _, token = enrolled
    event = decision(spool, decision="deny")
    body = event.to_dict()
    body["data"]["decision"] = "grant"
    response = as_controller(api, token).post(URL, {"events": [body]}, format="json")
    assert response.status_code == 400
    assert "altered" in response.json()["detail"]


def test_out_of_order_batch_is_refused(enrolled, api, spool):
    _, token = enrolled
    a, b = decision(spool), decision(spool)
    response = post(api, token, [b, a])
    assert response.status_code == 400


def test_anonymous_cannot_post_events(enrolled, api, spool):
    response = api.post(URL, {"events": [decision(spool).to_dict()]}, format="json")
    assert response.status_code == 401


def test_alarm_events_open_alarms_which_operators_handle(enrolled, api, spool,
                                                          django_user_model):
    _, token = enrolled
    forced = spool.append("door.forced_open", door="D-MAIN", data={"reader": "D-MAIN/in"})
    post(api, token, [forced])
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.state, alarm.door.code) == ("door.forced_open", "open", "D-MAIN")
    user = django_user_model.objects.create_user("guard", password="x" * 20)
    alarms.acknowledge(alarm, user=user)
    alarms.clear(alarm, user=user, note="door closed, nobody there")
    alarm.refresh_from_db()
    assert alarm.state == "cleared" and alarm.cleared_by == user
    rows = AuditEvent.objects.filter(target_type="alarm").order_by("seq")
    actions = list(rows.values_list("action", flat=True))
    assert actions == ["alarm.raise", "alarm.acknowledge", "alarm.clear"]
    with pytest.raises(alarms.AlarmError):
        alarms.clear(alarm, user=user)


def test_revoked_controller_cannot_post(enrolled, api, spool):
    from vaultdoor.controllers.services.enrolment import revoke_controller

    controller, token = enrolled
    revoke_controller(Controller.objects.get(pk=controller.pk))
    assert post(api, token, [decision(spool)]).status_code == 401


@pytest.mark.parametrize("status", [{"spool_depth": 2**63}, {"snapshot_version": 10**30},
                                    {"spool_depth": -1}])
def test_a_status_beyond_the_database_is_a_400(enrolled, api, spool, status):
    # numbers past a bigint were a server error (PostgreSQL: "bigint out of range")
    _, token = enrolled
    assert post(api, token, [decision(spool)], status=status).status_code == 400
    heartbeat = as_controller(api, token).post("/api/v1/controllers/heartbeat",
                                               {"status": status}, format="json")
    assert heartbeat.status_code == 400
