"""Enrolment: one-time codes, credentials scoped to one controller, revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from vaultdoor.audit.models import AuditEvent
from vaultdoor.controllers.models import ControllerCredential, EnrolmentCode
from vaultdoor.controllers.services.enrolment import (
    ControllerError,
    EnrolmentRefused,
    authenticate,
    enrol,
    revoke_controller,
)

from .conftest import as_controller

pytestmark = pytest.mark.django_db


def test_code_is_stored_only_hashed(add_controller):
    controller, code = add_controller()
    row = EnrolmentCode.objects.get(controller=controller)
    assert code.replace("-", "") not in row.code_hash
    assert len(row.code_hash) == 64


def test_enrol_gives_a_working_token_stored_hashed(add_controller):
    controller, code = add_controller()
    result = enrol(code.lower())  # as typed: case and dashes do not matter
    assert authenticate(result.token) == controller
    assert not ControllerCredential.objects.filter(token_hash=result.token).exists()
    assert AuditEvent.objects.filter(action="edge.enrol", target_id="ctl-1").exists()


def test_spent_code_is_refused(add_controller):
    _, code = add_controller()
    enrol(code)
    with pytest.raises(EnrolmentRefused):
        enrol(code)


def test_expired_code_is_refused(add_controller):
    controller, code = add_controller()
    EnrolmentCode.objects.filter(controller=controller).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(EnrolmentRefused):
        enrol(code)


def test_unknown_code_is_refused(add_controller):
    add_controller()
    with pytest.raises(EnrolmentRefused):
        enrol("AAAAA-BBBBB-CCCCC-DDDDD")


def test_reenrolment_revokes_the_old_token(add_controller):
    from vaultdoor.controllers.services.enrolment import issue_enrolment_code

    controller, code = add_controller()
    first = enrol(code).token
    second = enrol(issue_enrolment_code(controller)).token
    assert authenticate(first) is None
    assert authenticate(second) == controller


def test_revoked_controller_cannot_authenticate_or_enrol(add_controller):
    from vaultdoor.controllers.services.enrolment import issue_enrolment_code

    controller, code = add_controller()
    token = enrol(code).token
    revoke_controller(controller, actor="test")
    assert authenticate(token) is None
    with pytest.raises(ControllerError):
        issue_enrolment_code(controller)


def test_a_door_has_one_controller(add_controller):
    add_controller("ctl-1", ("D-MAIN",))
    with pytest.raises(ControllerError, match="already driven by controller ctl-1"):
        add_controller("ctl-2", ("D-MAIN", "D-LOCKERS"))


def test_unknown_door_is_named(add_controller):
    with pytest.raises(ControllerError, match="no active door D-NOPE"):
        add_controller("ctl-1", ("D-MAIN", "D-NOPE"))


def test_enrol_endpoint(add_controller, api):
    _, code = add_controller()
    response = api.post("/api/v1/controllers/enrol", {"code": code}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["controller"] == "ctl-1"
    assert body["token"].startswith("vdc_")
    assert sorted(body["doors"]) == ["D-MAIN", "D-VAULT"]
    again = api.post("/api/v1/controllers/enrol", {"code": code}, format="json")
    assert again.status_code == 403


def test_endpoints_refuse_without_credential(enrolled, api):
    assert api.get("/api/v1/controllers/snapshot").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Controller vdc_not-a-token")
    assert api.get("/api/v1/controllers/snapshot").status_code == 401


def test_a_logged_in_person_is_not_a_controller(enrolled, api, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "b@example.com", "x" * 20)
    api.force_login(user)
    assert api.get("/api/v1/controllers/snapshot").status_code in (401, 403)


def test_cannot_read_another_controllers_snapshot(enrolled, add_controller, api):
    _, token = enrolled
    add_controller("ctl-2", ("D-LOCKERS",))
    client = as_controller(api, token)
    assert client.get("/api/v1/controllers/ctl-1/snapshot").status_code == 200
    assert client.get("/api/v1/controllers/ctl-2/snapshot").status_code == 403
    assert client.get("/api/v1/controllers/ctl-2/deltas").status_code == 403
