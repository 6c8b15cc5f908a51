"""In Debian's chromium (Playwright): an IT administrator creates an API token for an
integration's account and sees it once (the list after shows its key id, never the secret),
then creates an account for a person and sees the one-time enrolment link. The sign-in's own
second factor counts as the step-up. No CSP violation or console error on the way."""

from __future__ import annotations

import os

import pytest

from vaultdoor.identity.models import Account, ApiToken
from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.identity.services.tokens import authenticate_token

from .conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_admin_creates_a_token_and_an_account(live_server, django_user_model,
                                                 browser_session):
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Person

    sync_roles()
    admin = django_user_model.objects.create_user("itdesk", password=PASSWORD)
    assign_role(account_for(admin), "it")
    feed = django_user_model.objects.create_user("hr-feed")
    assign_role(account_for(feed), "agent")
    site = Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")
    person = Person.objects.create(site=site, code="E2001", name="Nadia Okafor",
                                   kind="employee")

    session = browser_session
    page = session.page
    session.login(live_server.url, "itdesk", PASSWORD)  # enrols itdesk's own authenticator
    page.click("nav >> text=Accounts")
    page.wait_for_load_state("networkidle")
    page.click("text=API tokens")
    page.wait_for_load_state("networkidle")
    page.click("#new-token")
    page.wait_for_load_state("networkidle")
    page.fill("#id_owner", "hr-feed")
    page.fill("#id_name", "HR feed (Workday)")
    page.check("input[name=scopes][value=read]")
    assert page.input_value("#id_days") == "90"
    page.fill("#id_days", "30")
    page.screenshot(path="/tmp/vaultdoor-token-form.png", full_page=True)
    page.click("#token-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    shown = page.inner_text("#new-token").strip()
    key_id, _, secret = shown.partition(".")
    assert authenticate_token(shown) == ApiToken.objects.get(key_id=key_id)
    page.click("button[data-copy=new-token]")
    page.wait_for_function("document.querySelector('button[data-copy]').textContent != 'Copy'")
    page.screenshot(path="/tmp/vaultdoor-token-created.png", full_page=True)

    page.click("text=Done")
    page.wait_for_load_state("networkidle")
    listed = page.content()
    assert key_id in listed and "HR feed (Workday)" in listed and secret not in listed
    session.collect()
    # Back: the creation page was not kept (no-store), so chromium has nothing to show but
    # its "resubmit the form?" error page, and the secret is not shown again.
    from playwright.sync_api import Error as PlaywrightError

    with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
        page.go_back()
    page.wait_for_load_state("load")
    assert secret not in page.inner_text("body")
    assert ApiToken.objects.count() == 1  # nothing sent again

    page.goto(f"{live_server.url}/accounts/")
    page.click("#new-account")
    page.wait_for_load_state("networkidle")
    page.fill("#person-q", "okafor")
    page.click("#person-search button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.check(f"input[name=person][value='{person.pk}']")
    page.select_option("#id_role", "agent")
    page.fill("#id_reason", "new starter, ticket HR-2001")
    page.screenshot(path="/tmp/vaultdoor-account-form.png", full_page=True)
    page.click("#account-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    link = page.inner_text("#enrolment-link").strip()
    assert "/auth/welcome/" in link
    account = Account.objects.get(person=person)
    assert account.role == "agent" and account.user.get_username() == "e2001"
    page.screenshot(path="/tmp/vaultdoor-account-created.png", full_page=True)
    session.collect()
    assert session.csp_violations() == []
    assert session.errors() == []
