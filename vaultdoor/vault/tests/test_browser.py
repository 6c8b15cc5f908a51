"""In Debian's chromium (Playwright): an agent searches by phone number, sees masked data,
steps up with TOTP, reveals one field with a reason; the audit log shows the reveal."""

from __future__ import annotations

import pytest

from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.vault.services.records import create_customer

from .conftest import canary_data, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "heron-quarry-basalt-58"


def _user(django_user_model, username, role):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    account = account_for(user)
    assign_role(account, role)
    account.person = make_person(username)
    account.save(update_fields=["person"])
    return user


def _age_second_factor(page):
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT

    [cookie] = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    store = SessionStore(session_key=cookie["value"])
    store[SESSION_SECOND_FACTOR_AT] = float(store[SESSION_SECOND_FACTOR_AT]) - 16 * 60
    store.save()


def test_agent_reveals_one_field_with_step_up_and_reason(live_server, django_user_model,
                                                         browser_session, queue):
    sync_roles()
    agent = _user(django_user_model, "aagent", "agent")
    _user(django_user_model, "sadmin", "security_admin")
    queue.agents.add(agent)
    customer = create_customer(queue, canary_data(), actor="test")
    session = browser_session
    page = session.page

    # sign in (first sign-in enrols TOTP; the helper reads the key from the page)
    page.goto(f"{live_server.url}/vault/")
    session.login(live_server.url, "aagent", PASSWORD)
    assert page.url.rstrip("/").endswith("/vault")

    # search by phone number, typed the way a caller says it
    page.select_option("#id_kind", "phone")
    page.fill("#id_q", "07911 123456")
    page.click("#search")
    page.wait_for_load_state("networkidle")
    assert page.locator(".customer-row").count() == 1
    row_text = page.locator(".customer-row").inner_text()
    assert "Z••• C•••" in row_text and "••••9015" in row_text and "Zebedee" not in row_text
    page.click(".customer-row a")
    page.wait_for_load_state("networkidle")
    assert page.locator("code.masked[data-field=card_number]").inner_text() == "••••9015"
    assert "4929" not in page.content()

    # The sign-in's second factor would still count for 15 minutes: age it, as if the agent
    # had signed in at the start of the shift, so the reveal asks for a fresh one.
    _age_second_factor(page)

    # an agent has no way to the whole card number (last four digits only)
    assert page.locator("#reveal-card_number").count() == 0

    # reveal the account number: step up with TOTP first, then a reason
    page.click("#reveal-account_number")
    page.wait_for_load_state("networkidle")
    assert "/auth/step-up/" in page.url
    session.submit_totp("aagent")
    assert "/reveal/" in page.url and "field=account_number" in page.url
    page.fill("#id_reason", "caller confirming the account on file")
    page.click("#reveal-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator("#revealed-value").inner_text() == "88442211"
    page.screenshot(path="/tmp/vaultdoor-vault-reveal.png")
    assert session.csp_violations() == []
    assert session.errors() == []

    # the audit log shows the reveal: who, which field of which customer, why
    page.click("text=Sign out")
    page.wait_for_load_state("networkidle")
    session.login(live_server.url, "sadmin", PASSWORD)
    page.goto(f"{live_server.url}/audit/?action=vault.reveal")
    page.wait_for_load_state("networkidle")
    text = page.content()
    assert "vault.reveal" in text and "aagent" in text
    from vaultdoor.audit.models import AuditEvent

    seq = AuditEvent.objects.get(action="vault.reveal").seq
    assert page.locator(f"a[href$='/audit/{seq}/']").count() >= 1  # listed
    page.goto(f"{live_server.url}/audit/{seq}/")
    page.wait_for_load_state("networkidle")
    detail = page.content()
    assert str(customer.pk) in detail and "account_number" in detail
    assert "caller confirming the account on file" in detail
    assert "88442211" not in detail
    page.screenshot(path="/tmp/vaultdoor-vault-audit.png", full_page=True)
    assert session.csp_violations() == []
