"""Each control on a state that passes and on one that does not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from vaultdoor.compliance.controls import (
    CONTROLS,
    FAIL,
    NOT_MEASURED,
    PASS,
    WARN,
    Result,
    evaluate_all,
)
from vaultdoor.compliance.controls.background_checks import BackgroundChecks
from vaultdoor.compliance.controls.endpoints import EndpointProtection
from vaultdoor.compliance.controls.passwords import StrongPasswords
from vaultdoor.compliance.controls.phishing import UnknownLinks
from vaultdoor.compliance.controls.phones import DesignatedPhoneAreas
from vaultdoor.compliance.controls.swipe_cards import SwipeCards
from vaultdoor.compliance.controls.two_factor import TwoFactor
from vaultdoor.compliance.controls.vault_door import VaultDoor

from .conftest import Centre

pytestmark = pytest.mark.django_db


def evidence(result: Result) -> dict:
    return {item.label: item.value for item in result.evidence}


# --- a. vault door ---------------------------------------------------------------------------

def test_vault_door_passes_when_high_zones_need_more_than_a_card(centre):
    vault = centre.zone("vault", security="high")
    centre.door("D-VAULT", vault, mode="card_and_pin")
    result = VaultDoor().evaluate()
    assert (result.status, result.score) == (PASS, 100)
    assert "1 door(s) into 1 high-security zone(s)" in result.summary


def test_a_keypad_door_into_a_high_zone_fails(centre):
    vault = centre.zone("vault", security="high", two_person=True)
    centre.door("D-VAULT", vault, mode="card_and_biometric")
    centre.door("D-BACK", vault, mode="pin")  # two-person does not redeem a keypad
    result = VaultDoor().evaluate()
    assert result.status == FAIL and result.score <= 40
    assert evidence(result)["… keypad only or unlocked"] == 1


def test_a_card_only_door_warns_unless_the_zone_needs_two_people(centre):
    vault = centre.zone("vault", security="high")
    centre.door("D-VAULT", vault, mode="card")
    assert VaultDoor().evaluate().status == WARN
    vault.two_person = True
    vault.save()
    assert VaultDoor().evaluate().status == PASS


def test_no_high_zone_warns_and_sites_are_scoped(centre):
    centre.zone("floor", security="restricted")
    assert VaultDoor().evaluate().status == WARN
    other = Centre("other")
    other.door("D-PIN", other.zone("vault", security="high"), mode="pin")
    assert VaultDoor().evaluate().status == FAIL
    assert VaultDoor().evaluate(centre.site).status == WARN  # the other site's door is not here


# --- b. swipe cards, least access -------------------------------------------------------------

def test_everyone_carded_and_few_in_high_zones_passes(centre):
    floor = centre.level("floor", centre.zone("floor"))
    vault = centre.level("vault", centre.zone("vault", security="high"))
    centre.person("P1", floor, vault)
    for n in range(2, 5):
        centre.person(f"P{n}", floor)
    centre.person("GONE", vault, status="terminated")  # not active: not counted
    result = SwipeCards().evaluate()
    assert result.status == PASS and result.score == 100
    assert evidence(result)["… whose access levels reach a high-security zone"] == "1 (25 %)"


def test_many_in_high_zones_through_their_role_warns(centre):
    vault = centre.level("vault", centre.zone("vault", security="high"))
    engineers = centre.role("it", vault)
    for n in range(3):
        centre.person(f"IT{n}", role=engineers)
    centre.person("AGENT")
    result = SwipeCards().evaluate()
    assert result.status == WARN
    assert "75 % can enter high-security zones" in result.summary
    assert result.score < 100


def test_people_without_a_working_card_warn(centre):
    from vaultdoor.people.models import Card

    centre.person("P1")
    centre.person("P2", card=False)
    lost = centre.person("P3")
    Card.objects.filter(person=lost).update(status="lost")
    expired = centre.person("P4")
    Card.objects.filter(person=expired).update(valid_until=timezone.now() - dt.timedelta(days=1))
    result = SwipeCards().evaluate()
    assert result.status == WARN
    assert result.summary.startswith("25 % of 4 active people have a working card")


def test_no_people_is_not_measured(centre):
    assert SwipeCards().evaluate().status == NOT_MEASURED


# --- c. two-factor authentication -------------------------------------------------------------

def test_every_account_with_a_second_factor_passes(account, settings):
    settings.VAULTDOOR_REQUIRE_SECOND_FACTOR = True
    account("admin", role="security_admin", factor="totp")
    account("agent", role="agent", factor="passkey")
    result = TwoFactor().evaluate()
    assert (result.status, result.score) == (PASS, 100)


def test_a_security_admin_without_a_second_factor_fails(account, settings):
    settings.VAULTDOOR_REQUIRE_SECOND_FACTOR = True
    account("admin", role="security_admin", factor="unconfirmed")  # not confirmed: none
    account("agent", role="agent", factor="totp")
    result = TwoFactor().evaluate()
    assert result.status == FAIL
    assert evidence(result)["… without a second factor"] == 1


def test_a_superuser_counts_as_an_admin(account, settings):
    settings.VAULTDOOR_REQUIRE_SECOND_FACTOR = True
    account("root", superuser=True)
    assert TwoFactor().evaluate().status == FAIL


def test_an_agent_without_a_second_factor_warns(account, settings, django_user_model):
    settings.VAULTDOOR_REQUIRE_SECOND_FACTOR = True
    account("admin", role="security_admin", factor="totp")
    account("agent", role="agent")
    gone = account("gone", role="agent")
    django_user_model.objects.filter(pk=gone.user_id).update(is_active=False)  # not counted
    result = TwoFactor().evaluate()
    assert (result.status, result.score) == (WARN, 50)


def test_second_factor_not_required_fails(account, settings):
    settings.VAULTDOOR_REQUIRE_SECOND_FACTOR = False
    account("admin", role="security_admin", factor="totp")
    result = TwoFactor().evaluate()
    assert result.status == FAIL
    assert "VAULTDOOR_REQUIRE_SECOND_FACTOR is false" in result.summary


# --- d. strong passwords ----------------------------------------------------------------------

def _aged(row, days: int) -> None:
    row.password_changed_at = timezone.now() - dt.timedelta(days=days)
    row.save()


def test_pci_profile_with_fresh_passwords_passes(account, settings):
    settings.VAULTDOOR_PASSWORD_PROFILE = "pci-dss-4"
    _aged(account("a"), 10)
    _aged(account("b", factor="totp"), 400)  # a second factor: no expiry under PCI DSS 4
    result = StrongPasswords().evaluate()
    assert (result.status, result.score) == (PASS, 100)
    assert evidence(result)["Password profile"].startswith("pci-dss-4")


def test_an_overdue_password_warns(account, settings):
    settings.VAULTDOOR_PASSWORD_PROFILE = "pci-dss-4"
    _aged(account("a"), 10)
    _aged(account("old"), 91)
    result = StrongPasswords().evaluate()
    assert (result.status, result.score) == (WARN, 50)
    assert "1 of 2 passwords are overdue" in result.summary


def test_nist_profile_never_expires_and_classic_warns(account, settings):
    _aged(account("old"), 400)
    settings.VAULTDOOR_PASSWORD_PROFILE = "nist-800-63b"
    assert StrongPasswords().evaluate().status == PASS
    settings.VAULTDOOR_PASSWORD_PROFILE = "classic"
    result = StrongPasswords().evaluate()
    assert result.status == WARN and result.score == 0


def test_an_unknown_profile_fails(account, settings):
    settings.VAULTDOOR_PASSWORD_PROFILE = "rot13"
    assert StrongPasswords().evaluate().status == FAIL


# --- e. background checks ---------------------------------------------------------------------

def _cleared(**fields) -> dict:
    return {"vetting_status": "cleared", **fields}


def test_sensitive_access_with_current_clearance_passes(centre, account):
    records = centre.level("records", centre.zone("records", requires_vetting=True))
    centre.person("HR1", records, **_cleared())
    centre.person("HR2", records, **_cleared(vetting_expires=dt.date.today()
                                              + dt.timedelta(days=30)))
    centre.person("AGENT", centre.level("floor", centre.zone("floor")))  # nothing sensitive
    account("vault-agent", role="agent", person=centre.person("V1", **_cleared()))
    result = BackgroundChecks().evaluate()
    assert (result.status, result.score) == (PASS, 100)
    assert evidence(result)["Active people with sensitive access"] == 3


@pytest.mark.parametrize("fields", [
    {"vetting_status": "pending"},
    _cleared(vetting_expires=dt.date(2020, 1, 1)),
    _cleared(vetting_findings=["fraud"]),
])
def test_sensitive_access_without_a_clean_clearance_fails(centre, fields):
    records = centre.level("records", centre.zone("records", requires_vetting=True))
    centre.person("HR1", records, **_cleared(vetting_findings=["other"]))
    centre.person("HR2", records, **fields)
    result = BackgroundChecks().evaluate()
    assert (result.status, result.score) == (FAIL, 50)


def test_a_vault_user_without_clearance_fails(centre, account):
    account("vault-agent", role="agent", person=centre.person("V1"))
    account("it", role="it", person=centre.person("IT1"))  # no vault role: not sensitive
    result = BackgroundChecks().evaluate()
    assert result.status == FAIL
    assert evidence(result)["… to the customer vault (console role)"] == 1


# --- f. never click unknown links -------------------------------------------------------------

def _campaign(sent: int, clicked: int):
    from vaultdoor.mail.models import Campaign, CampaignTarget

    now = timezone.now()
    campaign = Campaign.objects.create(
        name=f"c{sent}-{clicked}", subject="s", from_address="a@example.org", html_body="b",
        landing_url="https://example.org/", status="finished", started_at=now)
    CampaignTarget.objects.bulk_create(
        CampaignTarget(campaign=campaign, address=f"t{n}@example.org", sent_at=now,
                       clicked_at=now if n < clicked else None,
                       reported_at=now if n >= clicked else None)
        for n in range(sent))
    return campaign


def _training(done: int, total: int) -> None:
    from vaultdoor.mail.models import TrainingAssignment, TrainingModule

    module = TrainingModule.objects.create(code="phish", title="Phish", body="b")
    centre = Centre("trainees")
    for n in range(total):
        TrainingAssignment.objects.create(
            person=centre.person(f"T{n}"), module=module, reason="assigned",
            completed_at=timezone.now() if n < done else None)


def test_gateway_working_and_people_resilient_passes(db):
    from vaultdoor.mail.models import Delivery

    Delivery.objects.create(recipient="a@example.org", verdict="clean")
    _campaign(sent=20, clicked=1)
    _training(done=1, total=1)
    result = UnknownLinks().evaluate()
    assert result.status == PASS
    assert "5 % clicked and 95 % reported" in result.summary
    assert result.score == round((100 + 95 + 100) / 3)


def test_many_clicks_warn_and_nothing_at_all_fails(db):
    from vaultdoor.mail.models import Delivery

    assert UnknownLinks().evaluate().status == FAIL
    Delivery.objects.create(recipient="a@example.org", verdict="clean",
                            received_at=timezone.now() - dt.timedelta(days=8))  # too old
    _campaign(sent=10, clicked=3)
    result = UnknownLinks().evaluate()
    assert result.status == WARN
    assert evidence(result)["Messages through the gateway, last 7 days"] == 0


# --- g. phones only in designated areas -------------------------------------------------------

def test_call_floors_forbid_phones_and_lockers_allow_them(centre):
    centre.zone("call-floor", customer_data=True, phones="forbidden")
    centre.zone("lockers", phones="allowed")
    result = DesignatedPhoneAreas().evaluate()
    assert (result.status, result.score) == (PASS, 100)


def test_a_call_floor_allowing_phones_fails_and_no_designated_area_warns(centre):
    centre.zone("call-floor", customer_data=True, phones="forbidden")
    assert DesignatedPhoneAreas().evaluate().status == WARN
    centre.zone("call-floor-2", customer_data=True, phones="allowed")
    result = DesignatedPhoneAreas().evaluate()
    assert (result.status, result.score) == (FAIL, 50)


def test_no_zones_is_not_measured(db):
    assert DesignatedPhoneAreas().evaluate().status == NOT_MEASURED


# --- h. antivirus and firewalls ---------------------------------------------------------------

def test_endpoints_are_honestly_not_measured(db):
    result = EndpointProtection().evaluate()
    assert (result.status, result.score) == (NOT_MEASURED, None)
    assert "not collected" in result.summary


# --- the report -------------------------------------------------------------------------------

def test_the_overall_score_is_the_mean_of_measured_controls(centre):
    report = evaluate_all()
    assert [item.control for item in report.results] == list(CONTROLS)
    measured = [item.result.score for item in report.results
                if item.result.status != NOT_MEASURED]
    assert report.score == round(sum(measured) / len(measured))
    assert sum(report.counts.values()) == len(CONTROLS) == 9
    assert report.counts[NOT_MEASURED] >= 1  # endpoints, and here people and zones
    data = report.to_dict()
    assert data["controls"][0]["evidence"][0]["url"] == "/zones/"


def test_results_refuse_a_made_up_score():
    with pytest.raises(ValueError):
        Result(NOT_MEASURED, 50, "no")
    with pytest.raises(ValueError):
        Result(PASS, 101, "no")
    with pytest.raises(ValueError):
        Result("maybe", 1, "no")


def test_accounts_without_a_usable_password_are_never_overdue(account, settings,
                                                               django_user_model):
    settings.VAULTDOOR_PASSWORD_PROFILE = "pci-dss-4"
    row = account("passkey-only")
    _aged(row, 400)
    django_user_model.objects.filter(pk=row.user_id).update(password="!unusable")
    result = StrongPasswords().evaluate()
    assert (result.status, result.score) == (PASS, 100)
    assert "no active account has a password yet" in result.summary
