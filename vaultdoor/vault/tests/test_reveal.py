"""Reveal: refused for each missing condition on its own, audited without the value; the
bulk-reveal alarm at its threshold; restore by a supervisor; subject-access export."""

from __future__ import annotations

import pytest

from vaultdoor.audit.models import AuditEvent
from vaultdoor.vault.models import RevealSuspension, VaultAlert
from vaultdoor.vault.services.erasure import erase_customer, subject_access_export
from vaultdoor.vault.services.records import CustomerErased, create_customer
from vaultdoor.vault.services.reveal import (
    BulkRevealAlarm,
    CustomerNotFound,
    NotPermitted,
    ReasonRequired,
    RevealSuspended,
    StepUpRequired,
    VettingRequired,
    find_customer,
    masked_view,
    restore_reveal,
    reveal_field,
)

from .conftest import canary_data

pytestmark = pytest.mark.django_db
REASON = "customer called about a refund"


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_reveal_with_every_condition_is_audited_without_the_value(make_user, queue, customer):
    agent = make_user("agent", queues=[queue])
    value = reveal_field(agent, customer, "email", REASON, stepped_up=True)
    assert value == "zebedee.canary-7f3a@example.org"
    [event] = _events("vault.reveal")
    assert event.actor == agent.username and event.target_id == str(customer.pk)
    assert event.context["field"] == "email" and event.context["why"] == REASON
    assert "zebedee" not in str(event.context).lower()


@pytest.mark.parametrize("missing, error", [
    ("role", NotPermitted), ("vetting", VettingRequired), ("step_up", StepUpRequired),
    ("reason", ReasonRequired), ("reason_short", ReasonRequired),
])
def test_each_missing_condition_is_refused_on_its_own(make_user, queue, customer,
                                                      missing, error):
    role = "auditor" if missing == "role" else "agent"
    user = make_user(role, cleared=missing != "vetting", queues=[queue])
    reason = {"reason": "", "reason_short": "refund"}.get(missing, REASON)
    with pytest.raises(error):
        reveal_field(user, customer, "account_number", reason,
                     stepped_up=missing != "step_up")
    [event] = _events("vault.reveal_refused")
    assert event.context["refusal"] == error.code
    assert not _events("vault.reveal")


def test_no_person_record_means_no_vetting(make_user, queue, customer):
    agent = make_user("agent", queues=[queue])
    agent.account.person = None
    agent.account.save()
    with pytest.raises(VettingRequired):
        reveal_field(agent, customer, "name", REASON, stepped_up=True)


def test_adverse_finding_flips_reveal_at_once(make_user, queue, customer):
    agent = make_user("agent", queues=[queue])
    assert reveal_field(agent, customer, "name", REASON, stepped_up=True)
    person = agent.account.person
    person.vetting_findings = ["fraud"]
    person.save()
    with pytest.raises(VettingRequired):
        reveal_field(agent, customer, "name", REASON, stepped_up=True)


def test_agents_and_supervisors_see_only_their_queues(make_user, queue, other_queue, customer):
    agent = make_user("agent", queues=[other_queue])
    with pytest.raises(CustomerNotFound):
        find_customer(agent, customer.pk)
    with pytest.raises(CustomerNotFound):
        find_customer(agent, "not-a-uuid")
    supervisor = make_user("supervisor", supervises=[queue])
    assert find_customer(supervisor, customer.pk) == customer
    assert find_customer(make_user("security_admin"), customer.pk) == customer
    with pytest.raises(CustomerNotFound):
        find_customer(make_user("facilities"), customer.pk)


def test_masking_by_role(make_user, queue, customer):
    agent = make_user("agent", queues=[queue])
    supervisor = make_user("supervisor", supervises=[queue])
    assert masked_view(agent, customer)["card_number"] == "••••9015"
    assert masked_view(supervisor, customer)["card_number"] == "492912••••••9015"
    masked = masked_view(agent, customer)
    assert "Zebedee" not in str(masked) and "1971" not in str(masked)


def test_bulk_reveal_alarm_at_threshold_and_restore(make_user, queue, settings):
    settings.VAULTDOOR_VAULT_REVEAL_LIMIT = 3
    agent = make_user("agent", queues=[queue])
    supervisor = make_user("supervisor", supervises=[queue])
    customers = [create_customer(queue, canary_data(name=f"C {i}")) for i in range(5)]
    for row in customers[:3]:
        reveal_field(agent, row, "name", REASON, stepped_up=True)
        reveal_field(agent, row, "email", REASON, stepped_up=True)  # same record: counts once
    with pytest.raises(BulkRevealAlarm):
        reveal_field(agent, customers[3], "name", REASON, stepped_up=True)
    assert VaultAlert.objects.filter(user=agent, kind="bulk_reveal").count() == 1
    assert len(_events("vault.bulk_reveal_alarm")) == 1
    with pytest.raises(RevealSuspended):  # even a record already seen
        reveal_field(agent, customers[0], "name", REASON, stepped_up=True)
    other_supervisor = make_user("supervisor")
    with pytest.raises(NotPermitted):
        restore_reveal(other_supervisor, agent, "checked with the agent, legitimate")
    with pytest.raises(NotPermitted):
        restore_reveal(make_user("agent", queues=[queue]), agent, "I would like to")
    assert restore_reveal(supervisor, agent, "checked with the agent, legitimate") == 1
    assert not RevealSuspension.objects.filter(user=agent, lifted_at__isnull=True).exists()
    [restored] = _events("vault.reveal_restored")
    assert restored.actor == supervisor.username
    assert reveal_field(agent, customers[3], "name", REASON, stepped_up=True) == "C 3"


def test_subject_access_export_and_erasure(make_user, queue, customer):
    supervisor = make_user("supervisor", supervises=[queue])
    agent = make_user("agent", queues=[queue])
    with pytest.raises(NotPermitted):
        subject_access_export(agent, customer, reason=REASON, stepped_up=True)
    with pytest.raises(StepUpRequired):
        subject_access_export(supervisor, customer, reason=REASON, stepped_up=False)
    export = subject_access_export(supervisor, customer, reason="subject access request 42",
                                   stepped_up=True)
    assert export["fields"]["phones"] == ["+447911123456", "+442079460813"]
    assert export["fields"]["name"] == "Zebedee Canarywhistle"
    assert len(_events("vault.export")) == 1
    with pytest.raises(NotPermitted):
        erase_customer(agent, customer, reason="please erase")
    erase_customer(supervisor, customer, reason="erasure request 43")
    [erased] = _events("vault.erase")
    assert erased.target_id == str(customer.pk)
    customer.refresh_from_db()
    with pytest.raises(CustomerErased):
        reveal_field(agent, customer, "name", REASON, stepped_up=True)
    with pytest.raises(CustomerErased):
        subject_access_export(supervisor, customer, reason="subject access", stepped_up=True)
    assert set(masked_view(agent, customer).values()) == {""}


def test_phones_are_revealed_as_a_list(make_user, queue, customer):
    agent = make_user("agent", queues=[queue])
    assert reveal_field(agent, customer, "phones", REASON, stepped_up=True) == (
        "+447911123456, +442079460813")


def test_subject_access_exports_count_toward_the_bulk_limit(make_user, queue, settings):
    """An export shows a whole record, so it counts like a reveal: a supervisor exporting
    more customers in an hour than the limit is stopped, alerted and suspended."""
    settings.VAULTDOOR_VAULT_REVEAL_LIMIT = 2
    supervisor = make_user("supervisor", supervises=[queue])
    customers = [create_customer(queue, canary_data(name=f"E {i}")) for i in range(3)]
    subject_access_export(supervisor, customers[0], reason=REASON, stepped_up=True)
    reveal_field(supervisor, customers[1], "name", REASON, stepped_up=True)
    # the same customer again counts once, export or reveal
    subject_access_export(supervisor, customers[1], reason=REASON, stepped_up=True)
    with pytest.raises(BulkRevealAlarm):
        subject_access_export(supervisor, customers[2], reason=REASON, stepped_up=True)
    assert len(_events("vault.export")) == 2  # the refused one is not recorded as done
    assert len(_events("vault.bulk_reveal_alarm")) == 1
    assert VaultAlert.objects.filter(user=supervisor, kind="bulk_reveal").count() == 1
    with pytest.raises(RevealSuspended):
        subject_access_export(supervisor, customers[0], reason=REASON, stepped_up=True)
    with pytest.raises(RevealSuspended):
        reveal_field(supervisor, customers[0], "name", REASON, stepped_up=True)


@pytest.mark.parametrize("reason", ["customer read out 4929 1234 5678 9015 to confirm",
                                    "card 4929-1234-5678-9015 disputed",
                                    # full-width digits, as a phone keyboard may type
                                    "card " + "".join(chr(0xFF10 + int(d))
                                                      for d in "4929123456789015")])
def test_a_reason_holding_a_card_number_is_refused(make_user, queue, customer, reason):
    """A reason is stored and audited in clear, so it may not carry a card number."""
    from vaultdoor.vault.models import Reveal

    agent = make_user("agent", queues=[queue])
    with pytest.raises(ReasonRequired, match="must not contain a card number"):
        reveal_field(agent, customer, "email", reason, stepped_up=True)
    supervisor = make_user("supervisor", supervises=[queue])
    with pytest.raises(ReasonRequired, match="must not contain a card number"):
        erase_customer(supervisor, customer, reason=reason)
    assert not Reveal.objects.exists()
    assert "4929" not in str([e.context for e in AuditEvent.objects.all()])
    # a reference number that is not a card number is fine (fails Luhn)
    assert reveal_field(agent, customer, "email", "ticket 4929 1234 5678 9016 follow-up",
                        stepped_up=True)


def test_agents_never_see_more_than_the_last_four_of_a_card(make_user, queue, customer):
    """Masked or revealed, an agent sees a card number's last four digits only (PCI DSS
    3.4.1); a supervisor may reveal it whole, with every condition met."""
    agent = make_user("agent", queues=[queue])
    with pytest.raises(NotPermitted, match="last four digits"):
        reveal_field(agent, customer, "card_number", REASON, stepped_up=True)
    [event] = _events("vault.reveal_refused")
    assert event.context["refusal"] == "role" and event.context["field"] == "card_number"
    assert masked_view(agent, customer)["card_number"] == "••••9015"
    supervisor = make_user("supervisor", supervises=[queue])
    assert reveal_field(supervisor, customer, "card_number", REASON,
                        stepped_up=True) == "4929123456789015"
