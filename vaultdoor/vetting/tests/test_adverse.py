"""Individualised review and adverse action: pre-adverse notice, a waiting period of business
days (site holidays excluded, configurable), then a final decision."""

from __future__ import annotations

import datetime as dt

import pytest

from vaultdoor.audit.models import AuditEvent
from vaultdoor.vetting.models import Adjudication
from vaultdoor.vetting.services import is_cleared
from vaultdoor.vetting.services.decisions import (
    VettingError,
    adjudicate,
    decide_adverse_action,
    record_check,
    record_finding,
)

from .conftest import LONDON

pytestmark = pytest.mark.django_db

# Wednesday 23 December 2026; Christmas and Boxing Day are the example site's holidays.
NOTICE = dt.datetime(2026, 12, 23, 10, 0, tzinfo=LONDON)


@pytest.fixture
def lee_check(person):
    lee = person("C2001")
    check = record_check(lee, provider="Acme", scope="criminal", actor="hr")
    record_finding(check, category="other", notes="undisclosed employment gap", actor="hr")
    return lee, check


def test_adverse_review_waits_five_business_days_then_upholds(lee_check):
    lee, check = lee_check
    adjudication = adjudicate(check, outcome="adverse", actor="hr", at=NOTICE,
                              reason="gap unexplained after interview; role handles cards")
    action = adjudication.adverse_action
    # Thu 24, (Fri 25 holiday, weekend), Mon 28, Tue 29, Wed 30, Thu 31.
    assert action.waiting_until == dt.date(2026, 12, 31)
    assert action.waiting_days == 5
    check.refresh_from_db()
    assert check.status == "pending"
    with pytest.raises(VettingError, match="from 2027-01-01 on"):
        decide_adverse_action(action, outcome="upheld", actor="hr",
                              reason="no response received from the candidate",
                              at=dt.datetime(2026, 12, 31, 23, 0, tzinfo=LONDON))
    decide_adverse_action(action, outcome="upheld", actor="hr",
                          reason="no response received from the candidate",
                          at=dt.datetime(2027, 1, 1, 9, 0, tzinfo=LONDON))
    check.refresh_from_db()
    lee.refresh_from_db()
    assert check.status == "adverse" and lee.vetting_status == "adverse"
    assert not is_cleared(lee)
    actions = list(AuditEvent.objects.filter(action__in=[
        "vetting.adjudicated", "vetting.pre_adverse_notice", "vetting.adverse_final",
    ]).order_by("seq").values_list("action", flat=True))
    assert actions == ["vetting.adjudicated", "vetting.pre_adverse_notice",
                       "vetting.adverse_final"]
    with pytest.raises(VettingError, match="already decided"):
        decide_adverse_action(action, outcome="rescinded", actor="hr",
                              reason="changed my mind about it", at=NOTICE)


def test_rescinded_after_the_response_clears(lee_check):
    lee, check = lee_check
    action = adjudicate(check, outcome="adverse", actor="hr", at=NOTICE,
                        reason="gap unexplained after interview").adverse_action
    with pytest.raises(VettingError, match="adverse action waiting"):
        adjudicate(check, outcome="cleared", actor="hr", reason="trying to skip the wait")
    decide_adverse_action(action, outcome="rescinded", actor="hr",
                          response="I was caring for a relative; letter attached",
                          reason="explanation verified with the letter",
                          at=dt.datetime(2027, 1, 4, 9, 0, tzinfo=LONDON))
    lee.refresh_from_db()
    assert lee.vetting_status == "cleared"
    assert is_cleared(lee, dt.datetime(2027, 1, 5, tzinfo=LONDON))
    action.refresh_from_db()
    assert action.response.startswith("I was caring")


def test_waiting_period_is_configurable(lee_check, monkeypatch):
    monkeypatch.setenv("VAULTDOOR_VETTING_ADVERSE_WAIT_DAYS", "1")
    _, check = lee_check
    action = adjudicate(check, outcome="adverse", actor="hr", at=NOTICE,
                        reason="gap unexplained after interview").adverse_action
    assert action.waiting_until == dt.date(2026, 12, 24)


def test_a_review_needs_a_reason(lee_check):
    _, check = lee_check
    with pytest.raises(VettingError, match="reason of at least"):
        adjudicate(check, outcome="cleared", actor="hr", reason="ok")
    with pytest.raises(VettingError, match="unknown outcome"):
        adjudicate(check, outcome="maybe", actor="hr", reason="a long enough reason")
    assert not Adjudication.objects.exists()


def test_clearing_with_a_disqualifying_finding_still_precludes(person):
    priya = person("E1001")
    check = record_check(priya, provider="Acme", actor="hr")
    record_finding(check, category="identity_theft", actor="hr")
    adjudicate(check, outcome="cleared", actor="hr",
               reason="cleared for non-sensitive duties only")
    priya.refresh_from_db()
    assert priya.vetting_status == "cleared"
    assert not is_cleared(priya)
