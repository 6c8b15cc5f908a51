"""Onboarding checklist and termination in one action (one correlated group of audit
events)."""

from __future__ import annotations

import json
from importlib import import_module

import pytest
from click.testing import CliRunner
from django.conf import settings

from vaultdoor.audit.models import AuditEvent
from vaultdoor.cli import main
from vaultdoor.identity.models import AccountSession
from vaultdoor.identity.services import recovery, totp
from vaultdoor.identity.services.accounts import create_account
from vaultdoor.identity.services.tokens import authenticate_token, create_token
from vaultdoor.vetting.models import Termination
from vaultdoor.vetting.services import is_cleared
from vaultdoor.vetting.services.lifecycle import (
    LifecycleError,
    mark_onboarding,
    onboarding_checklist,
    terminate,
)

from .conftest import MORNING, PRIYA_CARD, swipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def priya_with_everything(person, client):
    """Priya with a console account, a session, an API token, TOTP and recovery codes."""
    priya = person("E1001")
    account = create_account("pshah", role="agent", person=priya, actor="test")
    device, _ = totp.start_enrolment(account)
    type(device).objects.filter(pk=device.pk).update(confirmed=True)
    recovery.new_recovery_codes(account)
    _, token = create_token(account, "script", ["read"])
    client.force_login(account.user)
    key = client.session.session_key
    AccountSession.objects.create(account=account, session_key=key, created=MORNING)
    return priya, account, token, key


def test_terminate_revokes_everything_as_one_correlated_group(priya_with_everything):
    priya, account, token, session_key = priya_with_everything
    assert swipe("D-MAIN", PRIYA_CARD, MORNING)["decision"] == "grant"
    assert authenticate_token(token) is not None

    done = terminate(priya, actor="hr-officer", reason="resigned, last day today")

    # doors: the very next presentation is refused
    decision = swipe("D-MAIN", PRIYA_CARD, MORNING.replace(hour=11))
    assert decision["decision"] == "deny"
    priya.refresh_from_db()
    assert priya.status == "terminated"
    assert set(priya.cards.values_list("status", flat=True)) == {"revoked"}
    assert not priya.pins.filter(active=True).exists()
    assert not priya.access_levels.exists()
    assert not is_cleared(priya)
    # console: account disabled, sessions ended, tokens revoked, second factors removed
    account.user.refresh_from_db()
    assert not account.user.is_active
    engine = import_module(settings.SESSION_ENGINE)
    assert not engine.SessionStore().exists(session_key)
    assert not AccountSession.objects.filter(account=account).exists()
    assert authenticate_token(token) is None
    assert not account.totp_devices.exists()
    assert not account.recovery_codes.exists()
    # audit: every step carries the same correlation id
    events = AuditEvent.objects.filter(context__correlation_id=done.correlation_id)
    actions = set(events.values_list("action", flat=True))
    assert actions == {
        "lifecycle.terminate", "lifecycle.credentials_revoked", "lifecycle.access_revoked",
        "lifecycle.account_disabled", "lifecycle.sessions_ended", "lifecycle.tokens_revoked",
        "lifecycle.second_factors_removed",
    }
    assert all(e.actor == "hr-officer" and e.target_id == "E1001" for e in events)
    revoked = events.get(action="lifecycle.tokens_revoked")
    assert revoked.context["count"] == 1
    factors = events.get(action="lifecycle.second_factors_removed").context
    assert factors["authenticators"] == 1 and factors["recovery_entries"] == 10
    assert done.summary["credentials_revoked"]["cards"] == ["h10301 42:10231"]
    assert done.summary["access_revoked"]["access_levels"] == []


def test_terminate_twice_is_refused(person):
    tom = person("E1002")
    terminate(tom, actor="hr", reason="contract ended")
    with pytest.raises(LifecycleError, match="already terminated"):
        terminate(tom, actor="hr", reason="contract ended")


def test_terminate_needs_a_reason(person):
    with pytest.raises(LifecycleError, match="reason"):
        terminate(person("E1002"), actor="hr", reason=" ")
    assert not Termination.objects.exists()


def test_terminate_removes_own_access_levels(person):
    lee = person("C2001")  # holds `building` directly
    done = terminate(lee, actor="hr", reason="contract ended")
    assert done.summary["access_revoked"]["access_levels"] == ["building"]
    assert not lee.access_levels.exists()


def test_cli_terminate(person):
    runner = CliRunner()
    result = runner.invoke(main, ["person", "terminate", "E1003", "--reason", "dismissed"],
                           input="n\n")
    assert result.exit_code == 2
    assert not Termination.objects.exists()
    result = runner.invoke(main, ["person", "terminate", "E1003", "--reason", "dismissed",
                                  "--yes"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["person"] == "E1003" and len(out["correlation_id"]) == 32
    again = runner.invoke(main, ["person", "terminate", "E1003", "--reason", "dismissed",
                                 "--yes"])
    assert again.exit_code == 1
    assert again.stderr.startswith("error: E1003 was already terminated")
    unknown = runner.invoke(main, ["person", "terminate", "NOBODY", "--reason", "x", "--yes"])
    assert unknown.exit_code == 2


def test_onboarding_checklist(person):
    priya = person("E1001")
    steps = {i.item: i for i in onboarding_checklist(priya)}
    assert steps["badge_issued"].done and steps["badge_issued"].automatic
    assert steps["vetting_cleared"].done
    assert not steps["account_created"].done
    assert not steps["training_done"].done
    mark_onboarding(priya, "training_done", actor="hr", note="module 1-3")
    steps = {i.item: i for i in onboarding_checklist(priya)}
    assert steps["training_done"].done and steps["training_done"].done_by == "hr"
    mark_onboarding(priya, "training_done", done=False, actor="hr")
    assert not {i.item: i for i in onboarding_checklist(priya)}["training_done"].done
    with pytest.raises(LifecycleError, match="not a step one ticks off"):
        mark_onboarding(priya, "badge_issued", actor="hr")
    assert AuditEvent.objects.filter(action="lifecycle.onboarding").count() == 2


def test_cli_onboarding(person):
    result = CliRunner().invoke(main, ["person", "onboarding", "E1001", "--done",
                                       "policy_signed"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    done = {s["step"]: s["done"] for s in out["steps"]}
    assert done["policy_signed"] and done["badge_issued"] and not out["complete"]
    bad = CliRunner().invoke(main, ["person", "onboarding", "E1001", "--done", "nap"])
    assert bad.exit_code == 2 and "not a step" in bad.stderr
