"""Creating accounts and API tokens from the console: "New account" (a person without an
account, a role the administrator may give, a one-time enrolment link shown once) and API
tokens (list, new token shown once, revoke). Permission, step-up, the takeover guard, the
audit events, and the secret appearing in the creation response and nowhere else."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity.models import Account, ApiToken, EnrolmentLink
from vaultdoor.identity.services import enrolment
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.identity.services.tokens import authenticate_token, create_token

from .conftest import step_up

pytestmark = pytest.mark.django_db

NEW_ACCOUNT = reverse("console:accounts:new")
TOKENS = reverse("console:accounts:tokens")
NEW_TOKEN = reverse("console:accounts:new_token")
STEP_UP = reverse("identity:step_up")
NOT_PERMITTED = ["auditor", "supervisor", "hr_vetting", "facilities", "agent"]


@pytest.fixture
def people(db):
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Person

    site = Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")

    def make(code, name, **extra):
        return Person.objects.create(site=site, code=code, name=name, kind="employee", **extra)

    return {"priya": make("E1001", "Priya Shah"), "tom": make("E1002", "Tom Reed"),
            "gone": make("E1003", "Gail Gone", status="terminated")}


@pytest.fixture
def service_account(django_user_model):
    """An integration's account with the agent role (no console permission)."""
    user = django_user_model.objects.create_user("hr-feed")
    account = account_for(user)
    assign_role(account, "agent")
    return account


def _everything_stored() -> str:
    """Every row of every table, as text: a secret must not be anywhere in it."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # table names come from the database itself, quoted
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def _code(response, element_id: str) -> str:
    text = response.content.decode()
    found = re.search(rf'<code id="{element_id}"[^>]*>([^<]+)</code>', text)
    assert found, text[:2000]
    return found.group(1).strip()


def _send(client, url, data):
    """Open the form (for its single-use id), then send it."""
    page = client.get(url).content.decode()
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    return client.post(url, {**data, "once": once})


def _account_form(person, role="agent", **extra):
    return {"person": "" if person is None else person.pk, "role": role,
            "reason": "new starter, ticket HR-1234", **extra}


# New account ------------------------------------------------------------------------------

def test_it_creates_an_account_for_a_person_and_sees_the_link_once(admin, people):
    client = admin("it")
    page = client.get(NEW_ACCOUNT, {"q": "shah"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "E1001" in text and "E1002" not in text

    response = _send(client, NEW_ACCOUNT, _account_form(people["priya"]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    link = _code(response, "enrolment-link")
    token = link.rstrip("/").rsplit("/", 1)[1]
    account = Account.objects.get(person=people["priya"])
    assert enrolment.find_link(token).account == account
    assert account.role == "agent" and account.user.get_username() == "e1001"
    assert (account.user.first_name, account.user.last_name) == ("Priya", "Shah")
    assert not account.user.has_usable_password()
    assert account.user.groups.get().name == "Agent"

    created = AuditEvent.objects.get(action="auth.user_created")
    assert created.actor == "admin-it" and created.target_id == str(account.pk)
    assert created.context["reason"] == "new starter, ticket HR-1234"
    assert created.context["role"] == "agent" and created.context["person"] == "E1001"
    assert AuditEvent.objects.filter(action="auth.enrolment_link",
                                     target_id=str(account.pk)).count() == 1
    # the link's token is in this response only: not stored (a hash is), not in the log,
    # not in a URL the browser is sent to, not on the account's page
    assert token not in _everything_stored()
    assert EnrolmentLink.objects.get(account=account).token_hash != token
    assert not response.has_header("Location")
    detail = client.get(reverse("console:accounts:account", args=[account.pk]))
    assert token not in detail.content.decode()
    # a person with an account is no longer offered
    again = client.get(NEW_ACCOUNT, {"q": "E1001"}).content.decode()
    assert f'value="{people["priya"].pk}"' not in again


def test_new_account_needs_a_fresh_second_factor(admin, people):
    client = admin("it", stepped_up=False)
    page = client.get(NEW_ACCOUNT)
    assert page.status_code == 302 and page["Location"].startswith(STEP_UP)
    response = client.post(NEW_ACCOUNT, _account_form(people["priya"]))
    assert response.status_code == 302 and response["Location"].startswith(STEP_UP)
    assert not Account.objects.filter(person=people["priya"]).exists()
    assert not AuditEvent.objects.filter(action="auth.user_created").exists()
    step_up(client)
    assert _send(client, NEW_ACCOUNT, _account_form(people["priya"])).status_code == 200


@pytest.mark.parametrize("role", NOT_PERMITTED)
def test_roles_without_add_account_cannot_create_accounts(admin, people, role):
    client = admin(role)
    assert client.get(NEW_ACCOUNT).status_code == 403
    assert client.post(NEW_ACCOUNT, _account_form(people["priya"])).status_code == 403
    assert not Account.objects.filter(person=people["priya"]).exists()
    assert AuditEvent.objects.filter(action="auth.permission_denied",
                                     target_id=NEW_ACCOUNT).exists()


def test_takeover_guard_offers_and_accepts_only_roles_within_reach(admin, people):
    client = admin("it")
    page = client.get(NEW_ACCOUNT).content.decode()
    offered = set(re.findall(r'<option value="([a-z_]+)"', page))
    assert offered == {"it", "agent"}  # IT holds no permission of the other roles
    response = _send(client, NEW_ACCOUNT, _account_form(people["priya"], role="security_admin"))
    assert response.status_code == 403
    assert not Account.objects.filter(person=people["priya"]).exists()
    refusal = AuditEvent.objects.get(action="auth.permission_denied",
                                     target_type="identity.role")
    assert refusal.target_id == "security_admin" and refusal.actor == "admin-it"
    client.logout()
    boss = admin("security_admin")
    page = boss.get(NEW_ACCOUNT).content.decode()
    assert set(re.findall(r'<option value="([a-z_]+)"', page)) == {
        "security_admin", "facilities", "hr_vetting", "it", "supervisor", "auditor", "agent"}
    assert _send(boss, NEW_ACCOUNT, _account_form(people["priya"], role="security_admin")
                     ).status_code == 200


def test_new_account_refuses_bad_input_and_writes_nothing(admin, people, django_user_model):
    client = admin("it")
    before = (Account.objects.count(), AuditEvent.objects.filter(
        action__in=["auth.user_created", "auth.enrolment_link"]).count())
    cases = [
        (_account_form(people["priya"], reason=""), "This field is required"),
        (_account_form(None), "needs a user id"),
        (_account_form(people["gone"]), "no longer current"),
        (_account_form(people["priya"], username="bad name!"), "letters, digits"),
        (_account_form(people["priya"], email="not-an-address"), "valid email"),
        (_account_form(people["priya"], role="root"), "valid choice"),
    ]
    for form, message in cases:
        response = _send(client, NEW_ACCOUNT, form)
        assert response.status_code == 400, form
        assert message in response.content.decode(), (form, message)
    django_user_model.objects.create_user("e1002")
    response = _send(client, NEW_ACCOUNT, _account_form(people["tom"]))
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert (Account.objects.count(), AuditEvent.objects.filter(
        action__in=["auth.user_created", "auth.enrolment_link"]).count()) == before


def test_a_service_account_needs_no_person(admin):
    response = _send(admin("it"), NEW_ACCOUNT, _account_form(None, username="ci-bot"))
    assert response.status_code == 200
    account = Account.objects.get(user__username="ci-bot")
    assert account.person is None and account.role == "agent"


# API tokens -------------------------------------------------------------------------------

def _token_form(owner="hr-feed", **extra):
    return {"owner": owner, "name": "HR feed (Workday)", "scopes": ["read"], "days": "30",
            **extra}


def test_it_creates_a_token_and_sees_it_once(admin, service_account, fake_clock):
    client = admin("it")
    form = client.get(NEW_TOKEN, {"owner": "hr-feed"})
    assert form.status_code == 200 and 'value="hr-feed"' in form.content.decode()
    assert 'value="90"' in form.content.decode()  # the default lifetime

    response = _send(client, NEW_TOKEN, _token_form())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = _code(response, "new-token")
    key_id, _, secret_part = secret.partition(".")
    token = ApiToken.objects.get(key_id=key_id)
    assert token.account == service_account and token.scopes == ["read"]
    assert (token.expires - token.created).days == 30
    assert authenticate_token(secret) == token  # the shown token works

    event = AuditEvent.objects.get(action="auth.token_created")
    assert event.actor == "admin-it" and event.target_id == key_id
    assert event.context["owner"] == "hr-feed" and event.context["scopes"] == ["read"]
    # shown once: nowhere else, not in any table (the audit log included), no page after
    stored = _everything_stored()
    assert secret_part not in stored
    for page in (TOKENS, reverse("console:accounts:account", args=[service_account.pk]),
                 reverse("console:accounts:revoke_token", args=[token.pk])):
        text = client.get(page).content.decode()
        assert key_id in text and secret_part not in text, page


def test_token_list_shows_every_field_but_the_secret(admin, service_account, fake_clock):
    row, secret = create_token(service_account, "badge sync", ["read", "write"])
    revoked, _ = create_token(service_account, "old sync", ["read"])
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=fake_clock())
    client = admin("auditor")  # auditors read the list, without the buttons
    text = client.get(TOKENS).content.decode()
    assert "badge sync" in text and row.key_id in text and "read, write" in text
    assert "hr-feed" in text and "old sync" not in text  # live tokens by default
    assert secret.partition(".")[2] not in text
    assert "/revoke/" not in text and 'id="new-token"' not in text
    everything = client.get(TOKENS, {"state": "all"}).content.decode()
    assert "old sync" in everything and "<strong>Revoked</strong>" in everything
    assert client.get(TOKENS, {"q": "badge"}).content.decode().count("<tr") == 2


def test_new_token_needs_a_fresh_second_factor(admin, service_account):
    client = admin("it", stepped_up=False)
    assert client.get(NEW_TOKEN)["Location"].startswith(STEP_UP)
    response = client.post(NEW_TOKEN, _token_form())
    assert response.status_code == 302 and response["Location"].startswith(STEP_UP)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", NOT_PERMITTED)
def test_roles_without_token_permissions_cannot_create_or_revoke(admin, service_account,
                                                                 role, fake_clock):
    row, _ = create_token(service_account, "feed", ["read"])
    client = admin(role)
    assert client.get(NEW_TOKEN).status_code == 403
    assert client.post(NEW_TOKEN, _token_form()).status_code == 403
    revoke = reverse("console:accounts:revoke_token", args=[row.pk])
    assert client.get(revoke).status_code == 403
    assert client.post(revoke, {"reason": "no longer used"}).status_code == 403
    assert ApiToken.objects.count() == 1
    row.refresh_from_db()
    assert row.revoked_at is None
    assert client.get(TOKENS).status_code == (200 if role == "auditor" else 403)


def test_takeover_guard_no_token_acting_as_someone_mightier(admin, django_user_model):
    boss = django_user_model.objects.create_user("boss")
    assign_role(account_for(boss), "security_admin")
    client = admin("it")
    response = _send(client, NEW_TOKEN, _token_form(owner="boss", scopes=["write"]))
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    refusal = AuditEvent.objects.get(action="auth.permission_denied")
    assert refusal.target_id == str(boss.account.pk)
    page = client.get(reverse("console:accounts:account", args=[boss.account.pk]))
    assert "New token acting as" not in page.content.decode()
    # an IT administrator's token for their own account is within reach
    assert _send(client, NEW_TOKEN, _token_form(owner="admin-it")).status_code == 200
    client.logout()
    assert _send(admin("security_admin"), NEW_TOKEN, _token_form(owner="boss")
                                        ).status_code == 200


def test_new_token_refuses_bad_input_and_writes_nothing(admin, service_account,
                                                        django_user_model):
    django_user_model.objects.create_user("left", is_active=False)
    client = admin("it")
    cases = [
        (_token_form(days="0"), "greater than or equal to 1"),
        (_token_form(days="367"), "less than or equal to 366"),
        (_token_form(days="ninety"), "whole number"),
        (_token_form(scopes=["admin"]), "valid choice"),
        (_token_form(scopes=[]), "This field is required"),
        (_token_form(name="   "), "This field is required"),
        (_token_form(owner="nobody"), "No active account"),
        (_token_form(owner="left"), "No active account"),
    ]
    for form, message in cases:
        response = _send(client, NEW_TOKEN, form)
        assert response.status_code == 400, form
        assert message in response.content.decode(), (form, message)
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.token_created").exists()


def test_revoke_needs_step_up_and_a_reason_and_is_audited(admin, service_account, fake_clock):
    row, secret = create_token(service_account, "feed", ["read"])
    url = reverse("console:accounts:revoke_token", args=[row.pk])
    client = admin("it", stepped_up=False)
    assert client.post(url, {"reason": "integration retired"})["Location"].startswith(STEP_UP)
    step_up(client)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert authenticate_token(secret) is not None  # nothing revoked yet
    response = client.post(url, {"reason": "integration retired"})
    assert response.status_code == 302 and response["Location"] == TOKENS
    assert authenticate_token(secret) is None
    event = AuditEvent.objects.get(action="auth.token_revoked")
    assert event.actor == "admin-it" and event.target_id == row.key_id
    assert event.context["reason"] == "integration retired"
    assert event.context["owner"] == "hr-feed"
    # a second revocation changes nothing and records nothing
    assert client.post(url, {"reason": "integration retired"}).status_code == 302
    assert AuditEvent.objects.filter(action="auth.token_revoked").count() == 1
    assert "revoked already" in client.get(url).content.decode()


def test_a_form_sent_twice_makes_nothing_the_second_time(admin, people, service_account):
    client = admin("it")
    page = client.get(NEW_TOKEN).content.decode()
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    form = {**_token_form(), "once": once}
    assert client.post(NEW_TOKEN, form).status_code == 200
    again = client.post(NEW_TOKEN, form)  # reload, "send the form again"
    assert again.status_code == 302 and again["Location"] == TOKENS
    assert ApiToken.objects.count() == 1
    assert AuditEvent.objects.filter(action="auth.token_created").count() == 1
    assert "sent already" in client.get(TOKENS).content.decode()
    assert client.post(NEW_TOKEN, {**form, "once": "made-up"}).status_code == 302
    assert ApiToken.objects.count() == 1

    page = client.get(NEW_ACCOUNT).content.decode()
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    form = {**_account_form(people["priya"]), "once": once}
    assert client.post(NEW_ACCOUNT, form).status_code == 200
    again = client.post(NEW_ACCOUNT, form)
    assert again.status_code == 302 and again["Location"] == reverse("console:accounts:list")
    assert EnrolmentLink.objects.count() == 1  # no second link (the first still works)


def test_person_page_link_preselects_the_person(admin, people):
    client = admin("security_admin")
    person = people["tom"]
    page = client.get(reverse("console:person", args=[person.pk])).content.decode()
    link = f"{NEW_ACCOUNT}?person={person.pk}"
    assert link in page
    form = client.get(link).content.decode()
    assert f'value="{person.pk}" checked' in form and "Tom Reed" in form
    gone = client.get(f"{NEW_ACCOUNT}?person={people['gone'].pk}").content.decode()
    assert f'value="{people["gone"].pk}"' not in gone  # terminated: not offered


# A new enrolment link for an account that has no password yet ----------------------------

@pytest.fixture
def pending(db):
    """An agent account made by the CLI's service whose first link was never used."""
    from vaultdoor.identity.services.accounts import create_account

    account = create_account("newbie", role="agent", actor="cli")
    return account, enrolment.issue_link(account, created_by="cli")


def _link_url(account) -> str:
    return reverse("console:accounts:new_link", args=[account.pk])


def test_it_issues_a_new_link_shown_once_and_the_old_one_dies(admin, pending):
    account, first = pending
    client = admin("it")
    detail = client.get(reverse("console:accounts:account", args=[account.pk])).content.decode()
    assert _link_url(account) in detail
    response = _send(client, _link_url(account), {"reason": "first link expired"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = _code(response, "enrolment-link").rstrip("/").rsplit("/", 1)[1]
    assert enrolment.find_link(token).account == account
    with pytest.raises(enrolment.EnrolmentError):
        enrolment.find_link(first)
    event = AuditEvent.objects.filter(action="auth.enrolment_link").latest("seq")
    assert event.actor == "admin-it" and event.context["reason"] == "first link expired"
    assert token not in _everything_stored()


def test_no_new_link_for_an_account_with_a_password(admin, pending):
    account, _ = pending
    account.user.set_password("a-chosen-password-123")
    account.user.save()
    client = admin("it")
    assert _link_url(account) not in client.get(
        reverse("console:accounts:account", args=[account.pk])).content.decode()
    response = client.post(_link_url(account), {"reason": "first link expired", "once": "x"})
    assert response.status_code == 400 and "Reset second factors" in response.content.decode()
    assert EnrolmentLink.objects.filter(account=account).count() == 1


def test_new_link_needs_step_up_and_the_takeover_guard(admin, pending):
    account, _ = pending
    client = admin("it", stepped_up=False)
    assert client.post(_link_url(account), {"reason": "lost"})["Location"].startswith(STEP_UP)
    from vaultdoor.identity.services.accounts import create_account

    boss = create_account("newboss", role="security_admin", actor="cli")
    step_up(client)
    assert client.get(_link_url(boss)).status_code == 403
    assert client.post(_link_url(boss), {"reason": "lost", "once": "x"}).status_code == 403
    assert AuditEvent.objects.filter(action="auth.permission_denied",
                                     target_id=str(boss.pk)).exists()
    assert EnrolmentLink.objects.filter(account__in=[account, boss]).count() == 1
