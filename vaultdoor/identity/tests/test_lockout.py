"""Lockout and throttling on a controlled clock: 10 failures lock a user id for 30 minutes,
password and second-factor failures apart; an address is slowed, never locked (the NAT case);
unknown user, wrong password and locked account look the same."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity.choices import FailureKind
from vaultdoor.identity.passwords.hashers import VaultdoorArgon2PasswordHasher
from vaultdoor.identity.services import lockout
from vaultdoor.identity.services.accounts import account_for

from .conftest import PASSWORD, form_html, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/auth/login/"


def _attempt(client, username="mjones", password="not-the-password-1", address="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_ten_failures_lock_for_thirty_minutes(client, make_user, fake_clock):
    user = make_user()
    for _ in range(9):
        _attempt(client)
    assert lockout.locked_until("mjones", FailureKind.PASSWORD) is None
    _attempt(client)
    until = lockout.locked_until("mjones", FailureKind.PASSWORD)
    assert until == fake_clock() + lockout.LOCKOUT_DURATION
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1
    # the right password does not get in while locked, and says nothing different
    response = _attempt(client, password=PASSWORD)
    assert response.status_code == 200 and "did not match" in response.content.decode()
    fake_clock.advance(minutes=29)
    assert _attempt(client, password=PASSWORD).status_code == 200
    fake_clock.advance(minutes=1, seconds=1)
    response = _attempt(client, password=PASSWORD)
    assert response.status_code == 302
    # back in: the portal tells the person, once
    account_for(user).refresh_from_db()
    assert account_for(user).locked_notice_at is not None


def test_failures_outside_the_window_do_not_add_up(client, make_user, fake_clock):
    make_user()
    for _ in range(9):
        _attempt(client)
    fake_clock.advance(minutes=31)
    for _ in range(9):
        _attempt(client)
    assert lockout.locked_until("mjones", FailureKind.PASSWORD) is None


def test_unknown_user_is_counted_and_locked_like_a_real_one(client, fake_clock):
    for _ in range(10):
        _attempt(client, username="nobody")
    assert lockout.locked_until("nobody", FailureKind.PASSWORD) is not None


def test_identical_responses_and_work_for_unknown_wrong_and_locked(client, make_user,
                                                                    fake_clock):
    make_user()
    make_user("locked-user")
    for _ in range(10):
        _attempt(client, username="locked-user", address="203.0.113.9")
    calls = []
    real_verify, real_encode = (VaultdoorArgon2PasswordHasher.verify,
                                VaultdoorArgon2PasswordHasher.encode)

    def counting(name, real):
        def wrapper(self, *args, **kwargs):
            calls.append(name)
            return real(self, *args, **kwargs)
        return wrapper

    pages = {}
    with mock.patch.object(VaultdoorArgon2PasswordHasher, "verify",
                           counting("verify", real_verify)), \
         mock.patch.object(VaultdoorArgon2PasswordHasher, "encode",
                           counting("encode", real_encode)):
        for case, (username, password) in {
            "unknown": ("nobody-here", "not-the-password-1"),
            "wrong": ("mjones", "not-the-password-1"),
            "locked": ("locked-user", PASSWORD),
        }.items():
            calls.clear()
            response = _attempt(client, username=username, password=password)
            pages[case] = (response.status_code,
                           form_html(response).replace(username, "USER"))
            assert len(calls) == 1, (case, calls)  # one Argon2id computation each
    assert pages["unknown"] == pages["wrong"] == pages["locked"]


def test_nat_floor_is_slowed_never_locked(client, make_user, fake_clock):
    # 300 agents behind one address; someone there mistypes a lot, or guesses.
    make_user("agent-ok")
    address = "192.0.2.50"
    statuses = [_attempt(client, username=f"agent{n}", address=address).status_code
                for n in range(lockout.ADDRESS_BURST + 5)]
    assert statuses[:lockout.ADDRESS_BURST] == [200] * lockout.ADDRESS_BURST
    assert set(statuses[lockout.ADDRESS_BURST:]) == {429}
    response = _attempt(client, username="agent-ok", password=PASSWORD, address=address)
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 5  # seconds, not minutes
    assert AuditEvent.objects.filter(action="auth.throttled").exists()
    # no user id was locked, and after the short wait the real agent signs in
    assert lockout.locked_until("agent-ok", FailureKind.PASSWORD) is None
    fake_clock.advance(seconds=wait)
    response = _attempt(client, username="agent-ok", password=PASSWORD, address=address)
    assert response.status_code == 302
    # another address was never affected
    assert _attempt(client, username="x", address="192.0.2.51").status_code == 200


def test_second_factor_failures_count_separately(client, enrolled_user, fake_clock):
    _, secret = enrolled_user
    for _ in range(9):
        _attempt(client)  # nine wrong passwords: not locked
    response = _attempt(client, password=PASSWORD)
    assert response["Location"] == reverse("identity:verify")
    assert lockout.locked_until("mjones", FailureKind.PASSWORD) is None
    for _ in range(10):
        client.post(reverse("identity:verify"), {"code": "000000"})
    assert lockout.locked_until("mjones", FailureKind.SECOND_FACTOR) is not None
    assert lockout.locked_until("mjones", FailureKind.PASSWORD) is None
    response = client.post(reverse("identity:verify"),
                           {"code": totp_code(secret, fake_clock())})
    assert response.status_code == 200 and "locked" in response.content.decode()
    fake_clock.advance(minutes=31)
    _attempt(client, password=PASSWORD)
    response = client.post(reverse("identity:verify"),
                           {"code": totp_code(secret, fake_clock())})
    assert response["Location"] == reverse("identity:portal")  # the lock notice first
    page = client.get(reverse("identity:portal"))
    assert 'id="lock-notice"' in page.content.decode()
    assert 'id="lock-notice"' not in client.get(reverse("identity:portal")).content.decode()


def test_locked_person_is_told_in_the_portal_once_back_in(client, enrolled_user, fake_clock):
    _user, secret = enrolled_user
    for _ in range(10):
        _attempt(client)
    assert lockout.locked_until("mjones", FailureKind.PASSWORD)
    fake_clock.advance(minutes=31)
    assert _attempt(client, password=PASSWORD).status_code == 302
    response = client.post(reverse("identity:verify"), {"code": totp_code(secret, fake_clock())})
    assert response.status_code == 302
    portal = reverse("identity:portal")
    first = client.get(portal).content.decode()
    assert 'id="lock-notice"' in first and "Your account was locked" in first
    assert 'id="lock-notice"' not in client.get(portal).content.decode()  # told once
