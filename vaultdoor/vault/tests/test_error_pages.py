"""No plaintext on an error page: a crash after a value was decrypted, with DEBUG on (the
technical 500 page lists every frame's local variables), shows none of the customer's data."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT

from .conftest import CANARY

pytestmark = pytest.mark.django_db
REASON = "customer asked about a payment"
NEEDLES = ["Zebedee", "Canarywhistle", "4929123456789015", "zebedee.canary-7f3a",
           "canarynote-91c", "Canaryquill", "7911123456", "88442211", "1971-04-03"]


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[SESSION_SECOND_FACTOR_AT] = time.time()
    session.save()
    return client


def _leaks(text: str) -> list[str]:
    return [n for n in NEEDLES if n.lower() in text.lower()]


def _boom(*args, **kwargs):
    raise RuntimeError("simulated failure after decryption")


def test_console_reveal_crash_shows_no_plaintext(make_user, queue, customer, settings,
                                                 monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("vaultdoor.vault.views.render", _boom)
    client = _client(make_user("agent", queues=[queue]))
    response = client.post(f"/vault/customers/{customer.pk}/reveal/",
                           {"field": "account_number", "reason": REASON})
    assert response.status_code == 500
    page = response.content.decode()
    assert "simulated failure after decryption" in page  # the technical page, with frames
    assert "Local vars" in page or "local vars" in page.lower()
    assert _leaks(page) == [], CANARY


@pytest.mark.parametrize("action", ["reveal", "export"])
def test_api_crash_shows_no_plaintext(make_user, queue, customer, settings, monkeypatch,
                                      action):
    settings.DEBUG = True
    from vaultdoor.vault.api import views

    real = views.Response

    def failing(data=None, *args, **kwargs):
        if isinstance(data, dict) and ("value" in data or "fields" in data):
            raise RuntimeError("simulated failure after decryption")
        return real(data, *args, **kwargs)

    monkeypatch.setattr(views, "Response", failing)
    client = _client(make_user("supervisor", supervises=[queue]))
    response = client.post(f"/api/v1/customers/{customer.pk}/{action}",
                           {"field": "notes", "reason": REASON},
                           content_type="application/json")
    assert response.status_code == 500
    page = response.content.decode()
    assert "simulated failure after decryption" in page
    assert _leaks(page) == []
