"""`POST /api/v1/access/decisions`: permission, decisions, field errors, nothing leaked."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from vaultdoor.access.models import DoorEvent
from vaultdoor.audit.models import AuditEvent

from .conftest import grant

pytestmark = pytest.mark.django_db

URL = "/api/v1/access/decisions"
MAIN = {"door": "D-MAIN", "at": "2026-12-01T08:03:00",
        "card": {"format": "h10301", "facility": 42, "number": 10231}}


def test_the_url_is_the_documented_one():
    assert reverse("api:access-decisions") == URL


def test_anonymous_callers_are_refused(client, site):
    response = client.post(URL, MAIN, format="json")
    assert response.status_code in (401, 403)
    assert not DoorEvent.objects.exists()


def test_viewing_permissions_are_not_enough(client, site, user):
    client.force_authenticate(grant(user, "access.view_doorevent", "facilities.view_door"))
    response = client.post(URL, MAIN, format="json")
    assert response.status_code == 403
    assert "access.decide" in response.json()["detail"]
    assert not DoorEvent.objects.exists()


@pytest.fixture
def decider(client, user):
    client.force_authenticate(grant(user, "access.decide"))
    return client


def test_a_permitted_caller_gets_the_decision(decider, site):
    response = decider.post(URL, MAIN, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "decision": "grant", "reason": "granted", "person": "E1001", "door": "D-MAIN",
        "zone": "lobby", "warnings": [],
    }
    event = DoorEvent.objects.get()
    assert event.actor == "api:operator" and event.person.code == "E1001"
    assert AuditEvent.objects.get(seq=event.audit_seq).actor == "api:operator"


def test_state_carries_between_requests_and_pins_stay_secret(decider, site):
    training = {"door": "D-TRAINING", "at": "2026-12-01T08:05:00", "pin": "4821"}
    assert decider.post(URL, training, format="json").json()["person"] == "E1001"
    vault = {"door": "D-VAULT", "at": "2026-12-01T08:06:00", "pin": "7315",
             "card": {"facility": 42, "number": 10232}}
    for door in ("D-MAIN", "D-STAIRS-B"):
        decider.post(URL, {**vault, "door": door}, format="json")
    pending = decider.post(URL, vault, format="json").json()
    assert (pending["decision"], pending["reason"]) == ("pending", "awaiting_second_person")
    raw = {"door": "D-MAIN", "at": "2026-12-01T08:07:00", "card": {"bits": 26, "data": "zz"}}
    assert decider.post(URL, raw, format="json").json()["reason"] == "unreadable_card"
    logged = json.dumps(list(AuditEvent.objects.values_list("context", flat=True)))
    assert "4821" not in logged and "7315" not in logged
    assert not DoorEvent.objects.filter(credential__contains="48").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"at": "2026-12-01T08:03:00"}, "door"),
        ({**MAIN, "door": "D-NOPE"}, "door"),
        ({**MAIN, "site": "nowhere"}, "site"),
        ({**MAIN, "at": "tomorrow"}, "at"),
        ({**MAIN, "direction": "sideways"}, "direction"),
        ({**MAIN, "biometric": "maybe"}, "biometric"),
        ({**MAIN, "card": {"facility": 42}}, "card"),
        ({**MAIN, "card": {"facility": 42, "number": 1, "bits": 26, "data": "00"}}, "card"),
        ({**MAIN, "card": {"facility": "x", "number": 1}}, "card"),
        ({**MAIN, "pin": 1234}, "pin"),
    ],
)
def test_bad_input_gets_400_with_the_field(decider, site, body, field):
    response = decider.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not DoorEvent.objects.exists()


def test_the_openapi_document_builds_without_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/access/decisions:" in text and "/api/v1/people/cards:" in text
    assert "pin_hash" not in text
    assert "/api/v1/identity/accounts/{id}:" in text and "/api/v1/identity/tokens:" in text
    for secret in ("secret_hash", "sealed_secret", "code_hash", "credential_id", "public_key",
                   "session_key", "password_hash"):
        assert secret not in text, secret


def test_the_schema_is_public(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
