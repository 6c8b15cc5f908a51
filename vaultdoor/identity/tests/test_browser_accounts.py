"""In Debian's chromium (Playwright): an IT administrator signs in, opens the Accounts pages
and resets a colleague's second factors (typed confirmation; the sign-in's own second factor
counts as the step-up); the colleague's next sign-in leads through enrolment again. No CSP
violation or console error on the way."""

from __future__ import annotations

import os

import pytest

from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services import recovery, totp
from vaultdoor.identity.services.accounts import account_for, assign_role

from .conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_admin_resets_a_lost_phone(live_server, django_user_model, browser_session):
    sync_roles()
    admin = django_user_model.objects.create_user("itdesk", password=PASSWORD)
    assign_role(account_for(admin), "it")
    agent = django_user_model.objects.create_user("mjones", password=PASSWORD)
    agent_account = account_for(agent)
    assign_role(agent_account, "agent")
    device, _ = totp.start_enrolment(agent_account)
    type(device).objects.filter(pk=device.pk).update(confirmed=True)
    recovery.new_recovery_codes(agent_account)

    session = browser_session
    page = session.page
    session.login(live_server.url, "itdesk", PASSWORD)  # enrols itdesk's own authenticator
    page.click("nav >> text=Accounts")
    page.wait_for_load_state("networkidle")
    page.click("text=mjones")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=10 unused recovery codes").count() == 1
    page.click("text=Reset second factors")
    page.wait_for_load_state("networkidle")
    page.fill("#id_reason", "phone lost on the bus, called back on file number")
    page.fill("#id_confirm", "mjone")  # a typo is refused, nothing removed
    page.click("#reset-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=type mjones to confirm").count() == 1
    assert agent_account.totp_devices.exists()
    page.fill("#id_reason", "phone lost on the bus, called back on file number")
    page.fill("#id_confirm", "mjones")
    page.click("#reset-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=removed 1 authenticator app, 0 passkeys and 10 recovery "
                        "codes").count() == 1
    assert page.locator("#reset-form").count() == 0  # back on the account page
    page.screenshot(path="/tmp/vaultdoor-account-reset.png", full_page=True)
    assert not agent_account.totp_devices.exists()

    page.click("text=Sign out")
    page.wait_for_load_state("networkidle")
    page.fill("#id_username", "mjones")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/auth/enrol/" in page.url
    session.collect()
    assert session.csp_violations() == []
    # the refused typo answered 400, which chromium logs; nothing else went wrong
    assert [e for e in session.errors() if "status of 400" not in e] == []
