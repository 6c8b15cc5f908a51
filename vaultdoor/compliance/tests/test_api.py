"""`GET /api/v1/compliance/report`: the page's scores as JSON, for the page's readers only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.identity.services.tokens import create_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/compliance/report"


@pytest.fixture
def account_with(django_user_model):
    sync_roles()

    def make(role: str):
        account = account_for(django_user_model.objects.create_user(f"api-{role}"))
        assign_role(account, role)
        return account

    return make


def test_the_report_as_json(client, centre, account_with):
    assert reverse("api:compliance-report") == URL
    vault = centre.zone("vault", security="high", requires_vetting=True)
    centre.door("D-VAULT", vault, mode="card")  # a card alone into a high zone
    client.force_login(account_with("auditor").user)
    body = client.get(URL).json()
    assert [c["id"] for c in body["controls"]][:2] == ["vault-door", "swipe-cards"]
    assert len(body["controls"]) == 9 and body["site"] is None
    vault_door = body["controls"][0]
    assert vault_door["status"] == "warn" and vault_door["scope"] == "site"
    assert all({"label", "value", "url"} <= set(e) for e in vault_door["evidence"])
    endpoints = next(c for c in body["controls"] if c["status"] == "not_measured")
    assert endpoints["score"] is None
    assert sum(body["counts"].values()) == 9


def test_site_filter_and_an_unknown_site(client, centre, account_with):
    client.force_login(account_with("security_admin").user)
    assert client.get(URL, {"site": centre.site.code}).json()["site"] == centre.site.code
    refused = client.get(URL, {"site": "nowhere"})
    assert refused.status_code == 400 and "nowhere" in refused.json()["site"][0]


def test_only_the_pages_readers_and_tokens_that_may_read(client, centre, account_with):
    for role in ("agent", "supervisor", "facilities", "it"):
        client.force_login(account_with(role).user)
        assert client.get(URL).status_code == 403, role
    client.logout()
    assert client.get(URL).status_code in (401, 403)
    auditor = account_with("auditor")
    for scopes, expected in ((["read"], 200), (["decide"], 403)):
        _, raw = create_token(auditor, f"probe-{scopes[0]}", scopes)
        client.logout()
        assert client.get(URL, HTTP_AUTHORIZATION=f"Token {raw}").status_code == expected
    assert client.post(URL, HTTP_AUTHORIZATION=f"Token {raw}").status_code in (403, 405)
