"""WebAuthn passkeys: registration and authentication ceremonies through the JSON endpoints,
with a software authenticator; wrong origin, replayed challenge and unknown keys refused."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity.models import WebAuthnCredential
from vaultdoor.identity.services.accounts import account_for

from .conftest import PASSWORD, totp_code
from .soft_authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db

REGISTER = "/auth/passkeys/register/"
AUTHENTICATE = "/auth/passkeys/authenticate/"


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _signed_in(client, secret, clock):
    client.post("/auth/login/", {"username": "mjones", "password": PASSWORD})
    client.post(reverse("identity:verify"), {"code": totp_code(secret, clock())})
    clock.advance(seconds=30)


def _register(client, key):
    options = _post(client, REGISTER, {"step": "options"}).json()
    assert options["rp"]["id"] == "testserver"
    return _post(client, REGISTER, {"name": "YubiKey", "credential": key.register(options)})


def test_register_then_sign_in_with_the_passkey(client, enrolled_user, fake_clock):
    user, secret = enrolled_user
    _signed_in(client, secret, fake_clock)
    key = SoftAuthenticator()
    response = _register(client, key)
    assert response.status_code == 200 and response.json()["ok"], response.content
    stored = WebAuthnCredential.objects.get()
    assert stored.name == "YubiKey" and stored.account == account_for(user)
    assert AuditEvent.objects.filter(action="auth.second_factor_added",
                                     context__kind="passkey").exists()
    client.post(reverse("identity:logout"))

    # password, then the passkey as the second factor
    client.post("/auth/login/", {"username": "mjones", "password": PASSWORD})
    page = client.get(reverse("identity:verify")).content.decode()
    assert 'data-passkey-mode="login"' in page and "webauthn.js" in page
    options = _post(client, AUTHENTICATE, {"step": "options"}).json()
    assert [c["id"] for c in options["allowCredentials"]] == [stored.credential_id]
    response = _post(client, AUTHENTICATE, {"credential": key.authenticate(options)})
    assert response.json() == {"ok": True, "redirect": reverse("console:dashboard")}
    assert client.get(reverse("identity:portal")).status_code == 200
    stored.refresh_from_db()
    assert stored.sign_count == 1


def test_wrong_origin_and_replayed_challenge_are_refused(client, enrolled_user, fake_clock):
    _, secret = enrolled_user
    _signed_in(client, secret, fake_clock)
    key = SoftAuthenticator()
    assert _register(client, key).json()["ok"]
    client.post(reverse("identity:logout"))
    client.post("/auth/login/", {"username": "mjones", "password": PASSWORD})

    options = _post(client, AUTHENTICATE, {"step": "options"}).json()
    forged = key.authenticate(options, origin="https://evil.example")
    response = _post(client, AUTHENTICATE, {"credential": forged})
    assert response.status_code == 400 and not response.json()["ok"]
    # the challenge was spent by that attempt: a correct answer to it is refused too
    response = _post(client, AUTHENTICATE, {"credential": key.authenticate(options)})
    assert response.status_code == 400
    assert client.get(reverse("identity:portal")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.second_factor_failed").exists()


def test_another_key_is_not_accepted(client, enrolled_user, fake_clock):
    _, secret = enrolled_user
    _signed_in(client, secret, fake_clock)
    assert _register(client, SoftAuthenticator()).json()["ok"]
    client.post(reverse("identity:logout"))
    client.post("/auth/login/", {"username": "mjones", "password": PASSWORD})
    options = _post(client, AUTHENTICATE, {"step": "options"}).json()
    stranger = SoftAuthenticator(credential_id=b"someone-elses-key")
    response = _post(client, AUTHENTICATE, {"credential": stranger.authenticate(options)})
    assert response.status_code == 400


def test_registration_needs_a_signed_in_user(client):
    assert _post(client, REGISTER, {"step": "options"}).status_code == 403
    assert _post(client, AUTHENTICATE, {"step": "options"}).status_code == 401


@pytest.mark.parametrize("credential", ["not json", "[1, 2]", ["a list"], 42, {"id": 7}])
def test_malformed_assertions_are_counted_failures_not_errors(client, enrolled_user,
                                                              fake_clock, credential):
    _, secret = enrolled_user
    _signed_in(client, secret, fake_clock)
    assert _register(client, SoftAuthenticator()).json()["ok"]
    client.post(reverse("identity:logout"))
    client.post("/auth/login/", {"username": "mjones", "password": PASSWORD})
    _post(client, AUTHENTICATE, {"step": "options"})
    response = _post(client, AUTHENTICATE, {"credential": credential})
    assert response.status_code == 400 and not response.json()["ok"]
    assert AuditEvent.objects.filter(action="auth.second_factor_failed").exists()


def test_a_failed_registration_is_audited(client, enrolled_user, fake_clock):
    _, secret = enrolled_user
    _signed_in(client, secret, fake_clock)
    _post(client, REGISTER, {"step": "options"})
    response = _post(client, REGISTER, {"name": "x", "credential": {"id": "forged"}})
    assert response.status_code == 400
    event = AuditEvent.objects.get(action="auth.second_factor_failed")
    assert event.context["stage"] == "passkey_registration"
    assert not WebAuthnCredential.objects.exists()
