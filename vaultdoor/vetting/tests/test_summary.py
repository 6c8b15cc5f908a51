"""The vetting page's numbers: who counts as cleared, why the others do not, and the
clearances ending month by month; drawn as charts without naming findings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from vaultdoor.people.models import Person
from vaultdoor.vetting.services.summary import summarise

from .conftest import MORNING

pytestmark = pytest.mark.django_db


def _people(site):
    return Person.objects.select_related("site").filter(site=site, active=True)


def test_the_example_site_in_numbers(site):
    summary = summarise(_people(site), MORNING)
    assert summary.people == 7 and summary.cleared == 4
    # E1004 adverse (fraud), E1006 suspended, C2001 pending
    assert dict(summary.not_cleared) == {"Adverse": 1, "Not active": 1, "Pending": 1}
    assert len(summary.rescreens) == 12 and summary.rescreens[0][0] == dt.date(2026, 12, 1)
    assert sum(n for _, n in summary.rescreens) == 0  # E1001's clearance ends in 2029


def test_clearances_ending_fall_in_their_month_and_past_ones_are_expired(site, person):
    soon = person("E1002")
    soon.vetting_expires = dt.date(2027, 3, 15)
    soon.save()
    lapsed = person("E1003")
    lapsed.vetting_expires = dt.date(2026, 11, 30)
    lapsed.save()
    summary = summarise(_people(site), MORNING)
    assert dict(summary.rescreens)[dt.date(2027, 3, 1)] == 1
    assert dict(summary.not_cleared)["Expired"] == 1 and summary.cleared == 3


def test_a_cleared_status_with_a_disqualifying_finding_counts_as_adverse(site, person):
    odd = person("E1005")
    odd.vetting_findings = ["violent_crime"]
    odd.save()
    summary = summarise(_people(site), MORNING)
    assert dict(summary.not_cleared)["Adverse"] == 2  # never "violent crime" by name


def test_the_vetting_page_draws_both_charts(client, django_user_model, site):
    from vaultdoor.identity.roles import sync_roles
    from vaultdoor.identity.services.accounts import account_for, assign_role

    sync_roles()
    user = django_user_model.objects.create_user("auditor-1")
    assign_role(account_for(user), "auditor")
    client.force_login(user)
    text = client.get(reverse("console:vetting:list")).content.decode()
    assert 'id="chart-clearance"' in text and 'id="chart-rescreens"' in text
    assert "Cleared for sensitive access (" in text
    assert "fraud" not in text.lower()
