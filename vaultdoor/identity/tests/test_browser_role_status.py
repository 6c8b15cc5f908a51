"""In Debian's chromium (Playwright): an IT administrator reaches API tokens from the sidebar,
changes a colleague's role from the account page (only the roles IT may give are offered),
disables the account and enables it again, each audited. No CSP violation or console error
on the way."""

from __future__ import annotations

import os

import pytest

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity.models import Account
from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role

from .conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_admin_changes_a_role_then_disables_and_enables_the_account(
        live_server, django_user_model, browser_session):
    sync_roles()
    admin = django_user_model.objects.create_user("itdesk", password=PASSWORD)
    assign_role(account_for(admin), "it")
    colleague = django_user_model.objects.create_user("mjones", password=PASSWORD)
    account = account_for(colleague)
    assign_role(account, "agent")

    session = browser_session
    page = session.page
    session.login(live_server.url, "itdesk", PASSWORD)  # the sign-in's factor is the step-up
    page.click("nav >> text=API tokens")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/accounts/tokens/")
    page.click("nav >> text=Accounts")
    page.wait_for_load_state("networkidle")
    page.click("text=mjones")
    page.wait_for_load_state("networkidle")

    page.click("#change-role")
    page.wait_for_load_state("networkidle")
    # IT may give agent and IT only; agent is the current role
    assert page.locator("#id_role option").all_inner_texts() == ["IT"]
    page.fill("#id_reason", "joined the IT desk, ticket HR-1240")
    page.click("#role-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=mjones is now IT.").count() == 1
    assert Account.objects.get(pk=account.pk).role == "it"

    page.click("#disable-account")
    page.wait_for_load_state("networkidle")
    page.fill("#id_reason", "long-term leave, ticket HR-1300")
    page.click("#status-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=mjones is disabled").count() == 1
    page.screenshot(path="/tmp/vaultdoor-account-disabled.png", full_page=True)
    assert not Account.objects.get(pk=account.pk).user.is_active

    page.click("#enable-account")
    page.wait_for_load_state("networkidle")
    page.fill("#id_reason", "back from leave")
    page.click("#status-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=mjones is enabled again.").count() == 1
    assert Account.objects.get(pk=account.pk).user.is_active
    assert [e.action for e in AuditEvent.objects.filter(action__in=[
        "auth.role_changed", "auth.account_disabled", "auth.account_enabled"]).order_by("seq")
    ] == ["auth.role_changed", "auth.account_disabled", "auth.account_enabled"]
    session.collect()
    assert session.csp_violations() == []
    assert session.errors() == []
