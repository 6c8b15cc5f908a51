"""In a real browser (Debian's chromium through Playwright): sign in, read the dashboard, open
a floor view, watch the live feed and filter a list, with no CSP violation on the way."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from vaultdoor.access.models import DoorEvent
from vaultdoor.access.services.decide import decide_swipe
from vaultdoor.testing.seed import seed_example_site

from .conftest import PASSWORD, VIEW_PERMISSIONS, grant

# Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
# ordinary synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp"


@pytest.fixture
def operator(transactional_db, django_user_model):
    seed_example_site()
    user = django_user_model.objects.create_user("ops", password=PASSWORD)
    grant(user, *VIEW_PERMISSIONS)
    return user


def test_sign_in_dashboard_floor_view_live_feed(live_server, operator, browser_session):
    session = browser_session
    page = session.page

    # Anonymous: every page sends us to sign in.
    page.goto(f"{live_server.url}/floors/")
    assert "/login/" in page.url
    page.screenshot(path=f"{SHOTS}/vaultdoor-login.png")
    session.login(live_server.url, "ops", PASSWORD)
    assert page.url.rstrip("/").endswith("/floors")

    # The dashboard with the morning's data.
    page.goto(f"{live_server.url}/?period=24h")
    assert page.inner_text("#kpi-denials") == "5"
    assert page.inner_text("#kpi-entries") == "9"
    assert page.locator("svg.chart-hours rect.bar").count() == 24
    assert page.locator("svg.chart-denials rect.bar").count() == 5
    assert page.locator("text=Equipment vault").count() >= 1
    page.screenshot(path=f"{SHOTS}/vaultdoor-dashboard.png", full_page=True)

    # The floor view of the basement, from the sidebar.
    page.click("nav.nav >> text=Basement")
    page.wait_for_selector("svg.floorplan")
    zones = page.locator("svg.floorplan g.zone")
    assert zones.count() == 3
    for index in range(3):
        box = zones.nth(index).bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 50
    assert page.get_attribute('g.zone[data-zone="vault"]', "data-security") == "high"
    # The stylesheet applied under the CSP: the high zone and the corridor differ in colour.
    fill = "e => getComputedStyle(e).fill"
    assert page.eval_on_selector('g.zone[data-zone="vault"] .zone-fill', fill) != (
        page.eval_on_selector('g.zone[data-zone="corridor-b"] .zone-fill', fill))
    assert page.locator('g.door-mark[data-door="D-VAULT"]').count() == 1
    assert "2/3 inside" in page.text_content('g.zone[data-zone="vault"]')
    page.screenshot(path=f"{SHOTS}/vaultdoor-floor.png", full_page=True)

    # The live feed picks up a new decision by itself (htmx polls every 2 s).
    page.goto(f"{live_server.url}/live/")
    assert page.locator("#live-feed .feed-item").count() == 15
    decide_swipe("northgate", {"at": dt.datetime.now(dt.UTC).isoformat(), "door": "D-MAIN",
                               "card": {"facility": 42, "number": 77777}}, actor="test")
    newest = DoorEvent.objects.latest("pk").pk
    page.wait_for_selector(f'#live-feed [data-event="{newest}"]', timeout=10_000)
    page.screenshot(path=f"{SHOTS}/vaultdoor-live.png", full_page=True)

    # Filtering a list swaps the results in place.
    page.goto(f"{live_server.url}/zones/")
    page.select_option("select[name=security]", "high")
    # (A locator, not wait_for_function: the page's CSP rightly refuses evaluating strings.)
    expect(page.locator("#results tbody tr")).to_have_count(1, timeout=10_000)
    assert "Equipment vault" in page.inner_text("#results")
    assert "security=high" in page.url  # the filter is in the address, so it can be shared

    # Signing out.
    page.click("text=Sign out")
    page.wait_for_load_state("networkidle")
    assert "/login/" in page.url

    assert session.csp_violations() == []
    assert session.errors() == []
