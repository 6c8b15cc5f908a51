"""The identity API: the account and API-token inventories (`/api/v1/identity/`).

Who may read them (security admin, IT, auditor; not an agent, not anonymous), what they say
(counts and dates, every field of the OpenAPI document), what they never say (no secret or
hash of any fixture anywhere in an answer), their filters, their query count, and that a
token reads them only with the `read` scope and only within its owner's permissions.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vaultdoor.identity import clock
from vaultdoor.identity.choices import FailureKind
from vaultdoor.identity.constants import LOCKOUT_THRESHOLD
from vaultdoor.identity.models import AccountSession, ApiToken, WebAuthnCredential
from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services import totp
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.identity.services.enrolment import issue_link
from vaultdoor.identity.services.lockout import locked_until, locked_usernames, record_failure
from vaultdoor.identity.services.passwords import remember_password
from vaultdoor.identity.services.recovery import new_recovery_codes, use_recovery_code
from vaultdoor.identity.services.tokens import create_token

from .conftest import totp_code

pytestmark = pytest.mark.django_db

ACCOUNTS = reverse("api:identity-account-list")
TOKENS = reverse("api:identity-token-list")
READERS = ("security_admin", "it", "auditor")
PASSKEY_ID = "cGFzc2tleS1jcmVkZW50aWFsLWlkLWNhbmFyeQ"
PASSKEY_KEY = "pQECAyYgASFYIHB1YmxpYy1rZXktY2FuYXJ5LXZhbHVlLTAwMDAwMA"


def _account(make_user, username, role=None, **extra):
    account = account_for(make_user(username, **extra))
    if role:
        assign_role(account, role)
    return account


def _session(account, key, *, idle=dt.timedelta(0), age=dt.timedelta(0)):
    """A tracked session signed in `age` ago and last saved (used) `idle` ago, as Django's
    database store keeps it."""
    now = clock.now()
    expires = now - idle + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    Session.objects.create(session_key=key, session_data="", expire_date=expires)
    AccountSession.objects.create(account=account, session_key=key, created=now - age)


@pytest.fixture
def world(db, make_user):
    """Readers of every kind, and `mjones` with one of everything that must stay secret (and
    an email address, which only superusers see, in Django's admin)."""
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Person

    sync_roles()
    secrets: list[str] = []
    viewers = {role: _account(make_user, f"viewer-{role}", role).user
               for role in (*READERS, "agent")}
    site = Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")
    person = Person.objects.create(site=site, code="E2001", name="Mo Jones", kind="employee")
    mjones = _account(make_user, "mjones", "supervisor", email="mjones@example.test")
    mjones.person = person
    mjones.save(update_fields=["person"])
    remember_password(mjones.user)
    secrets += [mjones.user.password, *mjones.passwords.values_list("password_hash", flat=True),
                "mjones@example.test"]  # others' addresses: superusers only (test_leaks)
    device, secret = totp.start_enrolment(mjones)
    assert totp.confirm_device(device, totp_code(secret, clock.now()))
    _, unconfirmed = totp.start_enrolment(mjones, name="never confirmed")
    device.refresh_from_db()
    secrets += [secret, unconfirmed, device.sealed_secret]
    WebAuthnCredential.objects.create(account=mjones, credential_id=PASSKEY_ID,
                                      public_key=PASSKEY_KEY, created=clock.now())
    secrets += [PASSKEY_ID, PASSKEY_KEY]
    codes = new_recovery_codes(mjones)
    assert use_recovery_code(mjones, codes[0])
    secrets += [*codes, *mjones.recovery_codes.values_list("code_hash", flat=True)]
    secrets.append(issue_link(mjones))
    secrets += list(mjones.enrolment_links.values_list("token_hash", flat=True))
    _session(mjones, "live-session-key-canary-000000001", idle=dt.timedelta(minutes=14))
    _session(mjones, "idle-session-key-canary-000000002", idle=dt.timedelta(minutes=16))
    _session(mjones, "aged-session-key-canary-000000003", age=dt.timedelta(hours=12, minutes=1))
    _session(mjones, "gone-session-key-canary-000000004", idle=dt.timedelta(hours=13))
    secrets += list(AccountSession.objects.values_list("session_key", flat=True))
    for _ in range(LOCKOUT_THRESHOLD):
        record_failure("MJones", FailureKind.PASSWORD)  # counted case-folded
    bare = _account(make_user, "zz-bare")  # no role, no factor, disabled
    bare.user.is_active = False
    bare.user.save(update_fields=["is_active"])
    tokens = {}
    for name, scopes in (("siem feed", ["read"]), ("old feed", ["read"]),
                         ("door bridge", ["decide"])):
        tokens[name], raw = create_token(mjones, name, scopes)
        secrets += [raw, raw.partition(".")[2], tokens[name].secret_hash]
    ApiToken.objects.filter(name="old feed").update(expires=clock.now() - dt.timedelta(days=1))
    ApiToken.objects.filter(name="door bridge").update(revoked_at=clock.now())
    return {"viewers": viewers, "mjones": mjones, "bare": bare, "tokens": tokens,
            "secrets": secrets}


def _by_name(body, key="username"):
    return {row[key]: row for row in body["results"]}


@pytest.mark.parametrize("role", READERS)
def test_readers_list_and_open_accounts(client, world, role):
    client.force_login(world["viewers"][role])
    response = client.get(ACCOUNTS)
    assert response.status_code == 200, response.content
    rows = _by_name(response.json())
    assert set(rows) == {"mjones", "zz-bare", *(f"viewer-{r}" for r in (*READERS, "agent"))}
    mjones = rows["mjones"]
    assert mjones == {
        "id": world["mjones"].pk, "username": "mjones", "role": "supervisor", "active": True,
        "superuser": False, "person": "E2001", "date_joined": mjones["date_joined"],
        "last_login": None,
        "password_changed_at": mjones["password_changed_at"], "must_change_password": False,
        "second_factor_required": True, "totp_devices": 1, "passkeys": 1,
        "recovery_codes_left": 9, "has_second_factor": True, "active_sessions": 1,
        "locked": True,
    }
    assert mjones["date_joined"] and mjones["password_changed_at"]
    bare = rows["zz-bare"]
    assert (bare["role"], bare["active"], bare["person"], bare["has_second_factor"],
            bare["locked"], bare["active_sessions"]) == (None, False, None, False, False, 0)
    detail = client.get(reverse("api:identity-account-detail", args=[world["mjones"].pk]))
    assert detail.status_code == 200 and detail.json() == mjones


@pytest.mark.parametrize("role", READERS)
def test_readers_list_and_open_tokens(client, world, role):
    client.force_login(world["viewers"][role])
    response = client.get(TOKENS)
    assert response.status_code == 200, response.content
    rows = _by_name(response.json(), "name")
    siem = world["tokens"]["siem feed"]
    assert rows["siem feed"] == {
        "id": siem.pk, "key_id": siem.key_id, "name": "siem feed", "owner": "mjones",
        "scopes": ["read"], "created": rows["siem feed"]["created"],
        "expires": rows["siem feed"]["expires"], "last_used": None, "revoked_at": None,
        "status": "active",
    }
    assert rows["old feed"]["status"] == "expired"
    assert rows["door bridge"]["status"] == "revoked" and rows["door bridge"]["revoked_at"]
    detail = client.get(reverse("api:identity-token-detail", args=[siem.pk]))
    assert detail.status_code == 200 and detail.json() == rows["siem feed"]


def test_an_agent_and_anonymous_get_nothing(client, world):
    urls = [ACCOUNTS, TOKENS, reverse("api:identity-account-detail", args=[world["mjones"].pk]),
            reverse("api:identity-token-detail", args=[world["tokens"]["siem feed"].pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (401, 403), url
        assert "mjones" not in response.content.decode()
    client.force_login(world["viewers"]["agent"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("role", READERS)
def test_no_secret_hash_or_email_address_is_ever_answered(client, world, role):
    client.force_login(world["viewers"][role])
    text = "".join(client.get(url).content.decode() for url in (
        ACCOUNTS, TOKENS, reverse("api:identity-account-detail", args=[world["mjones"].pk]),
        *(reverse("api:identity-token-detail", args=[t.pk])
          for t in world["tokens"].values())))
    assert "mjones" in text and "siem feed" in text
    leaked = [secret for secret in world["secrets"] if secret and secret in text]
    assert leaked == []
    for name in ("password", "secret", "hash", "credential_id", "public_key", "session_key",
                 "sealed", "email"):
        assert f'"{name}' not in text.replace('"password_changed_at"', "").replace(
            '"must_change_password"', ""), name


def test_account_filters(client, world):
    client.force_login(world["viewers"]["auditor"])

    def names(query):
        response = client.get(f"{ACCOUNTS}?{query}")
        assert response.status_code == 200, (query, response.content)
        return set(_by_name(response.json()))

    assert names("role=supervisor") == {"mjones"}
    assert names("role=it") == {"viewer-it"}
    assert names("active=false") == {"zz-bare"}
    assert "zz-bare" not in names("active=true")
    assert names("has_second_factor=true") == {"mjones"}
    assert "mjones" not in names("has_second_factor=false")
    assert "zz-bare" in names("has_second_factor=false")
    refused = client.get(f"{ACCOUNTS}?role=wizard")
    assert refused.status_code == 400 and "role" in refused.json()


def test_a_passkey_alone_or_a_confirmed_app_alone_is_a_second_factor(client, world):
    mjones = world["mjones"]
    mjones.webauthn_credentials.all().delete()
    client.force_login(world["viewers"]["auditor"])
    assert "mjones" in _by_name(client.get(f"{ACCOUNTS}?has_second_factor=true").json())
    mjones.totp_devices.filter(confirmed=True).delete()  # the unconfirmed one stays
    rows = _by_name(client.get(f"{ACCOUNTS}?has_second_factor=false").json())
    assert rows["mjones"]["totp_devices"] == 0 and not rows["mjones"]["has_second_factor"]
    assert rows["mjones"]["recovery_codes_left"] == 9  # recovery codes alone are not one


def test_token_filters(client, world):
    client.force_login(world["viewers"]["it"])

    def names(query):
        response = client.get(f"{TOKENS}?{query}")
        assert response.status_code == 200, (query, response.content)
        return set(_by_name(response.json(), "name"))

    assert names("status=active") == {"siem feed"}
    assert names("status=expired") == {"old feed"}
    assert names("status=revoked") == {"door bridge"}
    assert names("owner=mjones") == {"siem feed", "old feed", "door bridge"}
    assert names("owner=nobody") == set()
    refused = client.get(f"{TOKENS}?status=sleeping")
    assert refused.status_code == 400 and "status" in refused.json()


def test_a_session_just_saved_by_the_store_is_active_and_ending_it_is_seen(client, world):
    """The store's own save (not a row made by hand) counts as a use now; signing out (the
    sign-out signal forgets the tracked session) takes it off the count."""
    from importlib import import_module

    from vaultdoor.identity.services.sessions import active_sessions, end_sessions

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.create()
    bare = world["bare"]
    AccountSession.objects.create(account=bare, session_key=store.session_key,
                                  created=clock.now())
    assert active_sessions().filter(account=bare).count() == 1
    client.force_login(world["viewers"]["auditor"])
    url = reverse("api:identity-account-detail", args=[bare.pk])
    assert client.get(url).json()["active_sessions"] == 1
    end_sessions(bare)
    assert client.get(url).json()["active_sessions"] == 0


def test_locked_is_the_lockout_services_answer(world, client, make_user):
    """The page's one query agrees with `locked_until`, the sign-in's own check, either kind,
    and counts user ids the way sign-in does (case-folded)."""
    assert locked_until("mjones", FailureKind.PASSWORD) is not None
    assert locked_usernames(["mjones", "zz-bare", "MJONES"]) == {"mjones", "MJONES"}
    _account(make_user, "KLee")
    for _ in range(LOCKOUT_THRESHOLD):
        record_failure("klee ", FailureKind.PASSWORD)  # as typed at the sign-in page
    assert locked_until("KLee", FailureKind.PASSWORD) is not None
    assert locked_usernames(["KLee"]) == {"KLee"}
    client.force_login(world["viewers"]["auditor"])
    assert _by_name(client.get(ACCOUNTS).json())["KLee"]["locked"] is True
    record_failure("zz-bare", FailureKind.SECOND_FACTOR)
    assert locked_usernames(["zz-bare"]) == set()
    for _ in range(LOCKOUT_THRESHOLD):
        record_failure("zz-bare", FailureKind.SECOND_FACTOR)
    assert locked_usernames(["zz-bare"]) == {"zz-bare"}
    later = clock.now() + dt.timedelta(hours=1)
    assert locked_until("mjones", FailureKind.PASSWORD, later) is None
    assert locked_usernames(["mjones", "zz-bare"], later) == set()


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_page_costs_the_same_queries_for_3_or_30_accounts(client, world, make_user,
                                                            django_assert_max_num_queries):
    client.force_login(world["viewers"]["auditor"])
    few = _list_queries(client, ACCOUNTS)
    for number in range(25):
        account = _account(make_user, f"bulk-{number:02}", "agent")
        device, secret = totp.start_enrolment(account)
        assert totp.confirm_device(device, totp_code(secret, clock.now()))
        new_recovery_codes(account)
        _session(account, f"bulk-session-{number:02}-{'x' * 20}")
        create_token(account, "bulk", ["read"])
    assert client.get(ACCOUNTS).json()["count"] >= 30
    with django_assert_max_num_queries(few):
        client.get(ACCOUNTS)
    with django_assert_max_num_queries(8):
        assert client.get(TOKENS).json()["count"] >= 28


def test_a_token_reads_only_with_the_read_scope_and_its_owners_permissions(client, world,
                                                                          make_user):
    auditor = account_for(world["viewers"]["auditor"])
    agent = account_for(world["viewers"]["agent"])
    admin = account_for(world["viewers"]["security_admin"])

    def status(account, scopes, url=ACCOUNTS):
        _, raw = create_token(account, "probe", scopes)
        return client.get(url, HTTP_AUTHORIZATION=f"Token {raw}").status_code

    assert status(auditor, ["read"]) == 200
    assert status(auditor, ["read"], TOKENS) == 200
    assert status(admin, ["write"]) == 200
    assert status(auditor, ["decide"]) == 403  # decide is not reading
    assert status(auditor, ["decide"], TOKENS) == 403
    assert status(agent, ["read", "write"]) == 403  # never beyond the owner
    revoked, raw = create_token(auditor, "gone", ["read"])
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=clock.now())
    assert client.get(ACCOUNTS, HTTP_AUTHORIZATION=f"Token {raw}").status_code in (401, 403)


def test_nothing_is_written_through_the_api(client, world):
    _, raw = create_token(account_for(world["viewers"]["security_admin"]), "all", ["write"])
    auth = {"HTTP_AUTHORIZATION": f"Token {raw}"}
    pk = world["mjones"].pk
    detail = reverse("api:identity-account-detail", args=[pk])
    token = reverse("api:identity-token-detail", args=[world["tokens"]["siem feed"].pk])
    body = {"username": "x", "role": "security_admin", "scopes": ["write"]}
    for method, url in (("post", ACCOUNTS), ("post", TOKENS), ("put", detail),
                        ("patch", detail), ("delete", detail), ("delete", token)):
        response = getattr(client, method)(url, body, content_type="application/json", **auth)
        assert response.status_code == 405, (method, url, response.status_code)
    world["mjones"].refresh_from_db()
    assert world["mjones"].role == "supervisor"
    assert ApiToken.objects.get(name="siem feed").revoked_at is None


def test_the_openapi_document_describes_what_is_answered(client, world):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"/api/v1/identity/accounts", "/api/v1/identity/accounts/{id}",
            "/api/v1/identity/tokens", "/api/v1/identity/tokens/{id}"} <= set(paths)
    for path in paths:
        if path.startswith("/api/v1/identity/"):
            assert set(paths[path]) == {"get"}, path  # read only
    components = schema["components"]["schemas"]
    filters = {p["name"] for p in paths["/api/v1/identity/accounts"]["get"]["parameters"]}
    assert filters == {"limit", "offset", "role", "active", "has_second_factor"}
    filters = {p["name"] for p in paths["/api/v1/identity/tokens"]["get"]["parameters"]}
    assert filters == {"limit", "offset", "status", "owner"}
    account, token = components["Account"]["properties"], components["ApiToken"]["properties"]
    assert account["locked"]["type"] == "boolean" and account["passkeys"]["type"] == "integer"
    assert account["person"]["nullable"] and account["role"]["nullable"]
    assert token["scopes"]["type"] == "array"

    client.force_login(world["viewers"]["security_admin"])
    assert set(client.get(ACCOUNTS).json()["results"][0]) == set(account)
    assert set(client.get(TOKENS).json()["results"][0]) == set(token)


def test_a_disabled_owners_token_is_not_active_anywhere(client, world, django_user_model):
    # Sign-in refuses a token whose owner is disabled (authenticate_token); the API and the
    # console's list say so rather than call it active (the owner disabled through the admin,
    # whose path does not revoke tokens as the console's disable does).
    owner = django_user_model.objects.create_user("leaver")
    assign_role(account_for(owner), "auditor")
    _, raw = create_token(account_for(owner), "leaver feed", ["read"])
    assert client.get(ACCOUNTS, HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert client.get(ACCOUNTS, HTTP_AUTHORIZATION=f"Token {raw}").status_code in (401, 403)
    client.force_login(world["viewers"]["it"])
    rows = _by_name(client.get(TOKENS).json(), "name")
    assert rows["leaver feed"]["status"] == "owner_disabled"
    listed = _by_name(client.get(f"{TOKENS}?status=owner_disabled").json(), "name")
    assert set(listed) == {"leaver feed"}
    assert "leaver feed" not in _by_name(client.get(f"{TOKENS}?status=active").json(), "name")
    console = client.get("/accounts/tokens/").content.decode()  # "Live" by default
    assert "leaver feed" not in console and "siem feed" in console
    shown = client.get("/accounts/tokens/?state=owner_disabled").content.decode()
    assert "leaver feed" in shown and "siem feed" not in shown and "Owner disabled</td>" in shown
