"""`vaultdoor user role / disable / enable`: the same services as the console's account page
(`change_role`, `disable_account`, `enable_account`), one `error:` line for bad input."""

from __future__ import annotations

import json
from importlib import import_module

import pytest
from click.testing import CliRunner
from django.conf import settings

from vaultdoor.audit.models import AuditEvent
from vaultdoor.cli import main
from vaultdoor.identity.models import Account, AccountSession
from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.identity.services.tokens import authenticate_token, create_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(django_user_model, fake_clock):
    """mjones, an auditor with one signed-in session and one API token."""
    sync_roles()
    account = account_for(django_user_model.objects.create_user("mjones"))
    assign_role(account, "auditor")
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.create()
    AccountSession.objects.create(account=account, session_key=store.session_key,
                                  created=fake_clock())
    _row, secret = create_token(account, "reports", ["read"])
    return account, store.session_key, secret


def _run(*args):
    return CliRunner().invoke(main, list(args))


def _alive(key: str) -> bool:
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def test_user_role_changes_the_group_and_ends_sessions_when_permissions_go(holder):
    account, key, _ = holder
    result = _run("user", "role", "mjones", "supervisor", "--reason", "moved to the floor")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["old_role"] == "auditor" and out["new_role"] == "supervisor"
    assert out["permissions_removed"] > 0 and out["sessions_ended"] == 1
    account = Account.objects.get(pk=account.pk)
    assert [g.name for g in account.user.groups.all()] == ["Supervisor"]
    assert not _alive(key)
    event = AuditEvent.objects.get(action="auth.role_changed")
    assert event.actor == "cli" and event.context["reason"] == "moved to the floor"


def test_user_disable_and_enable(holder):
    account, key, secret = holder
    result = _run("user", "disable", "mjones", "--reason", "long-term leave")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"username": "mjones", "changed": True,
                                         "sessions_ended": 1, "api_tokens_revoked": 1,
                                         "enrolment_links_expired": 0}
    assert not Account.objects.get(pk=account.pk).user.is_active
    assert not _alive(key) and authenticate_token(secret) is None
    again = _run("user", "disable", "mjones", "--reason", "long-term leave")
    assert again.exit_code == 0 and json.loads(again.output)["changed"] is False
    result = _run("user", "enable", "mjones", "--reason", "back from leave")
    assert result.exit_code == 0 and json.loads(result.output)["changed"] is True
    assert Account.objects.get(pk=account.pk).user.is_active
    assert authenticate_token(secret) is None  # stays revoked
    assert [e.action for e in AuditEvent.objects.filter(
        action__in=["auth.account_disabled", "auth.account_enabled"]).order_by("seq")] == [
        "auth.account_disabled", "auth.account_enabled"]


@pytest.mark.parametrize(("args", "message"), [
    (["user", "role", "nobody", "agent", "--reason", "a reason"], "no user named 'nobody'"),
    (["user", "role", "mjones", "auditor", "--reason", "a reason"], "has the role auditor"),
    (["user", "role", "mjones", "agent", "--reason", "x"], "--reason"),
    (["user", "disable", "nobody", "--reason", "a reason"], "no user named 'nobody'"),
    (["user", "enable", "mjones", "--reason", "ok"], "--reason"),
])
def test_bad_input_is_one_line_and_changes_nothing(holder, args, message):
    account, key, _ = holder
    result = _run(*args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    account = Account.objects.get(pk=account.pk)
    assert account.role == "auditor" and account.user.is_active and _alive(key)
    assert not AuditEvent.objects.filter(action__in=[
        "auth.role_changed", "auth.account_disabled", "auth.account_enabled"]).exists()


def test_a_terminated_persons_account_is_not_enabled(holder):
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Person

    account, _, _ = holder
    site = Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")
    person = Person.objects.create(site=site, code="E1009", name="Gail Gone",
                                   kind="employee", status="terminated")
    Account.objects.filter(pk=account.pk).update(person=person)
    assert _run("user", "disable", "mjones", "--reason", "left us").exit_code == 0
    result = _run("user", "enable", "mjones", "--reason", "by mistake")
    assert result.exit_code == 2 and "terminated" in result.output
    assert not Account.objects.get(pk=account.pk).user.is_active
