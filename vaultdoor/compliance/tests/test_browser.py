"""In a real browser (Debian's chromium through Playwright): the auditor opens Compliance from
the sidebar and reads the cards and their score bars, with no CSP violation."""

from __future__ import annotations

import os

import pytest

from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.testing.seed import seed_example_site

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long console password 42"


def test_the_auditor_reads_the_compliance_page(live_server, browser_session, settings,
                                               django_user_model):
    settings.VAULTDOOR_REQUIRE_SECOND_FACTOR = False  # sign in with the password alone
    seed_example_site()
    sync_roles()
    user = django_user_model.objects.create_user("assessor", password=PASSWORD)
    assign_role(account_for(user), "auditor")
    session, page = browser_session, browser_session.page
    session.login(live_server.url, "assessor", PASSWORD)
    page.goto(f"{live_server.url}/")
    page.click("nav.nav >> text=Compliance")
    page.wait_for_selector("#control-vault-door")
    assert page.locator("section.control").count() == 9
    # a bar per measured control, drawn to its score; the endpoints card has none
    assert page.locator("#control-vault-door rect.score-fill").get_attribute("width") == "100"
    assert page.locator("#control-endpoint-protection rect.score-fill").count() == 0
    bar = page.locator("#control-vault-door svg.score-bar").bounding_box()
    assert bar is not None and bar["width"] > 200
    page.screenshot(path="/tmp/vaultdoor-compliance.png", full_page=True)
    assert session.csp_violations() == []
    assert session.errors() == []
