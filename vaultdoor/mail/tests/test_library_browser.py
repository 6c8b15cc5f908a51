"""In a real browser: a message template full of live HTML (script, handlers, a remote image,
a style, a frame, a form) shown on its console page and its edit form runs nothing, fetches
nothing, and raises no CSP violation (it is text, so the policy is never even tested)."""

from __future__ import annotations

import pytest

from vaultdoor.mail.models import LandingPage, MessageTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "quiet lantern 5521 marble"


def test_template_pages_run_none_of_the_template(live_server, browser_session,
                                                 django_user_model):
    beacon = f"{live_server.url}/beacon-7731"
    template = MessageTemplate.objects.create(
        name="hostile", subject="Payslip", from_address="pay@lakes1de.example",
        html_body=(f'<script>window.__ran = 1; fetch("{beacon}?script")</script>'
                   f'<img src="{beacon}?img" onerror="window.__ran = 2">'
                   f'<p onmouseover="window.__ran = 3" id="hover">Hello {{{{ name }}}}</p>'
                   f'<style>body {{ background: url("{beacon}?style") }}</style>'
                   f'<iframe src="{beacon}?frame"></iframe>'
                   f'<form action="{beacon}?form"><input name="pw"></form>'
                   '<a href="{{ link }}">open payroll</a>'))
    django_user_model.objects.create_superuser("secadmin", email=None, password=PASSWORD)
    page = browser_session.page
    dialogs: list[str] = []
    fetched: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: fetched.append(r.url))
    browser_session.login(live_server.url, "secadmin", PASSWORD)
    for path in (f"/mail/campaigns/templates/{template.pk}/",
                 f"/mail/campaigns/templates/{template.pk}/edit/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.locator("#hover").count() == 0  # no element of the template exists
        assert page.evaluate("window.__ran === undefined")
        assert page.locator("iframe").count() == 0
        page.screenshot(path=f"/tmp/vaultdoor-template-{path.strip('/').split('/')[-1]}.png",
                        full_page=True)
        browser_session.collect()
    assert "open payroll" in page.locator("#id_html_body").input_value()
    landing = LandingPage.objects.create(name="o365", title="Sign in", intro="Staff only.")
    page.goto(f"{live_server.url}/mail/campaigns/landing-pages/{landing.pk}/")
    page.wait_for_selector("#landing-preview")
    assert page.locator("#landing-preview input[name]").count() == 0
    assert page.locator("#landing-preview input:enabled").count() == 0  # inert
    page.screenshot(path="/tmp/vaultdoor-landing-page.png", full_page=True)
    browser_session.collect()
    assert [u for u in fetched if "beacon-7731" in u] == []
    assert dialogs == []
    assert browser_session.csp_violations() == []
    assert browser_session.errors() == []
