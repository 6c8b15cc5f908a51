"""Fixtures for identity tests: a controlled clock, users with passwords and TOTP."""

from __future__ import annotations

import re

import pyotp
import pytest

from vaultdoor.identity import clock
from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT
from vaultdoor.identity.services import totp
from vaultdoor.identity.services.accounts import account_for, assign_role

PASSWORD = "blue-heron-quarry-71"


@pytest.fixture
def fake_clock():
    """A clock that moves only when told (`fake_clock.advance(minutes=31)`)."""
    fake = clock.FakeClock()
    with clock.use_clock(fake):
        yield fake


@pytest.fixture
def make_user(django_user_model):
    def make(username="mjones", password=PASSWORD, **extra):
        return django_user_model.objects.create_user(username, password=password, **extra)

    return make


def totp_code(secret: str, at) -> str:
    return pyotp.TOTP(secret).at(at)


@pytest.fixture
def enrolled_user(make_user, fake_clock):
    """A user with a confirmed TOTP device; returns (user, secret)."""
    user = make_user()
    device, secret = totp.start_enrolment(account_for(user))
    assert totp.confirm_device(device, totp_code(secret, fake_clock()))
    fake_clock.advance(seconds=30)  # the enrolment code's step is spent
    return user, secret


@pytest.fixture
def admin(client, django_user_model, fake_clock):
    """`admin("it")`: the test client signed in as a new user `admin-it` with that role,
    with a second factor just proven (the step-up) unless `stepped_up=False`."""
    from vaultdoor.identity.roles import sync_roles

    sync_roles()

    def as_role(role: str = "it", *, stepped_up: bool = True):
        user = django_user_model.objects.create_user(f"admin-{role}")
        assign_role(account_for(user), role)
        client.force_login(user)
        if stepped_up:
            step_up(client)
        return client

    return as_role


def step_up(client) -> None:
    """Mark the client's session as having proven a second factor now."""
    session = client.session
    session[SESSION_SECOND_FACTOR_AT] = clock.now().timestamp()
    session.save()


def form_html(response) -> str:
    """The page without its per-render CSRF token, for comparing responses."""
    text = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


from vaultdoor.testing.browser import browser_session, chromium  # noqa: E402,F401 - fixtures
