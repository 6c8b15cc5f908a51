"""Refusals of the API: `{"detail", "code"}` for every refusal, field errors as they are, and
an audit event when a signed-in caller is refused (a CSRF refusal has its own)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from vaultdoor.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), [
    ("get", "/api/v1/facilities/zones", None, 403, "permission_denied"),
    ("get", "/api/v1/customers/", None, 403, "role"),
    ("post", "/api/v1/customers/search", '{"phone": ', 403, "role"),
])
def test_a_refusal_of_a_signed_in_caller_has_a_code_and_is_audited(client, user, method, path,
                                                                   body, status, code):
    client.force_authenticate(user)
    call = getattr(client, method)
    response = call(path, body, content_type="application/json") if body else call(path)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["detail"]
    denied = AuditEvent.objects.filter(action="auth.permission_denied")
    event = denied.get()
    assert event.actor == "operator" and event.target_type == "api"
    assert event.target_id == path and event.context["refusal"] == code


def test_a_wrong_method_is_refused_with_a_code_and_no_event(client, user):
    from .conftest import grant

    client.force_authenticate(grant(user, "access.decide"))
    response = client.put("/api/v1/access/decisions", {}, format="json")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert not AuditEvent.objects.filter(action="auth.permission_denied").exists()


def test_anonymous_refusals_have_a_code_and_no_event(client, site):
    response = client.get("/api/v1/facilities/zones")
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
    assert not AuditEvent.objects.filter(action="auth.permission_denied").exists()


def test_malformed_json_is_a_parse_error(client, user):
    from .conftest import grant

    client.force_authenticate(grant(user, "access.decide"))
    response = client.post("/api/v1/access/decisions", '{"door": ', content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_field_errors_stay_field_errors(client, user, site):
    from .conftest import grant

    client.force_authenticate(grant(user, "access.decide"))
    response = client.post("/api/v1/access/decisions", {"door": "D-NOPE"}, format="json")
    assert response.status_code == 400
    assert "code" not in response.json() and "door" in response.json()


def test_a_csrf_refusal_is_audited_once_as_such(user):
    cache.clear()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post("/api/v1/customers/search", "{}", content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "csrf"
    assert AuditEvent.objects.filter(action="auth.csrf_refused").count() == 1
    assert not AuditEvent.objects.filter(action="auth.permission_denied").exists()
