"""The sign-in flow: password, forced TOTP enrolment, second factor, recovery codes, the lock
notice, audit events, and a new session key at each step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity.constants import SESSION_RECOVERY_CODES
from vaultdoor.identity.models import TotpDevice

from .conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/auth/login/"


def _password(client, username="mjones", password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_first_login_is_forced_through_totp_enrolment(client, make_user, fake_clock):
    make_user()
    client.get(LOGIN)
    before = client.session.session_key
    response = _password(client, next="/floors/")
    assert response.status_code == 302 and response["Location"] == reverse("identity:enrol")
    assert client.session.session_key != before  # fixation: a new key after the password
    # not signed in yet: console pages still need a login
    assert client.get("/").status_code == 302
    page = client.get(reverse("identity:enrol"))
    assert page.status_code == 200
    secret = page.context["secret"]
    assert 'id="totp-secret"' in page.content.decode()
    assert page.context["qr"].startswith("data:image/svg+xml;base64,")
    # a wrong code keeps the same key on the page
    again = client.post(reverse("identity:enrol"), {"code": "000000"})
    assert again.context["secret"] == secret and "did not match" in again.content.decode()
    refused = AuditEvent.objects.get(action="auth.second_factor_failed")
    assert refused.actor == "mjones" and refused.context["stage"] == "enrolment"
    response = client.post(reverse("identity:enrol"), {"code": totp_code(secret, fake_clock())})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:recovery_codes"))
    assert "next=/floors/" in response["Location"]
    codes = client.session[SESSION_RECOVERY_CODES]
    assert len(codes) == 10
    shown = client.get(response["Location"])
    assert all(code in shown.content.decode() for code in codes)
    assert SESSION_RECOVERY_CODES not in client.session  # shown once
    assert TotpDevice.objects.get().confirmed
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-4:] == ["auth.second_factor_added", "auth.recovery_codes_issued",
                            "auth.login", "auth.second_factor_verified"]
    assert client.get("/auth/account/").status_code == 200


def test_login_with_password_and_totp(client, enrolled_user, fake_clock):
    _, secret = enrolled_user
    response = _password(client)
    assert response["Location"] == reverse("identity:verify")
    assert client.get("/auth/account/").status_code == 302  # half signed in is not signed in
    response = client.post(reverse("identity:verify"), {"code": totp_code(secret, fake_clock())})
    assert response.status_code == 302 and response["Location"] == reverse("console:dashboard")
    assert AuditEvent.objects.filter(action="auth.login").last().actor == "mjones"
    verified = AuditEvent.objects.filter(action="auth.second_factor_verified").last()
    assert verified.actor == "mjones" and verified.context["method"] == "totp"
    # logout, then the same code again is a replay
    client.post(reverse("identity:logout"))
    _password(client)
    response = client.post(reverse("identity:verify"), {"code": totp_code(secret, fake_clock())})
    assert response.status_code == 200 and "not accepted" in response.content.decode()


def test_recovery_code_signs_in_once(client, enrolled_user, fake_clock):
    from vaultdoor.identity.services import recovery
    from vaultdoor.identity.services.accounts import account_for

    user, _ = enrolled_user
    codes = recovery.new_recovery_codes(account_for(user))
    _password(client)
    response = client.post(reverse("identity:verify"), {"code": codes[0]})
    assert response["Location"] == reverse("console:dashboard")
    client.post(reverse("identity:logout"))
    _password(client)
    response = client.post(reverse("identity:verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="auth.recovery_code_used").count() == 1


def test_pending_login_expires(client, enrolled_user, fake_clock):
    _, secret = enrolled_user
    _password(client)
    fake_clock.advance(minutes=6)
    response = client.post(reverse("identity:verify"), {"code": totp_code(secret, fake_clock())})
    assert response["Location"] == reverse("identity:login")


def test_second_factor_can_be_made_optional_per_account(client, make_user, fake_clock):
    from vaultdoor.identity.services.accounts import account_for

    user = make_user()
    account = account_for(user)
    account.second_factor_required = False
    account.save()
    response = _password(client)
    assert response["Location"] == reverse("console:dashboard")


def test_blocklisted_password_forces_a_change_after_login(client, make_user, fake_clock):
    from vaultdoor.identity.services.accounts import account_for

    user = make_user(password="monkey123")
    account = account_for(user)
    account.second_factor_required = False
    account.save()
    response = _password(client, password="monkey123")
    assert response["Location"] == reverse("identity:password_change")
    assert client.get("/floors/")["Location"] == reverse("identity:password_change")
    page = client.get(reverse("identity:password_change"))
    assert "breached" in page.content.decode()
    response = client.post(reverse("identity:password_change"), {
        "current_password": "monkey123", "new_password": "grey-quay-heron-58",
        "confirm_password": "grey-quay-heron-58"})
    assert response.status_code == 302
    assert client.get("/auth/account/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.password_changed").exists()


def test_admin_login_page_goes_through_the_identity_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/?next=")
