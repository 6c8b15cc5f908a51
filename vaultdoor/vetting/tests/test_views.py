"""Console pages for vetting: who sees findings, step-up before decisions, termination with
confirmation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT
from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.vetting.models import Finding, Termination
from vaultdoor.vetting.services.decisions import record_check, record_finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client, django_user_model, site):
    sync_roles()

    def as_role(role: str, *, stepped_up: bool = False):
        user = django_user_model.objects.create_user(f"u-{role}")
        assign_role(account_for(user), role)
        client.force_login(user)
        if stepped_up:
            import time

            session = client.session
            session[SESSION_SECOND_FACTOR_AT] = time.time()
            session.save()
        return client

    return as_role


@pytest.fixture
def priya_with_fraud(person):
    priya = person("E1001")
    check = record_check(priya, provider="Acme", actor="hr")
    record_finding(check, category="fraud", notes="NOTE-CANARY 2019", actor="hr")
    return priya, check


def page(priya):
    return reverse("console:vetting:person", args=[priya.pk])


def test_hr_sees_findings_auditor_sees_only_cleared_or_not(login, priya_with_fraud):
    priya, _ = priya_with_fraud
    hr = login("hr_vetting")
    text = hr.get(page(priya)).content.decode()
    assert "NOTE-CANARY" in text and "Fraud" in text
    assert "Not cleared for sensitive access" in text
    hr.logout()
    auditor = login("auditor")
    response = auditor.get(page(priya))
    assert response.status_code == 200
    text = response.content.decode()
    assert "NOTE-CANARY" not in text and "Fraud" not in text and "fraud" not in text
    assert "Not cleared for sensitive access" in text
    listing = auditor.get(reverse("console:vetting:list")).content.decode()
    assert "Not cleared" in listing and "finding" not in listing


@pytest.mark.parametrize("role", ["supervisor", "facilities", "it", "agent"])
def test_other_roles_cannot_open_vetting(login, person, role):
    client = login(role)
    assert client.get(reverse("console:vetting:list")).status_code == 403
    assert client.get(page(person("E1001"))).status_code == 403


def test_decisions_need_a_fresh_second_factor(login, priya_with_fraud):
    priya, check = priya_with_fraud
    client = login("hr_vetting")
    url = reverse("console:vetting:action", args=[priya.pk, "finding"])
    response = client.post(url, {"check_id": check.pk, "category": "other", "notes": "x"})
    assert response.status_code == 302 and "/step-up/" in response["Location"]
    assert Finding.objects.count() == 1
    client.logout()
    client = login("security_admin", stepped_up=True)
    response = client.post(url, {"check_id": check.pk, "category": "other", "notes": "x"})
    assert response.status_code == 302 and response["Location"] == page(priya)
    assert Finding.objects.count() == 2


def test_auditor_cannot_decide(login, priya_with_fraud):
    priya, check = priya_with_fraud
    client = login("auditor", stepped_up=True)
    url = reverse("console:vetting:action", args=[priya.pk, "adjudicate"])
    response = client.post(url, {"check_id": check.pk, "outcome": "cleared",
                                 "reason": "looks fine to me really"})
    assert response.status_code == 403
    assert not check.adjudications.exists()


def test_review_with_short_reason_shows_the_error(login, priya_with_fraud):
    priya, check = priya_with_fraud
    client = login("hr_vetting", stepped_up=True)
    url = reverse("console:vetting:action", args=[priya.pk, "adjudicate"])
    response = client.post(url, {"check_id": check.pk, "outcome": "cleared", "reason": "ok"},
                           follow=True)
    assert "reason of at least" in response.content.decode()
    assert not check.adjudications.exists()


def test_terminate_with_confirmation(login, person):
    tom = person("E1002")
    url = reverse("console:vetting:terminate", args=[tom.pk])
    client = login("hr_vetting")
    assert client.get(url).status_code == 200
    # without a fresh second factor: step up first
    response = client.post(url, {"reason": "contract ended", "confirm": "E1002"})
    assert response.status_code == 302 and "/step-up/" in response["Location"]
    client.logout()
    client = login("security_admin", stepped_up=True)
    wrong = client.post(url, {"reason": "contract ended", "confirm": "E1001"})
    assert wrong.status_code == 400 and not Termination.objects.exists()
    done = client.post(url, {"reason": "contract ended", "confirm": "E1002"}, follow=True)
    assert done.status_code == 200
    assert "correlation id" in done.content.decode()
    tom.refresh_from_db()
    assert tom.status == "terminated"
    assert client.get(url).status_code == 404  # already terminated


def test_terminate_page_needs_the_permission(login, person):
    client = login("auditor")
    url = reverse("console:vetting:terminate", args=[person("E1002").pk])
    assert client.get(url).status_code == 403


def test_onboarding_step_from_the_page(login, person):
    priya = person("E1001")
    client = login("hr_vetting")
    url = reverse("console:vetting:action", args=[priya.pk, "onboarding"])
    response = client.post(url, {"item": "training_done", "done": "on", "note": "module 1"},
                           follow=True)
    assert response.status_code == 200
    assert priya.onboarding_items.filter(item="training_done").exists()


def test_unknown_action_is_404(login, person):
    client = login("security_admin", stepped_up=True)
    url = reverse("console:vetting:action", args=[person("E1001").pk, "explode"])
    assert client.post(url, {}).status_code in (403, 404)


def test_person_page_with_every_section(login, person):
    from vaultdoor.vetting.services.decisions import adjudicate
    from vaultdoor.vetting.services.lifecycle import terminate

    lee = person("C2001")
    check = record_check(lee, provider="Acme", actor="hr")
    record_finding(check, category="other", notes="gap", actor="hr")
    adjudicate(check, outcome="adverse", actor="hr", reason="gap unexplained after interview")
    terminate(lee, actor="hr", reason="contract ended")
    client = login("hr_vetting")
    text = client.get(page(lee)).content.decode()
    assert "Adverse action in progress" in text and "waiting period" in text
    assert "Record the final decision" in text
    assert "Onboarding" in text and "Badge issued" in text
    assert "Terminated" in text and "correlation id" in text
    assert "gap unexplained" in text  # the review's reason, for those who see findings
    client.logout()
    auditor = login("auditor")
    text = auditor.get(page(lee)).content.decode()
    assert "gap unexplained" not in text and "Record the final decision" not in text
