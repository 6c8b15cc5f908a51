"""Sessions (idle, absolute, log out everywhere, new key at login), step-up, and API tokens
(scoped, expiring, hashed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity.authentication import scope_allows
from vaultdoor.identity.models import ApiToken
from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.identity.services.tokens import TokenError, create_token
from vaultdoor.identity.stepup import has_recent_second_factor, require_recent_second_factor

from .conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db


def _sign_in(client, secret, clock):
    client.post("/auth/login/", {"username": "mjones", "password": PASSWORD})
    response = client.post(reverse("identity:verify"), {"code": totp_code(secret, clock())})
    assert response.status_code == 302, response.content
    clock.advance(seconds=30)  # each sign-in spends a step


def test_idle_timeout_after_fifteen_minutes(client, enrolled_user, fake_clock):
    _, secret = enrolled_user
    _sign_in(client, secret, fake_clock)
    fake_clock.advance(minutes=14)
    assert client.get(reverse("identity:portal")).status_code == 200
    fake_clock.advance(minutes=14)  # activity above restarted the idle clock
    assert client.get(reverse("identity:portal")).status_code == 200
    fake_clock.advance(minutes=15, seconds=30)
    response = client.get(reverse("identity:portal"))
    assert response.status_code == 302 and "login/?next=" in response["Location"]
    event = AuditEvent.objects.filter(action="auth.session_expired").last()
    assert event.context["reason"] == "idle"


def test_absolute_limit_of_twelve_hours(client, enrolled_user, fake_clock):
    _, secret = enrolled_user
    _sign_in(client, secret, fake_clock)
    for _ in range(12 * 6):  # busy all day, a click every ten minutes
        fake_clock.advance(minutes=10)
        response = client.get(reverse("identity:portal"))
        if response.status_code != 200:
            break
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="auth.session_expired").last()
    assert event.context["reason"] == "absolute_limit"


def test_log_out_everywhere_ends_other_sessions(enrolled_user, fake_clock):
    _, secret = enrolled_user
    desk, phone = Client(), Client()
    _sign_in(desk, secret, fake_clock)
    _sign_in(phone, secret, fake_clock)
    assert desk.session.session_key != phone.session.session_key
    page = phone.get(reverse("identity:portal")).content.decode()
    assert page.count("</li>", page.index('id="sessions"')) >= 2 and "(this one)" in page
    desk.post(reverse("identity:logout_everywhere"))
    assert phone.get(reverse("identity:portal")).status_code == 302
    assert desk.get(reverse("identity:portal")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout_everywhere").last().context[
        "sessions"] == 2


def test_end_one_other_session_from_the_portal(enrolled_user, fake_clock):
    from vaultdoor.identity.models import AccountSession

    _, secret = enrolled_user
    desk, phone = Client(), Client()
    _sign_in(desk, secret, fake_clock)
    _sign_in(phone, secret, fake_clock)
    phone_row = AccountSession.objects.get(session_key=phone.session.session_key)
    desk_row = AccountSession.objects.get(session_key=desk.session.session_key)
    page = desk.get(reverse("identity:portal")).content.decode()
    assert reverse("identity:end_session", args=[phone_row.pk]) in page
    assert reverse("identity:end_session", args=[desk_row.pk]) not in page  # not this one
    # this session cannot be ended this way, nor someone else's (404 either way)
    assert desk.post(reverse("identity:end_session", args=[desk_row.pk])).status_code == 404
    response = desk.post(reverse("identity:end_session", args=[phone_row.pk]))
    assert response["Location"] == reverse("identity:portal")
    assert phone.get(reverse("identity:portal")).status_code == 302  # the phone is signed out
    assert desk.get(reverse("identity:portal")).status_code == 200
    event = AuditEvent.objects.filter(action="auth.session_expired").last()
    assert event.context["reason"] == "ended_from_portal"
    assert desk.post(reverse("identity:end_session", args=[phone_row.pk])).status_code == 404


def test_signing_out_forgets_the_session(client, enrolled_user, fake_clock):
    from vaultdoor.identity.models import AccountSession

    _, secret = enrolled_user
    _sign_in(client, secret, fake_clock)
    assert AccountSession.objects.filter(session_key=client.session.session_key).exists()
    client.post(reverse("console:logout"))
    assert not AccountSession.objects.exists()


def test_session_key_changes_at_sign_in(client, enrolled_user, fake_clock):
    _, secret = enrolled_user
    client.get("/auth/login/")
    keys = [client.session.session_key]
    client.post("/auth/login/", {"username": "mjones", "password": PASSWORD})
    keys.append(client.session.session_key)
    client.post(reverse("identity:verify"), {"code": totp_code(secret, fake_clock())})
    keys.append(client.session.session_key)
    assert len(set(keys)) == 3


def test_step_up_needs_a_second_factor_within_fifteen_minutes(client, enrolled_user,
                                                              fake_clock):
    _, secret = enrolled_user

    @require_recent_second_factor(minutes=15)
    def reveal(request):
        return HttpResponse("customer data")

    _sign_in(client, secret, fake_clock)
    factory = RequestFactory()

    def call():
        request = factory.get("/reveal/")
        request.session = client.session
        request.user = account_for_user()
        return reveal(request)

    def account_for_user():
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username="mjones")

    assert call().status_code == 200
    fake_clock.advance(minutes=10)
    assert client.get(reverse("identity:portal")).status_code == 200  # still active
    fake_clock.advance(minutes=6)
    response = call()
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/step-up/?next=%2Freveal%2F")
    # step up through the page, then the action is allowed again
    step = client.post("/auth/step-up/?next=/reveal/", {"code": totp_code(secret, fake_clock())})
    assert step.status_code == 302 and step["Location"] == "/reveal/"
    assert has_recent_second_factor(type("R", (), {"session": client.session,
                                                   "user": account_for_user()})())
    assert AuditEvent.objects.filter(action="auth.step_up").exists()


def test_scopes_narrow_never_widen():
    assert scope_allows(["read"], "people.view_person")
    assert not scope_allows(["read"], "people.change_person")
    assert not scope_allows(["read"], "access.decide")
    assert scope_allows(["decide"], "access.decide")
    assert not scope_allows(["decide"], "people.view_person")
    assert scope_allows(["write"], "people.change_person")


@pytest.fixture
def integration(make_user):
    sync_roles()
    user = make_user("hr-sync")
    account = account_for(user)
    assign_role(account, "supervisor")
    return account


def test_api_token_reads_within_scope_and_owner_permissions(client, integration):
    row, token = create_token(integration, "hr feed", ["read"])
    assert token.split(".")[1] not in row.secret_hash
    assert ApiToken.objects.get().secret_hash == row.secret_hash
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get("/api/v1/people/people", **auth).status_code == 200
    # the owner (a supervisor) cannot read roles: neither can the token
    assert client.get("/api/v1/access/roles", **auth).status_code == 403
    # read scope cannot ask for decisions
    assert client.post("/api/v1/access/decisions", {}, content_type="application/json",
                       **auth).status_code == 403
    assert client.get("/api/v1/people/people").status_code in (401, 403)


def test_expired_revoked_and_wrong_tokens_are_refused(client, integration, fake_clock):
    _, token = create_token(integration, "hr feed", ["read"], dt.timedelta(days=1))
    url = "/api/v1/people/people"
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    key_id = token.split(".")[0]
    for bad in (f"{key_id}.wrong", "nope.nope", key_id, "a.b.c"):
        assert client.get(url, HTTP_AUTHORIZATION=f"Token {bad}").status_code in (401, 403), bad
    fake_clock.advance(days=1)
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403)
    _, other = create_token(integration, "second", ["read"])
    ApiToken.objects.filter(key_id=other.split(".")[0]).update(revoked_at=fake_clock())
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {other}").status_code in (401, 403)


def test_token_creation_rules(integration):
    with pytest.raises(TokenError):
        create_token(integration, "x", ["admin"])
    with pytest.raises(TokenError):
        create_token(integration, "x", [])
    with pytest.raises(TokenError):
        create_token(integration, "x", ["read"], dt.timedelta(days=400))


def test_tokens_are_stored_as_a_hash_only(integration):
    row, token = create_token(integration, "hr feed", ["read"])
    key_id, secret = token.split(".")
    stored = ApiToken.objects.get(pk=row.pk)
    assert stored.key_id == key_id and len(stored.secret_hash) == 64
    assert secret not in {str(v) for v in ApiToken.objects.filter(pk=row.pk).values().get()
                          .values()}
    assert stored.expires - stored.created == dt.timedelta(days=90)


def test_refused_tokens_are_audited_without_the_secret_and_capped(client, integration):
    from django.core.cache import cache

    from vaultdoor.identity.authentication import REFUSALS_AUDITED_PER_MINUTE

    cache.clear()
    _, token = create_token(integration, "hr feed", ["read"])
    key_id = token.split(".")[0]
    url = "/api/v1/people/people"
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {key_id}.wrong-secret").status_code in (
        401, 403)
    event = AuditEvent.objects.get(action="auth.token_refused")
    assert event.target_id == key_id and "wrong-secret" not in str(event.context)
    assert event.context["reason"] == "unknown, expired or revoked"
    for _ in range(REFUSALS_AUDITED_PER_MINUTE + 5):
        client.get(url, HTTP_AUTHORIZATION="Token nope.nope")
    assert AuditEvent.objects.filter(action="auth.token_refused").count() == (
        REFUSALS_AUDITED_PER_MINUTE)
    cache.clear()
