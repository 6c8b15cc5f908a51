"""`POST /api/v1/vetting/webhook`: HMAC signature, 5-minute timestamp tolerance, replays
refused, invalid checks reported, nothing written unless all is well."""

from __future__ import annotations

import json

import pytest

from vaultdoor.audit.models import AuditEvent
from vaultdoor.vetting import conf
from vaultdoor.vetting.models import BackgroundCheck
from vaultdoor.vetting.services import webhook
from vaultdoor.vetting.services.webhook import signature_header

from .conftest import MORNING, PRIYA_CARD, swipe

pytestmark = pytest.mark.django_db
URL = "/api/v1/vetting/webhook"
NOW = 1_796_000_000.0  # the server's clock in these tests (no timing in tests)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setattr(webhook, "clock", lambda: NOW)


@pytest.fixture(autouse=True)
def _fresh_refusal_counts():
    from django.core.cache import cache

    cache.clear()


def body(**extra) -> bytes:
    payload = {"id": "evt-1", "provider": "Acme", "checks": [
        {"person": "E1001", "reference": "A-1", "status": "cleared", "completed": "2026-11-20",
         "findings": [{"category": "fraud", "notes": "2019 conviction"}]},
    ]}
    payload.update(extra)
    return json.dumps(payload).encode()


def post(client, data: bytes, header: str):
    return client.post(URL, data=data, content_type="application/json",
                       HTTP_X_VAULTDOOR_SIGNATURE=header)


def signed(data: bytes, at: float | None = None, key: bytes | None = None) -> str:
    return signature_header(key or conf.webhook_key(), int(NOW if at is None else at), data)


def test_signed_delivery_is_applied_and_doors_follow(site, client):
    data = body()
    response = post(client, data, signed(data))
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    check = BackgroundCheck.objects.get(reference="A-1")
    assert check.source == "webhook"
    assert swipe("D-FLOOR-1", PRIYA_CARD, MORNING)["reason"] == "vetting_required"
    event = AuditEvent.objects.get(action="vetting.webhook")
    assert event.actor == "webhook:Acme"


def test_replay_is_refused(site, client):
    data = body()
    header = signed(data)
    assert post(client, data, header).status_code == 200
    again = post(client, data, header)
    assert again.status_code == 409
    assert "replay" in again.json()["detail"]
    # The same delivery id re-signed later is refused too.
    assert post(client, data, signed(data, NOW + 1)).status_code == 409
    assert BackgroundCheck.objects.filter(provider="Acme").count() == 1


@pytest.mark.parametrize("skew", [-301, 301])
def test_timestamp_outside_tolerance_is_refused(site, client, skew):
    data = body()
    response = post(client, data, signed(data, NOW + skew))
    assert response.status_code == 401
    assert "5 minutes" in response.json()["detail"]
    assert not BackgroundCheck.objects.exists()


def test_within_tolerance_is_accepted(site, client):
    data = body()
    assert post(client, data, signed(data, NOW - 300)).status_code == 200


@pytest.mark.parametrize("header", ["", "t=1,v1=zz", "v1=" + "0" * 64, "garbage"])
def test_malformed_signature_header(site, client, header):
    response = post(client, body(), header)
    assert response.status_code == 401
    assert AuditEvent.objects.filter(action="vetting.webhook_refused").exists()


def test_wrong_key_or_changed_body_is_refused(site, client):
    data = body()
    assert post(client, data, signed(data, key=b"another-key-entirely")).status_code == 401
    header = signed(data)
    tampered = data.replace(b"fraud", b"other")
    response = post(client, tampered, header)
    assert response.status_code == 401
    assert "does not match" in response.json()["detail"]
    assert not BackgroundCheck.objects.exists()


def test_invalid_checks_are_listed_and_nothing_is_written(site, client):
    data = body(checks=[
        {"person": "E1001", "status": "pending"},
        {"person": "NOBODY", "status": "cleared"},
    ])
    response = post(client, data, signed(data))
    assert response.status_code == 422
    issues = response.json()["issues"]
    assert {"check": 2, "field": "person", "message": "no person 'NOBODY'"} in issues
    assert {"check": 2, "field": "completed", "message": "required for a cleared check"} in issues
    assert not BackgroundCheck.objects.exists()
    # Not remembered as accepted: the corrected delivery goes through.
    fixed = body(checks=[{"person": "E1001", "status": "pending"}])
    assert post(client, fixed, signed(fixed)).status_code == 200


def test_malformed_body(site, client):
    data = b"[1, 2]"
    assert post(client, data, signed(data)).status_code == 400


def test_key_from_a_file_reference(site, client, tmp_path, monkeypatch):
    path = tmp_path / "webhook.key"
    path.write_text("provider-shared-key-0123456789\n")
    monkeypatch.setenv("VAULTDOOR_VETTING_WEBHOOK_KEY", f"file:{path}")
    assert conf.webhook_key() == b"provider-shared-key-0123456789"
    data = body()
    header = signature_header(b"provider-shared-key-0123456789", int(NOW), data)
    assert post(client, data, header).status_code == 200


def test_get_is_not_allowed(client, db):
    assert client.get(URL).status_code in (401, 403, 405)


def test_refusals_cannot_flood_the_audit_log(site, client):
    from vaultdoor.vetting.api.views import REFUSALS_AUDITED_PER_MINUTE

    for _ in range(REFUSALS_AUDITED_PER_MINUTE + 5):
        assert post(client, body(), "garbage").status_code == 401
    refused = AuditEvent.objects.filter(action="vetting.webhook_refused").count()
    assert refused == REFUSALS_AUDITED_PER_MINUTE
