"""Resetting every second factor of an account: the identity service (audited), the console's
"Reset second factors" for administrators (permission, typed confirmation, step-up), and the
next sign-in leading through enrolment."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity import clock
from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT
from vaultdoor.identity.models import AccountSession, WebAuthnCredential
from vaultdoor.identity.services import enrolment, recovery
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.identity.services.factors import reset_second_factors

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("identity:login")


@pytest.fixture
def holder(enrolled_user, fake_clock):
    """mjones with a TOTP app, a passkey, ten recovery codes and a signed-in session."""
    user, _secret = enrolled_user
    account = account_for(user)
    WebAuthnCredential.objects.create(account=account, credential_id="cred-1", public_key="pk",
                                      created=fake_clock())
    recovery.new_recovery_codes(account)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.create()
    AccountSession.objects.create(account=account, session_key=store.session_key,
                                  created=fake_clock())
    return account, store.session_key


def _reset_url(account) -> str:
    return reverse("console:accounts:reset_factors", args=[account.pk])


def _factors(account) -> tuple[int, int, int]:
    return (account.totp_devices.count(), account.webauthn_credentials.count(),
            account.recovery_codes.count())


def test_service_removes_every_factor_in_one_audited_event(holder):
    account, _ = holder
    assert _factors(account) == (1, 1, 10)
    counts = reset_second_factors(account, actor="it-desk", reason="phone lost")
    assert counts == {"authenticators": 1, "passkeys": 1, "recovery_entries": 10}
    assert _factors(account) == (0, 0, 0)
    event = AuditEvent.objects.get(action="auth.second_factors_reset")
    assert event.actor == "it-desk"
    assert (event.target_type, event.target_id) == ("identity.account", str(account.pk))
    assert event.context["authenticators"] == 1 and event.context["recovery_entries"] == 10
    assert event.context["reason"] == "phone lost"


def test_service_refuses_an_unlisted_action_and_changes_nothing(holder):
    account, _ = holder
    with pytest.raises(ValueError, match=r"auth\.second_factors_reset"):
        reset_second_factors(account, actor="x", action="auth.login")
    assert _factors(account) == (1, 1, 10)


def test_after_a_reset_the_next_sign_in_leads_through_enrolment(client, holder):
    account, _ = holder
    reset_second_factors(account, actor="it-desk")
    response = client.post(LOGIN, {"username": "mjones", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("identity:enrol")


def test_console_reset_needs_step_up_then_removes_factors_and_ends_sessions(admin, holder):
    account, session_key = holder
    client = admin("it", stepped_up=False)
    page = client.get(_reset_url(account))
    assert page.status_code == 200 and "asks for your second factor" in page.content.decode()
    form = {"reason": "phone stolen, called back", "confirm": "mjones"}
    response = client.post(_reset_url(account), form)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("identity:step_up"))
    assert _factors(account) == (1, 1, 10)  # nothing happened without the step-up

    session = client.session
    session[SESSION_SECOND_FACTOR_AT] = clock.now().timestamp()
    session.save()
    response = client.post(_reset_url(account), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("console:accounts:account", args=[account.pk])
    assert _factors(account) == (0, 0, 0)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    assert not store.exists(session_key)
    event = AuditEvent.objects.get(action="auth.second_factors_reset")
    assert event.actor == "admin-it"
    assert event.context["sessions_ended"] == 1 and event.context["sign_in_reset"] is False
    assert event.context["reason"] == "phone stolen, called back"
    detail = client.get(response["Location"]).content.decode()
    assert "the next sign-in leads through enrolment" in detail


def test_console_reset_needs_the_typed_user_id(admin, holder):
    account, _ = holder
    response = admin("it").post(_reset_url(account), {"reason": "phone lost", "confirm": "mj"})
    assert response.status_code == 400 and "type mjones to confirm" in response.content.decode()
    assert _factors(account) == (1, 1, 10)
    assert not AuditEvent.objects.filter(action="auth.second_factors_reset").exists()


def test_console_reset_can_disable_the_password_and_show_a_link_once(admin, holder):
    account, _ = holder
    response = admin("security_admin").post(_reset_url(account), {
        "reason": "phone and password phished", "confirm": "mjones", "new_password": "on"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    link = text.split('<code id="enrolment-link">')[1].split("</code>")[0]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert enrolment.find_link(token).account == account
    account.user.refresh_from_db()
    assert not account.user.has_usable_password()
    event = AuditEvent.objects.get(action="auth.second_factors_reset")
    assert event.context["sign_in_reset"] is True
    assert token not in str(event.context)


@pytest.mark.parametrize("role", ["auditor", "supervisor", "hr_vetting", "facilities", "agent"])
def test_roles_without_change_account_cannot_reset(admin, holder, role):
    account, _ = holder
    client = admin(role)
    assert client.get(_reset_url(account)).status_code == 403
    response = client.post(_reset_url(account), {"reason": "phone lost", "confirm": "mjones"})
    assert response.status_code == 403
    assert _factors(account) == (1, 1, 10)


def test_only_a_superuser_resets_a_superuser(admin, django_user_model, fake_clock):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    root_account = account_for(root)
    recovery.new_recovery_codes(root_account)
    client = admin("security_admin")
    assert client.get(_reset_url(root_account)).status_code == 404
    response = client.post(_reset_url(root_account), {"reason": "phone lost", "confirm": "root"})
    assert response.status_code == 404
    assert root_account.recovery_codes.count() == 10


def test_account_pages_list_and_show_factors(admin, holder):
    account, _ = holder
    client = admin("auditor")
    listing = client.get(reverse("console:accounts:list"))
    assert listing.status_code == 200 and "mjones" in listing.content.decode()
    detail = client.get(reverse("console:accounts:account", args=[account.pk])).content.decode()
    assert "Authenticator app" in detail and "10 unused recovery codes" in detail
    assert "Reset second factors" not in detail  # the auditor may look, not reset


def test_cli_reset_factors(holder):
    import json

    from click.testing import CliRunner

    from vaultdoor.cli import main

    account, _ = holder
    bad = CliRunner().invoke(main, ["user", "reset-factors", "mjones", "--reason", " "])
    assert bad.exit_code == 2 and "--reason" in bad.output
    assert CliRunner().invoke(main, ["user", "reset-factors", "nobody", "--reason",
                                     "phone lost"]).exit_code == 2
    assert _factors(account) == (1, 1, 10)
    done = CliRunner().invoke(main, ["user", "reset-factors", "mjones", "--reason",
                                     "phone lost, called back"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output) == {"username": "mjones", "authenticators": 1,
                                       "passkeys": 1, "recovery_entries": 10,
                                       "sessions_ended": 1}
    assert _factors(account) == (0, 0, 0)
    assert AuditEvent.objects.get(action="auth.second_factors_reset").actor == "cli"


def test_portal_removal_of_one_factor_needs_step_up_and_is_audited(client, holder, fake_clock):
    account, _ = holder
    device = account.totp_devices.get()
    client.force_login(account.user)
    url = reverse("identity:remove_factor", args=["totp", device.pk])
    assert client.post(url)["Location"].startswith(reverse("identity:step_up"))
    assert account.totp_devices.exists()
    session = client.session
    session[SESSION_SECOND_FACTOR_AT] = clock.now().timestamp()
    session.save()
    assert client.post(url)["Location"] == reverse("identity:portal")
    assert not account.totp_devices.exists() and account.webauthn_credentials.exists()
    event = AuditEvent.objects.get(action="auth.second_factor_removed")
    assert event.actor == "mjones" and event.context["kind"] == "totp"


def test_person_page_links_the_console_account(admin, holder, db):
    from vaultdoor.people.models import Person
    from vaultdoor.testing.seed import seed_example_site

    seed_example_site()
    account, _ = holder
    person = Person.objects.order_by("pk").first()
    account.person = person
    account.save(update_fields=["person"])
    client = admin("security_admin")
    page = client.get(reverse("console:person", args=[person.pk])).content.decode()
    assert reverse("console:accounts:account", args=[account.pk]) in page
    other = Person.objects.exclude(pk=person.pk).order_by("pk").first()
    elsewhere = client.get(reverse("console:person", args=[other.pk])).content.decode()
    after = elsewhere.split("Console account")[1][:300]
    # no account to link to; a security admin is offered to create one
    assert "/accounts/" not in after.replace(reverse("console:accounts:new"), "")
    assert f'{reverse("console:accounts:new")}?person={other.pk}' in after


def test_nobody_resets_an_account_that_may_do_more_than_they_may(admin, django_user_model,
                                                                  fake_clock):
    boss = django_user_model.objects.create_user("boss", password=PASSWORD)
    boss_account = account_for(boss)
    assign_role(boss_account, "security_admin")
    recovery.new_recovery_codes(boss_account)
    client = admin("it")
    assert client.get(_reset_url(boss_account)).status_code == 403
    response = client.post(_reset_url(boss_account), {
        "reason": "phone lost", "confirm": "boss", "new_password": "on"})
    assert response.status_code == 403
    assert boss_account.recovery_codes.count() == 10
    boss.refresh_from_db()
    assert boss.check_password(PASSWORD)  # untouched: no link issued, password still works
    assert AuditEvent.objects.filter(action="auth.permission_denied",
                                     target_id=str(boss_account.pk)).exists()
    page = client.get(reverse("console:accounts:account", args=[boss_account.pk]))
    assert "Reset second factors" not in page.content.decode()
    client.logout()
    # a security admin may (the other account's permissions are all theirs too)
    response = admin("security_admin").post(_reset_url(boss_account), {
        "reason": "phone lost", "confirm": "boss"})
    assert response.status_code == 302 and boss_account.recovery_codes.count() == 0
