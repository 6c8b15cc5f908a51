"""Console pages of the vault: search, masked view, reveal with step-up and reason, erasure
with confirmation, restoring a suspended right; other roles refused."""

from __future__ import annotations

import json
import time

import pytest

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT
from vaultdoor.vault.models import Customer, RevealSuspension

pytestmark = pytest.mark.django_db
REASON = "caller asked to confirm the card"


def _login(client, user, *, stepped_up=True):
    client.force_login(user)
    if stepped_up:
        session = client.session
        session[SESSION_SECOND_FACTOR_AT] = time.time()
        session.save()


def test_search_and_masked_view(client, make_user, queue, customer):
    _login(client, make_user("agent", queues=[queue]))
    page = client.post("/vault/", {"kind": "phone", "q": "07911 123456"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Z••• C•••" in text and "••••9015" in text and "Zebedee" not in text
    assert "No customer in your queues matches" in client.post(
        "/vault/", {"kind": "email", "q": "nobody@example.org"}).content.decode()
    # a search term in the address is not taken (it would be in the access log)
    assert "No customer in your queues matches" not in client.get(
        "/vault/", {"kind": "email", "q": "nobody@example.org"}).content.decode()
    detail = client.get(f"/vault/customers/{customer.pk}/").content.decode()
    assert "reveal-card_number" not in detail and "4929" not in detail  # agents: last 4 only
    assert "reveal-account_number" in detail


def test_reveal_needs_step_up_then_reason(client, make_user, queue, customer):
    agent = make_user("agent", queues=[queue])
    _login(client, agent, stepped_up=False)
    assert client.get(f"/vault/customers/{customer.pk}/reveal/?field=card_number"
                      ).status_code in (302, 403)
    url = f"/vault/customers/{customer.pk}/reveal/?field=account_number"
    answer = client.get(url)
    assert answer.status_code == 302 and answer["Location"].startswith("/auth/step-up/")
    _login(client, agent)
    assert client.get(url).status_code == 200
    assert client.get(f"/vault/customers/{customer.pk}/reveal/?field=card_number"
                      ).status_code == 403
    refused = client.post(url, {"field": "account_number", "reason": "short"})
    assert refused.status_code == 403 and b'data-code="reason_required"' in refused.content
    shown = client.post(url, {"field": "account_number", "reason": REASON})
    assert shown.status_code == 200 and b"88442211" in shown.content
    assert shown["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="vault.reveal", target_id=str(customer.pk)).exists()


def test_erasure_with_confirmation(client, make_user, queue, customer):
    _login(client, make_user("supervisor", supervises=[queue]))
    url = f"/vault/customers/{customer.pk}/erase/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "erasure 12", "confirm": "yes"}).status_code == 400
    assert not Customer.objects.get(pk=customer.pk).erased
    assert client.post(url, {"reason": "erasure 12", "confirm": "ERASE"}).status_code == 302
    assert Customer.objects.get(pk=customer.pk).erased
    assert b'id="erased"' in client.get(f"/vault/customers/{customer.pk}/").content


def test_restore_suspended_right(client, make_user, queue):
    agent = make_user("agent", queues=[queue])
    RevealSuspension.objects.create(user=agent, created="2026-01-01T00:00Z", reason="burst")
    _login(client, make_user("supervisor", supervises=[queue]))
    assert agent.username.encode() in client.get("/vault/suspensions/").content
    assert client.post("/vault/suspensions/", {"user": agent.pk,
                                               "reason": "spoke to the agent"}).status_code == 302
    assert not RevealSuspension.objects.filter(lifted_at__isnull=True).exists()


@pytest.mark.parametrize("role", ["facilities", "it", "hr_vetting"])
def test_other_roles_refused(client, make_user, queue, customer, role):
    _login(client, make_user(role))
    assert client.get("/vault/").status_code == 403
    assert client.get(f"/vault/customers/{customer.pk}/").status_code == 403


def test_out_of_queue_is_404_and_anonymous_goes_to_login(client, make_user, other_queue,
                                                         customer):
    assert client.get("/vault/").status_code == 302
    _login(client, make_user("agent", queues=[other_queue]))
    assert client.get(f"/vault/customers/{customer.pk}/").status_code == 404
    assert client.get(f"/vault/customers/{customer.pk}/reveal/?field=name").status_code == 404


def test_sidebar_links_the_vault_for_vault_roles_only(client, make_user, queue):
    _login(client, make_user("agent", queues=[queue]))
    assert b'href="/vault/"' in client.get("/vault/").content
    _login(client, make_user("facilities"))
    page = client.get("/floors/")
    assert page.status_code == 200 and b'href="/vault/"' not in page.content


def test_reveal_alarms_page_scoped_to_the_team_with_acknowledge(client, make_user, queue,
                                                                other_queue):
    from vaultdoor.vault.models import VaultAlert

    mine = make_user("agent", queues=[queue])
    theirs = make_user("agent", queues=[other_queue])
    for agent in (mine, theirs):
        RevealSuspension.objects.create(user=agent, created="2026-01-01T00:00Z",
                                        reason="burst")
        VaultAlert.objects.create(kind="bulk_reveal", user=agent, created="2026-01-01T00:00Z",
                                  detail=f"{agent.username} revealed too much")
    supervisor = make_user("supervisor", supervises=[queue])
    _login(client, supervisor)
    page = client.get("/vault/suspensions/").content.decode()
    assert f"{mine.username} revealed too much" in page and 'id="nav-reveal-alarms"' in page
    assert theirs.username not in page  # another team's agent
    foreign = VaultAlert.objects.get(user=theirs)
    assert client.post("/vault/suspensions/", {"alert": foreign.pk}).status_code == 403
    own = VaultAlert.objects.get(user=mine)
    assert client.post("/vault/suspensions/", {"alert": own.pk}).status_code == 302
    own.refresh_from_db()
    assert own.acknowledged_at is not None and VaultAlert.objects.get(
        user=theirs).acknowledged_at is None
    [event] = AuditEvent.objects.filter(action="vault.alert_acknowledged")
    assert event.actor == supervisor.username
    assert "revealed too much" not in client.get("/vault/suspensions/").content.decode()
    assert client.post("/vault/suspensions/", {"alert": "x"}).status_code == 404
    assert client.post("/vault/suspensions/", {"user": "x", "reason": "r"}).status_code == 404
    # a security admin handles everyone
    _login(client, make_user("security_admin"))
    assert theirs.username in client.get("/vault/suspensions/").content.decode()
    # agents have no such page and no link to it
    _login(client, mine)
    assert client.get("/vault/suspensions/").status_code == 403
    assert 'id="nav-reveal-alarms"' not in client.get("/vault/").content.decode()


def test_subject_access_export_download(client, make_user, queue, customer):
    supervisor = make_user("supervisor", supervises=[queue])
    url = f"/vault/customers/{customer.pk}/export/"
    _login(client, supervisor, stepped_up=False)
    assert client.get(url)["Location"].startswith("/auth/step-up/")
    _login(client, supervisor)
    assert b'id="export-link"' in client.get(f"/vault/customers/{customer.pk}/").content
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": "short"})
    assert refused.status_code == 403 and b'data-code="reason_required"' in refused.content
    answer = client.post(url, {"reason": "subject access request 88"})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert answer["Content-Disposition"] == (
        f'attachment; filename="subject-access-{customer.pk}.json"')
    body = json.loads(answer.content)
    assert body["fields"]["name"] == "Zebedee Canarywhistle"
    assert body["fields"]["phones"] == ["+447911123456", "+442079460813"]
    assert AuditEvent.objects.filter(action="vault.export", target_id=str(customer.pk)).exists()
    # agents have no export
    agent = make_user("agent", queues=[queue])
    _login(client, agent)
    assert b'id="export-link"' not in client.get(f"/vault/customers/{customer.pk}/").content
    assert client.get(url).status_code == 403
