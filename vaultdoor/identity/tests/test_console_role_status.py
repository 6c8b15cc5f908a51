"""Changing an account's role and disabling / enabling an account from the console: the
permission, the step-up, the takeover guard (only roles the administrator may give, never on
an account that may do more than they may), never one's own account, the single-use form,
the audit events, and what each change ends (sessions, API tokens, enrolment links)."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.conf import settings
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity.models import Account, AccountSession, ApiToken
from vaultdoor.identity.services import enrolment
from vaultdoor.identity.services.accounts import (
    AccountError,
    account_for,
    assign_role,
    change_role,
    disable_account,
    enable_account,
)
from vaultdoor.identity.services.tokens import authenticate_token, create_token

from .conftest import step_up

pytestmark = pytest.mark.django_db

STEP_UP = reverse("identity:step_up")
NOT_PERMITTED = ["auditor", "supervisor", "hr_vetting", "facilities", "agent"]


@pytest.fixture
def target(django_user_model, fake_clock):
    """`target("auditor")`: an account `holder-auditor` with that role and one signed-in
    session (returned with its session key)."""

    def make(role: str, username: str | None = None):
        user = django_user_model.objects.create_user(username or f"holder-{role}")
        account = account_for(user)
        assign_role(account, role)
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store.create()
        AccountSession.objects.create(account=account, session_key=store.session_key,
                                      created=fake_clock())
        return account, store.session_key

    return make


def _alive(session_key: str) -> bool:
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(session_key)


def _url(name: str, account) -> str:
    return reverse(f"console:accounts:{name}", args=[account.pk])


def _send(client, url, data):
    """Open the form (for its single-use id), then send it."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    once = re.search(r'name="once" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(url, {**data, "once": once}), once


def _fresh(account) -> Account:
    return Account.objects.select_related("user").get(pk=account.pk)


REASON = "moved desks, ticket HR-1240"


# Changing the role --------------------------------------------------------------------------

def test_a_role_that_loses_permissions_changes_groups_ends_sessions_and_is_audited(
        admin, target):
    account, session_key = target("auditor")
    client = admin("security_admin")
    page = client.get(_url("change_role", account)).content.decode()
    # every role but the current one is offered to a security admin
    assert 'value="supervisor"' in page and 'value="auditor"' not in page

    response, _ = _send(client, _url("change_role", account),
                        {"role": "supervisor", "reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == _url("account", account)
    account = _fresh(account)
    assert account.role == "supervisor"
    assert [g.name for g in account.user.groups.all()] == ["Supervisor"]
    assert not account.user.has_perm("audit.view_auditevent")
    assert not _alive(session_key)
    assert not AccountSession.objects.filter(account=account).exists()
    event = AuditEvent.objects.get(action="auth.role_changed")
    assert event.actor == "admin-security_admin"
    assert (event.target_type, event.target_id) == ("identity.account", str(account.pk))
    assert event.context["old_role"] == "auditor" and event.context["new_role"] == "supervisor"
    assert event.context["reason"] == REASON
    assert event.context["permissions_removed"] > 0 and event.context["sessions_ended"] == 1
    shown = client.get(response["Location"]).content.decode()
    assert "is now Supervisor" in shown and "1 session ended" in shown


def test_a_role_that_only_adds_permissions_keeps_the_sessions(admin, target):
    account, session_key = target("supervisor")
    client = admin("security_admin")
    response, _ = _send(client, _url("change_role", account),
                        {"role": "auditor", "reason": REASON})
    assert response.status_code == 302
    assert _fresh(account).role == "auditor"
    assert _alive(session_key)
    event = AuditEvent.objects.get(action="auth.role_changed")
    assert event.context["permissions_removed"] == 0
    assert event.context["permissions_added"] > 0 and event.context["sessions_ended"] == 0


def test_it_is_offered_only_roles_it_may_give_and_a_forged_one_is_refused(admin, target):
    account, session_key = target("agent")
    client = admin("it")
    page = client.get(_url("change_role", account)).content.decode()
    assert 'value="it"' in page
    assert 'value="security_admin"' not in page and 'value="auditor"' not in page
    response, _ = _send(client, _url("change_role", account),
                        {"role": "security_admin", "reason": REASON})
    assert response.status_code == 403
    assert _fresh(account).role == "agent"
    assert _alive(session_key)
    assert not AuditEvent.objects.filter(action="auth.role_changed").exists()
    refused = AuditEvent.objects.get(action="auth.permission_denied")
    assert (refused.target_type, refused.target_id) == ("identity.role", "security_admin")


def test_it_cannot_change_the_role_of_an_account_that_may_do_more(admin, target):
    account, _ = target("security_admin")
    client = admin("it")
    assert client.get(_url("change_role", account)).status_code == 403
    response = client.post(_url("change_role", account), {"role": "agent", "reason": REASON})
    assert response.status_code == 403
    assert _fresh(account).role == "security_admin"
    assert not AuditEvent.objects.filter(action="auth.role_changed").exists()
    assert AuditEvent.objects.filter(action="auth.permission_denied",
                                     target_id=str(account.pk)).exists()


def test_nobody_changes_their_own_role(admin, django_user_model):
    client = admin("security_admin")
    own = Account.objects.get(user__username="admin-security_admin")
    page = client.get(_url("change_role", own)).content.decode()
    assert "cannot change your own role" in page and 'id="role-form"' not in page
    response = client.post(_url("change_role", own), {"role": "agent", "reason": REASON})
    assert response.status_code == 400
    assert _fresh(own).role == "security_admin"
    assert not AuditEvent.objects.filter(action="auth.role_changed").exists()


def test_changing_a_role_needs_a_fresh_second_factor(admin, target):
    account, _ = target("agent")
    client = admin("it", stepped_up=False)
    page = client.get(_url("change_role", account))
    assert page.status_code == 302 and page["Location"].startswith(STEP_UP)
    response = client.post(_url("change_role", account), {"role": "it", "reason": REASON})
    assert response.status_code == 302 and response["Location"].startswith(STEP_UP)
    assert _fresh(account).role == "agent"
    step_up(client)
    response, _ = _send(client, _url("change_role", account), {"role": "it", "reason": REASON})
    assert response.status_code == 302 and _fresh(account).role == "it"


@pytest.mark.parametrize("role", NOT_PERMITTED)
def test_roles_without_change_account_cannot_change_roles(admin, target, role):
    account, _ = target("agent")
    client = admin(role)
    assert client.get(_url("change_role", account)).status_code == 403
    assert client.post(_url("change_role", account),
                       {"role": "it", "reason": REASON}).status_code == 403
    assert _fresh(account).role == "agent"


def test_the_role_form_is_single_use_and_needs_a_reason(admin, target):
    account, _ = target("agent")
    client = admin("it")
    page = client.get(_url("change_role", account)).content.decode()
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    short = client.post(_url("change_role", account), {"role": "it", "reason": "x",
                                                       "once": once})
    assert short.status_code == 400 and _fresh(account).role == "agent"
    data = {"role": "it", "reason": REASON, "once": once}
    assert client.post(_url("change_role", account), data).status_code == 302
    again = client.post(_url("change_role", account), data)
    assert again.status_code == 302
    assert "sent already" in client.get(again["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="auth.role_changed").count() == 1


def test_the_service_refuses_the_same_role_and_an_unknown_one(target):
    account, _ = target("agent")
    with pytest.raises(AccountError, match="already"):
        change_role(account, "agent", actor="x")
    with pytest.raises(AccountError, match="unknown role"):
        change_role(account, "root", actor="x")
    assert not AuditEvent.objects.filter(action="auth.role_changed").exists()


# Disabling and enabling -----------------------------------------------------------------

def test_disabling_ends_sessions_revokes_tokens_expires_links_and_is_audited(admin, target):
    account, session_key = target("it")
    _row, secret = create_token(account, "HR feed", ["read"])
    link = enrolment.issue_link(account, created_by="test")
    client = admin("security_admin")
    page = client.get(_url("disable", account)).content.decode()
    assert "1 signed-in session" in page and "1 live API token" in page

    response, _ = _send(client, _url("disable", account), {"reason": REASON})
    assert response.status_code == 302
    account = _fresh(account)
    assert not account.user.is_active
    assert not _alive(session_key)
    assert authenticate_token(secret) is None
    assert ApiToken.objects.get(account=account).revoked_at is not None
    with pytest.raises(enrolment.EnrolmentError):
        enrolment.find_link(link)
    event = AuditEvent.objects.get(action="auth.account_disabled")
    assert event.actor == "admin-security_admin" and event.target_id == str(account.pk)
    assert event.context["reason"] == REASON
    assert event.context["sessions_ended"] == 1
    assert event.context["api_credentials_revoked"] == 1
    assert event.context["enrolment_links_expired"] == 1
    detail = client.get(response["Location"]).content.decode()
    assert "is disabled: ended 1 session, revoked 1 API token" in detail
    assert 'id="enable-account"' in detail


def test_enabling_again_keeps_tokens_revoked_and_is_audited(admin, target):
    account, _ = target("agent")
    _row, secret = create_token(account, "HR feed", ["read"])
    disable_account(account, actor="someone")
    client = admin("it")
    response, _ = _send(client, _url("enable", account), {"reason": "back from leave"})
    assert response.status_code == 302
    assert _fresh(account).user.is_active
    assert authenticate_token(secret) is None  # revoked when disabled, stays so
    event = AuditEvent.objects.get(action="auth.account_enabled")
    assert event.actor == "admin-it" and event.context["reason"] == "back from leave"


def test_nobody_disables_their_own_account(admin):
    client = admin("security_admin")
    own = Account.objects.get(user__username="admin-security_admin")
    page = client.get(_url("disable", own)).content.decode()
    assert "cannot disable your own account" in page and 'id="status-form"' not in page
    assert 'id="disable-account"' not in client.get(_url("account", own)).content.decode()
    response = client.post(_url("disable", own), {"reason": REASON})
    assert response.status_code == 400
    assert _fresh(own).user.is_active
    assert not AuditEvent.objects.filter(action="auth.account_disabled").exists()


def test_it_cannot_disable_or_enable_an_account_that_may_do_more(admin, target):
    account, session_key = target("security_admin")
    client = admin("it")
    assert client.get(_url("disable", account)).status_code == 403
    assert client.post(_url("disable", account), {"reason": REASON}).status_code == 403
    assert _fresh(account).user.is_active and _alive(session_key)
    disable_account(account, actor="someone")
    assert client.post(_url("enable", account), {"reason": REASON}).status_code == 403
    assert not _fresh(account).user.is_active
    detail = client.get(_url("account", account)).content.decode()
    assert 'id="enable-account"' not in detail and 'id="change-role"' not in detail


@pytest.mark.parametrize("page", ["enable", "reset_factors", "new_link", "change_role"])
def test_a_disabled_account_keeps_its_permissions_for_the_takeover_guard(admin, target, page):
    """Django gives a disabled user no permissions; the guard must still count its role's,
    or IT could reset a disabled security admin's sign-in, then enable it and take it over."""
    account, _ = target("security_admin")
    disable_account(account, actor="someone")
    client = admin("it")
    assert client.get(_url(page, account)).status_code == 403
    assert client.post(_url(page, account), {"reason": REASON, "role": "agent",
                                             "confirm": account.user.get_username(),
                                             "new_password": "on"}).status_code == 403
    account = _fresh(account)
    assert not account.user.is_active and account.role == "security_admin"
    assert not AuditEvent.objects.filter(action__in=[
        "auth.account_enabled", "auth.second_factors_reset", "auth.enrolment_link",
        "auth.role_changed"]).exists()


def test_disabling_needs_a_fresh_second_factor_and_the_permission(admin, target):
    account, session_key = target("agent")
    client = admin("it", stepped_up=False)
    response = client.post(_url("disable", account), {"reason": REASON})
    assert response.status_code == 302 and response["Location"].startswith(STEP_UP)
    assert _fresh(account).user.is_active and _alive(session_key)
    client.logout()
    for role in NOT_PERMITTED:
        other = admin(role)
        assert other.get(_url("disable", account)).status_code == 403
        assert other.post(_url("disable", account), {"reason": REASON}).status_code == 403
        assert other.post(_url("enable", account), {"reason": REASON}).status_code == 403
        other.logout()
    assert _fresh(account).user.is_active


def test_a_terminated_persons_account_is_not_enabled_again(admin, target):
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Person

    site = Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")
    person = Person.objects.create(site=site, code="E1009", name="Gail Gone", kind="employee",
                                   status="terminated")
    account, _ = target("agent")
    Account.objects.filter(pk=account.pk).update(person=person)
    disable_account(account, actor="someone")
    with pytest.raises(AccountError, match="terminated"):
        enable_account(_fresh(account), actor="x")
    client = admin("it")
    page = client.get(_url("enable", account)).content.decode()
    assert "stays disabled" in page and 'id="status-form"' not in page
    response = client.post(_url("enable", account), {"reason": REASON, "once": "x"})
    assert response.status_code == 400
    assert not _fresh(account).user.is_active
    assert not AuditEvent.objects.filter(action="auth.account_enabled").exists()


def test_disabling_twice_records_once(target):
    account, _ = target("agent")
    assert disable_account(account, actor="a", reason="leave") == {
        "links": 0, "sessions": 1, "tokens": 0}
    assert disable_account(account, actor="a", reason="leave") is None
    assert enable_account(account, actor="a") is True
    assert enable_account(account, actor="a") is False
    assert AuditEvent.objects.filter(action="auth.account_disabled").count() == 1
    assert AuditEvent.objects.filter(action="auth.account_enabled").count() == 1


# The sidebar ------------------------------------------------------------------------------

SIDEBAR_LINK = re.compile(r'<a href="/accounts/tokens/" (aria-current="page")?>')


@pytest.mark.parametrize("role", ["security_admin", "it", "auditor", *NOT_PERMITTED[1:]])
def test_the_sidebar_links_api_tokens_for_those_who_may_see_them(admin, role):
    from vaultdoor.facilities.models import Site

    Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")
    client = admin(role)
    home = client.get("/")
    links = SIDEBAR_LINK.findall(home.content.decode())
    may = role in {"security_admin", "it", "auditor"}
    assert links == ([""] if may else []), (role, home.status_code)
    if may:
        tokens = client.get(reverse("console:accounts:tokens")).content.decode()
        assert SIDEBAR_LINK.findall(tokens) == ['aria-current="page"']
