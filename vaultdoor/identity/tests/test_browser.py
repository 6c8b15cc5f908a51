"""In Debian's chromium (Playwright): the first sign-in is forced through TOTP enrolment (the
key read from the page), then sign-out and sign-in with password and TOTP, then ten wrong
passwords lock the account; no CSP violation on the way."""

from __future__ import annotations

import os

import pytest

from vaultdoor.identity.choices import FailureKind
from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services import lockout
from vaultdoor.identity.services.accounts import account_for, assign_role

from .conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enrol_sign_in_with_totp_and_lockout(live_server, django_user_model, browser_session):
    sync_roles()
    user = django_user_model.objects.create_user("mjones", password=PASSWORD)
    assign_role(account_for(user), "supervisor")
    session = browser_session
    page = session.page

    # 1. First sign-in: the password leads to forced enrolment; the test reads the key.
    page.goto(f"{live_server.url}/floors/")
    assert "/auth/login/" in page.url
    page.fill("#id_username", "mjones")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/auth/enrol/" in page.url
    assert page.locator("img.totp-qr").get_attribute("src").startswith("data:image/svg+xml")
    assert page.evaluate("document.querySelector('img.totp-qr').naturalWidth") > 0
    page.screenshot(path="/tmp/vaultdoor-enrol.png")
    session.second_factor("mjones")  # reads #totp-secret, types the code, saves the codes
    assert page.url.rstrip("/").endswith("/floors")

    # 2. Sign out, then sign in with password and TOTP.
    page.click("text=Sign out")
    page.wait_for_load_state("networkidle")
    assert "/auth/login/" in page.url
    session.login(live_server.url, "mjones", PASSWORD)
    assert "/auth/" not in page.url  # through the second factor, into the console
    page.goto(f"{live_server.url}/auth/account/")
    assert page.locator("text=Authenticator app").count() >= 1
    page.screenshot(path="/tmp/vaultdoor-portal.png", full_page=True)
    page.click("#logout-everywhere")
    page.wait_for_load_state("networkidle")
    assert "/auth/login/" in page.url

    # 3. Ten wrong passwords lock the account; the right one then fails the same way.
    for attempt in range(10):
        page.fill("#id_username", "mjones")
        page.fill("#id_password", f"wrong-password-{attempt}")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("#error").count() == 1
    assert lockout.locked_until("mjones", FailureKind.PASSWORD) is not None
    page.fill("#id_username", "mjones")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/auth/login/" in page.url and page.locator("#error").count() == 1
    page.screenshot(path="/tmp/vaultdoor-locked.png")

    assert session.csp_violations() == []
    assert session.errors() == []
