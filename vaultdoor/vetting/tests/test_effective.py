"""A person's effective vetting from their checks, and how fast doors and the vault follow."""

from __future__ import annotations

import datetime as dt

import pytest

from vaultdoor.audit.models import AuditEvent
from vaultdoor.vetting.models import BackgroundCheck
from vaultdoor.vetting.services import apply_vetting, effective_vetting, is_cleared
from vaultdoor.vetting.services.decisions import (
    SITE_FILE_PROVIDER,
    adjudicate,
    record_check,
    record_finding,
    withdraw_finding,
)

from .conftest import MORNING, PRIYA_CARD, swipe

pytestmark = pytest.mark.django_db


def test_adverse_fraud_finding_flips_the_next_door_decision_and_the_vault(person):
    priya = person("E1001")
    first = swipe("D-FLOOR-1", PRIYA_CARD, MORNING)
    assert (first["decision"], first["reason"]) == ("grant", "granted")
    assert is_cleared(priya, MORNING)

    check = record_check(priya, provider="Acme Screening", scope="criminal", actor="hr")
    record_finding(check, category="fraud", notes="2019 conviction", actor="hr")

    # No other step: no import, no cache clearing, no adjudication.
    after = swipe("D-FLOOR-1", PRIYA_CARD, MORNING + dt.timedelta(minutes=1))
    assert (after["decision"], after["reason"]) == ("deny", "vetting_required")
    assert not is_cleared(priya, MORNING)
    assert not is_cleared(priya.pk, MORNING)
    priya.refresh_from_db()
    # The clearance from the site file is kept as a check: the status stays cleared, the
    # disqualifying finding precludes sensitive access whatever the status says.
    assert priya.vetting_status == "cleared"
    assert priya.vetting_findings == ["fraud"]


def test_withdrawing_the_finding_restores_access(person):
    priya = person("E1001")
    check = record_check(priya, provider="Acme Screening", actor="hr")
    finding = record_finding(check, category="violent_crime", actor="hr")
    assert not is_cleared(priya, MORNING)
    withdraw_finding(finding, reason="mistaken identity, confirmed by provider", actor="hr")
    assert is_cleared(priya, MORNING)
    assert swipe("D-FLOOR-1", PRIYA_CARD, MORNING)["decision"] == "grant"


def test_other_findings_do_not_disqualify(person):
    priya = person("E1001")
    check = record_check(priya, provider="Acme Screening", actor="hr")
    record_finding(check, category="other", notes="speeding", actor="hr")
    assert is_cleared(priya, MORNING)


def test_first_check_adopts_the_site_file_vetting(person):
    tom = person("E1002")  # cleared 2025-11-02, no expiry in the site file
    check = record_check(tom, provider="Acme Screening", actor="hr")
    adopted = BackgroundCheck.objects.get(person=tom, provider=SITE_FILE_PROVIDER)
    assert adopted.status == "cleared"
    # The rescreen interval (3 years) now applies to the adopted clearance.
    assert adopted.rescreen_due == dt.date(2028, 11, 2)
    tom.refresh_from_db()
    assert (tom.vetting_status, tom.vetting_expires) == ("cleared", dt.date(2028, 11, 2))
    assert check.status == "pending"
    # A second check adopts nothing more.
    record_check(tom, provider="Other Provider", actor="hr")
    assert BackgroundCheck.objects.filter(person=tom, provider=SITE_FILE_PROVIDER).count() == 1


def test_rules_pending_cleared_expired(person):
    lee = person("C2001")  # pending in the site file
    check = record_check(lee, provider="Acme Screening", actor="hr")
    today = dt.date(2026, 12, 2)
    assert effective_vetting(lee, today).status == "pending"
    adjudicate(check, outcome="cleared", reason="no records found in any scope",
               actor="hr", completed=dt.date(2026, 12, 1))
    check.refresh_from_db()
    assert check.rescreen_due == dt.date(2029, 12, 1)
    now = effective_vetting(lee, today)
    assert (now.status, now.completed, now.expires) == (
        "cleared", dt.date(2026, 12, 1), dt.date(2029, 12, 1))
    later = effective_vetting(lee, dt.date(2029, 12, 1))
    assert later.status == "expired"
    # Expiry applies by the clock alone: the vault and the doors refuse from 00:00 site-local.
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    assert is_cleared(lee, dt.datetime(2029, 11, 30, 23, 59, tzinfo=london))
    assert not is_cleared(lee, dt.datetime(2029, 12, 1, 0, 0, tzinfo=london))


def test_rescreen_in_progress_keeps_a_valid_clearance(person):
    lee = person("C2001")
    check = record_check(lee, provider="Acme Screening", actor="hr")
    adjudicate(check, outcome="cleared", reason="no records found in any scope", actor="hr")
    record_check(lee, provider="Acme Screening", scope="rescreen", actor="hr")
    assert is_cleared(lee)


def test_terminated_or_suspended_people_are_not_cleared(person):
    sam = person("E1006")  # suspended, vetting cleared
    assert sam.vetting_status == "cleared"
    assert not is_cleared(sam)


def test_unknown_person_is_not_cleared(db):
    assert not is_cleared(987654)


def test_apply_audits_changes_without_findings(person):
    priya = person("E1001")
    check = record_check(priya, provider="Acme Screening", actor="hr")
    record_finding(check, category="identity_theft", notes="SECRET-NOTE", actor="hr")
    events = list(AuditEvent.objects.filter(action__startswith="vetting."))
    assert {e.action for e in events} >= {"vetting.check_recorded", "vetting.finding_recorded",
                                          "vetting.status_changed"}
    for event in events:
        text = str(event.context)
        assert "identity_theft" not in text and "SECRET-NOTE" not in text
    changed = [e for e in events if e.action == "vetting.status_changed"][-1]
    assert changed.context["cleared_from"] is True
    assert changed.context["cleared_to"] is False


def test_apply_without_change_records_nothing(person):
    priya = person("E1001")
    record_check(priya, provider="Acme Screening", actor="hr")
    before = AuditEvent.objects.count()
    apply_vetting(priya, actor="hr")
    assert AuditEvent.objects.count() == before


def test_a_site_reimport_does_not_undo_vetting_or_termination(person):
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.testing.seed import EXAMPLE_SITE
    from vaultdoor.vetting.services.lifecycle import terminate

    priya, tom = person("E1001"), person("E1002")
    check = record_check(priya, provider="Acme Screening", actor="hr")
    record_finding(check, category="fraud", actor="hr")
    terminate(tom, actor="hr", reason="contract ended")

    import_site_text(EXAMPLE_SITE.read_text(encoding="utf-8"), actor="test")

    priya.refresh_from_db()
    tom.refresh_from_db()
    assert priya.vetting_findings == ["fraud"]
    assert tom.status == "terminated"
    after = swipe("D-FLOOR-1", PRIYA_CARD, MORNING)
    assert (after["decision"], after["reason"]) == ("deny", "vetting_required")
    assert AuditEvent.objects.filter(action="lifecycle.kept_terminated").exists()


def test_user_is_cleared_follows_the_linked_person(person, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    from vaultdoor.identity.services.accounts import create_account
    from vaultdoor.vetting.services import user_is_cleared

    priya = person("E1001")
    account = create_account("pshah", role="agent", person=priya, actor="test")
    assert user_is_cleared(account.user, MORNING)
    check = record_check(priya, provider="Acme Screening", actor="hr")
    record_finding(check, category="fraud", actor="hr")
    assert not user_is_cleared(account.user, MORNING)
    nobody = django_user_model.objects.create_user("no-person")
    assert not user_is_cleared(nobody)
    assert not user_is_cleared(AnonymousUser())
    assert not user_is_cleared(None)
