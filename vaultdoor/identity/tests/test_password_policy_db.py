"""The profile wired into Django: validators, history of the last 4, expiry, Argon2id."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from vaultdoor.identity import clock
from vaultdoor.identity.passwords.hashers import OWASP_MINIMUM
from vaultdoor.identity.services.accounts import account_for
from vaultdoor.identity.services.passwords import (
    check_password_for,
    password_expires_at,
    password_needs_change,
)

pytestmark = pytest.mark.django_db


def _user(username="mjones", **extra):
    return get_user_model().objects.create_user(username, first_name="Mary", last_name="Jones",
                                                **extra)


def _change(user, password):
    validate_password(password, user)
    user.set_password(password)
    user.save()


def test_django_validators_apply_the_profile():
    user = _user()
    with pytest.raises(ValidationError) as info:
        validate_password("password123456", user)
    assert "blocklisted" in {e.code for e in info.value.error_list}
    with pytest.raises(ValidationError) as info:
        validate_password("mary-jones-wharf-93", user)
    assert "personal_name" in {e.code for e in info.value.error_list}
    validate_password("blue-heron-quarry-71", user)
    assert "12 characters" in " ".join(password_validators_help_texts())


def test_last_four_passwords_are_refused_then_the_fifth_is_allowed_again():
    user = _user()
    passwords = [f"blue-heron-quarry-{n}{n}x" for n in range(1, 6)]
    for password in passwords:
        _change(user, password)
    # the last four (2..5) are refused, the first (five changes ago) is allowed again
    for password in passwords[1:]:
        report = check_password_for(user, password)
        assert [p.code for p in report.problems] == ["reused"], password
    assert check_password_for(user, passwords[0]).acceptable


def test_long_password_hashed_whole_with_argon2id_at_owasp_minimum_or_more():
    user = _user()
    password = ("quay-heron-" * 10) + "A1"
    _change(user, password)
    user.refresh_from_db()
    hasher = identify_hasher(user.password)
    assert user.password.startswith("argon2$argon2id$")
    params = hasher.decode(user.password)
    assert params["memory_cost"] >= OWASP_MINIMUM["memory_cost"]
    assert params["time_cost"] >= OWASP_MINIMUM["time_cost"]
    assert params["parallelism"] >= OWASP_MINIMUM["parallelism"]
    assert user.check_password(password)
    assert not user.check_password(password[:-1] + "B")  # the 112th character counts
    assert not user.check_password(password[:64])


def test_pci_expiry_after_90_days_only_without_second_factor(settings):
    settings.VAULTDOOR_PASSWORD_PROFILE = "pci-dss-4"
    fake = clock.FakeClock()
    with clock.use_clock(fake):
        user = _user()
        _change(user, "blue-heron-quarry-71")
        assert password_expires_at(user) == fake.current + clock.dt.timedelta(days=90)
        fake.advance(days=89)
        assert password_needs_change(user) == ""
        fake.advance(days=2)
        assert "older than the policy" in password_needs_change(user)
        assert account_for(user).must_change_password  # the next sign-in asks for a new one
        account = account_for(user)
        account.must_change_password = False
        account.save()
        settings.VAULTDOOR_PASSWORD_PROFILE = "nist-800-63b"
        assert password_needs_change(user) == ""


def test_blocklisted_password_at_login_is_evidence_of_compromise():
    user = _user()
    assert "breached" in password_needs_change(user, "monkey123")
    assert account_for(user).must_change_password
    _change(user, "blue-heron-quarry-71")
    assert not account_for(user).must_change_password
