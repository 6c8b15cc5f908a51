"""In a real browser (Debian's chromium through Playwright): an HR/vetting officer signs in
with TOTP, requests a check, records a fraud finding (the door follows at once), and
terminates a person through the confirmation page, with no CSP violation on the way."""

from __future__ import annotations

import os

import pytest

from vaultdoor.vetting.models import Termination

from .conftest import MORNING, PRIYA_CARD, swipe

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long vetting officer password 42"
SHOTS = "/tmp"


@pytest.fixture
def officer(transactional_db, django_user_model):
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.identity.roles import sync_roles
    from vaultdoor.identity.services.accounts import account_for, assign_role
    from vaultdoor.testing.seed import EXAMPLE_SITE

    import_site_text(EXAMPLE_SITE.read_text(encoding="utf-8"), actor="test")
    sync_roles()
    user = django_user_model.objects.create_user("hr1", password=PASSWORD)
    assign_role(account_for(user), "hr_vetting")
    return user


def test_officer_records_a_finding_and_terminates(live_server, officer, browser_session):
    session, page = browser_session, browser_session.page
    page.goto(f"{live_server.url}/vetting/")
    session.login(live_server.url, "hr1", PASSWORD)
    page.goto(f"{live_server.url}/vetting/?q=E1001")
    page.click("text=Priya Shah")
    page.wait_for_load_state("networkidle")
    assert "Cleared for sensitive access" in page.inner_text("main")

    page.click("text=Request a background check")
    page.fill("#id_provider", "Acme Screening")
    page.fill("#id_scope", "criminal, identity")
    page.click("button:has-text('Request')")
    page.wait_for_load_state("networkidle")
    assert "Background check requested." in page.inner_text("main")

    # The newest check is listed first; record a fraud finding on it (stepped up at login).
    page.locator("summary:has-text('Record a finding')").first.click()
    form = page.locator("form[action$='/finding/']").first
    form.locator("select[name=category]").select_option("fraud")
    form.locator("textarea[name=notes]").fill("2019 conviction")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    assert "Finding recorded." in text and "Not cleared for sensitive access" in text
    assert "precludes sensitive access" in text
    page.screenshot(path=f"{SHOTS}/vaultdoor-vetting-person.png", full_page=True)
    decision = swipe("D-FLOOR-1", PRIYA_CARD, MORNING)
    assert decision["reason"] == "vetting_required"

    page.click("text=Terminate Priya Shah")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=f"{SHOTS}/vaultdoor-vetting-terminate.png", full_page=True)
    page.fill("#id_reason", "dismissed after the fraud finding")
    page.fill("#id_confirm", "E1001")
    page.click("button:has-text('Terminate and revoke everything')")
    page.wait_for_load_state("networkidle")
    assert "correlation id" in page.inner_text("main")
    assert Termination.objects.filter(person__code="E1001").exists()

    assert session.csp_violations() == []
    assert session.errors() == []
