"""The console's compliance page: who may read it, what it shows, and what it costs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role

pytestmark = pytest.mark.django_db

URL = "/compliance/"


@pytest.fixture
def signed_in(client, django_user_model):
    sync_roles()

    def as_role(role: str):
        user = django_user_model.objects.create_user(f"u-{role}")
        assign_role(account_for(user), role)
        client.force_login(user)
        return client

    return as_role


def _populate(centre, people: int) -> None:
    vault = centre.zone("vault", security="high", requires_vetting=True)
    centre.door("D-VAULT", vault, mode="card_and_pin")
    centre.zone("lockers", phones="allowed")
    level = centre.level("vault", vault)
    for n in range(people):
        centre.person(f"P{n}", level, vetting_status="cleared")


@pytest.mark.parametrize("role", ["security_admin", "auditor"])
def test_the_security_admin_and_the_auditor_read_every_control(signed_in, centre, role):
    _populate(centre, 2)
    response = signed_in(role).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for control in ("vault-door", "swipe-cards", "two-factor", "strong-passwords",
                    "background-checks", "unknown-links", "phone-areas", "endpoint-protection",
                    "tamper-evident-log"):
        assert f'id="control-{control}"' in page
    assert 'class="score-fill score-ok" x="0" y="0" width="100"' in page  # the vault door
    assert "Not measured" in page and 'href="/zones/"' in page
    assert 'style=' not in page.split('<main', 1)[1]  # strict CSP: no inline styles
    assert 'href="/compliance/" aria-current="page"' in page  # in the sidebar


def test_evidence_links_only_to_pages_the_reader_may_open(signed_in, centre):
    _populate(centre, 1)
    page = signed_in("auditor").get(URL).content.decode()
    assert 'href="/mail/campaigns/"' in page  # the auditor reads campaign results
    assert 'href="/mail/quarantine/"' not in page  # but not quarantined mail
    assert "Messages quarantined, last 30 days" in page


@pytest.mark.parametrize("role", ["agent", "supervisor", "facilities", "it", "hr_vetting"])
def test_other_roles_are_refused(signed_in, role):
    assert signed_in(role).get(URL).status_code == 403


def test_anonymous_goes_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/auth/")


def test_the_page_costs_the_same_queries_for_more_people(signed_in, centre):
    client = signed_in("auditor")
    _populate(centre, 3)
    client.get(URL)  # warm caches (permissions, the signing key)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for n in range(3, 40):
        centre.person(f"P{n}", vetting_status="pending")
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few) <= 40, len(few)
