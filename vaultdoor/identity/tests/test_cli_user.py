"""`vaultdoor user create` prints a one-time enrolment link; `vaultdoor token` makes and
revokes API tokens."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model

from vaultdoor.audit.models import AuditEvent
from vaultdoor.cli import main
from vaultdoor.identity.models import Account, EnrolmentLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    from vaultdoor.testing.seed import seed_example_site

    seed_example_site()
    from vaultdoor.people.models import Person

    return Person.objects.order_by("code").first()


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_user_create_links_the_person_and_prints_a_one_time_link(client, person):
    result = _run("user", "create", "--person", person.code, "--role", "supervisor")
    assert result.exit_code == 0, result.output
    link = re.search(r"http://127\.0\.0\.1:8000(/auth/welcome/\S+/)", result.output).group(1)
    account = Account.objects.get(person=person)
    assert account.role == "supervisor"
    assert account.user.groups.get().name == "Supervisor"
    assert not account.user.has_usable_password()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in EnrolmentLink.objects.get().token_hash  # stored hashed
    assert client.get(link).status_code == 200
    response = client.post(link, {"new_password": "grey-quay-heron-58",
                                  "confirm_password": "grey-quay-heron-58"})
    assert response.status_code == 302
    assert client.get(link).status_code == 404  # one time only
    assert account.user.__class__.objects.get(pk=account.user.pk).check_password(
        "grey-quay-heron-58")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.user_created", "auth.enrolment_link", "auth.enrolled"} <= actions
    for event in AuditEvent.objects.filter(action__startswith="auth.enrol"):
        assert token not in str(event.context), event.action  # the path holds the token


def test_user_create_refuses_bad_input_with_one_line(person):
    result = _run("user", "create", "--person", "NOBODY", "--role", "agent")
    assert result.exit_code == 2 and "no person" in result.output
    assert "Traceback" not in result.output
    _run("user", "create", "--person", person.code, "--role", "agent")
    again = _run("user", "create", "--person", person.code, "--role", "agent",
                 "--username", "other")
    assert again.exit_code == 2 and "already has an account" in again.output
    result = _run("user", "create", "--role", "agent")
    assert result.exit_code == 2


def test_enrolment_link_expires(client, person, fake_clock):
    result = _run("user", "create", "--person", person.code, "--role", "agent")
    link = re.search(r"(/auth/welcome/\S+/)", result.output).group(1)
    fake_clock.advance(days=4)
    from django.core.cache import cache

    cache.clear()  # the refusal cap counts per address and minute
    assert client.get(link).status_code == 404
    refused = AuditEvent.objects.get(action="auth.enrolment_link_refused")
    assert refused.actor == "anonymous" and refused.context["method"] == "GET"
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in str(refused.context) and refused.context["ip"] == "127.0.0.1"


def test_token_create_and_revoke(client):
    get_user_model().objects.create_user("feed")
    result = _run("token", "create", "--user", "feed", "--name", "hr feed", "--scope", "read",
                  "--days", "30")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scopes"] == ["read"]
    key_id = data["key_id"]
    assert data["token"].startswith(key_id + ".")
    created = AuditEvent.objects.get(action="auth.token_created")
    assert created.target_id == key_id and created.context["scopes"] == ["read"]
    assert data["token"].split(".")[1] not in str(created.context)
    assert _run("token", "revoke", key_id).exit_code == 0
    assert AuditEvent.objects.get(action="auth.token_revoked").target_id == key_id
    again = _run("token", "revoke", key_id)
    assert (again.exit_code, again.output) == (2, f"error: token {key_id} is already revoked\n")
    assert AuditEvent.objects.filter(action="auth.token_revoked").count() == 1
    bad = _run("token", "create", "--user", "ghost", "--name", "x", "--scope", "read")
    assert bad.exit_code == 2


def test_user_unlock(client):
    from vaultdoor.identity.choices import FailureKind
    from vaultdoor.identity.services import lockout

    get_user_model().objects.create_user("mjones")
    for _ in range(10):
        lockout.record_failure("MJones", FailureKind.PASSWORD)  # counted case-insensitively
    assert lockout.locked_until("mjones", FailureKind.PASSWORD)
    assert "unlocked" in _run("user", "unlock", "mjones").output
    assert lockout.locked_until("mjones", FailureKind.PASSWORD) is None
    assert AuditEvent.objects.get(action="auth.unlocked").target_id == "mjones"
    unknown = _run("user", "unlock", "ghost")  # exited 0 ("was not locked") and was audited
    assert (unknown.exit_code, unknown.output) == (2, "error: no user named 'ghost'\n")
    assert AuditEvent.objects.filter(action="auth.unlocked").count() == 1
