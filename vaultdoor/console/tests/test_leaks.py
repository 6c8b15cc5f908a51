"""No answer of the server leaks, and every refusal is clean: the cross-cutting checks.

Every URL the project serves (the permission matrix's walk of the resolver) is requested as
anonymous, a superuser, every role and an account without one, with its real id, an id too
large for the database, a query string of nonsense, malformed JSON, and the methods it does not
take. Every answer is checked for what must never reach a page (session ids, the CSRF cookie's
value, the secret key, tracebacks, SQL, file paths, other users' email addresses, a customer's
plaintext) and for the headers every answer carries (CSP, framing refusal, nosniff,
Referrer-Policy, Permissions-Policy and `Cache-Control: no-store` on everything a signed-in user
or an API caller gets). Errors under
`/api/` are JSON, elsewhere the console's own error page.
"""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT
from vaultdoor.identity.roles import sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.identity.tests.test_permission_matrix import _cases

pytestmark = pytest.mark.django_db

# What no answer may contain (compared case-sensitively; the customer's values are the
# vault tests' canary, stored encrypted and revealed only by an audited reveal, never walked).
NEVER = ("Traceback", "File \"/", "site-packages", "/work/", "SECRET_KEY", "DATABASES",
         "OperationalError", "IntegrityError", "ProgrammingError", "SELECT ", "sqlite3",
         "psycopg", "victim-mail-7q@example.org", "Zebedee", "Canarywhistle", "4929123456789015",
         "4929 1234 5678", "canarynote-91c", "88442211", "Canaryquill")
HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
           "X-Frame-Options", "Cache-Control", "Permissions-Policy")
# A CSRF token (or the cookie) in an address, where logs, history and Referer would carry it.
TOKEN_IN_ADDRESS = re.compile(r"""(href|src|action|hx-[a-z]+)=["'][^"']*csrf""", re.I)
NONSENSE = ("?page=abc&limit=-5&offset=zz&period=bogus&q=%27%22%3Cx%3E%25&site=nope"
            "&ordering=password&at_after=notadate&kind=zz&status=zz&since=x&wait=nan")
_BIG = "9" * 30
HUGE = (f"?limit={_BIG}&offset={_BIG}&page={_BIG}&facility={_BIG}&number={_BIG}"
        f"&level={_BIG}&person={_BIG}&door={_BIG}&seq={_BIG}&since={_BIG}&id={_BIG}")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WALKERS = ("anonymous", "superuser", "agent", "supervisor", "no_role")
# The other roles open every page too (GET only: the refusals are the same as above).
READERS = ("security_admin", "facilities", "hr_vetting", "it", "auditor")
SESSION_ENDERS = {"identity:logout", "console:logout", "identity:logout_everywhere"}


def _write_key(path, seed: int) -> str:
    path.write_bytes(bytes([seed]) * 32)
    return f"file:{path}"


@pytest.fixture
def world(django_user_model, tmp_path, monkeypatch):
    """The example site, a customer in the vault, a victim with an email address, and one
    signed-in client per walker (second factor fresh, so step-up pages open)."""
    from vaultdoor.testing.seed import seed_example_site
    from vaultdoor.vault.keys import reset_keys
    from vaultdoor.vault.models import Queue
    from vaultdoor.vault.services.records import CustomerData, create_customer

    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"1={_write_key(tmp_path / 'kek1', 1)}")
    monkeypatch.setenv("VAULTDOOR_VAULT_INDEX_KEY", _write_key(tmp_path / "index", 9))
    reset_keys()
    seed_example_site()
    sync_roles()
    account_for(django_user_model.objects.create_user(
        "victim", email="victim-mail-7q@example.org"))
    queue = Queue.objects.create(code="billing", name="Billing")
    create_customer(queue, CustomerData(
        name="Zebedee Canarywhistle", phones=["07911 123456"],
        email="zebedee.canary-7f3a@example.org", postal_address="17 Canaryquill Lane",
        date_of_birth="1971-04-03", account_number="88442211",
        card_number="4929 1234 5678 9015", card_expiry="09/31", notes="canarynote-91c"),
        actor="test")
    clients = {"anonymous": Client(raise_request_exception=False)}
    for walker in (*WALKERS[1:], *READERS):
        if walker == "superuser":
            user = django_user_model.objects.create_superuser("root", email=None, password=None)
        else:
            user = django_user_model.objects.create_user(f"walker-{walker}")
            if walker != "no_role":
                assign_role(account_for(user), walker)
                queue.agents.add(user)
                queue.supervisors.add(user)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        session = client.session
        session[SESSION_SECOND_FACTOR_AT] = time.time() + 3600
        session.save()
        clients[walker] = client
    yield clients
    reset_keys()


def problems(client: Client, who: str, method: str, url: str, response) -> list[str]:
    """Everything wrong with one answer (empty when it is clean)."""
    found = []
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    for marker in (*NEVER, settings.SECRET_KEY, str(settings.DATA_DIR)):
        if marker in text:
            found.append(f"contains {marker[:40]!r}")
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if session is not None and session.value and session.value in text:
        found.append("contains the session id")
    csrf = client.cookies.get(settings.CSRF_COOKIE_NAME)
    if csrf is not None and csrf.value and csrf.value in text:
        found.append("contains the CSRF cookie's value")
    if TOKEN_IN_ADDRESS.search(text) or (
            "csrfmiddlewaretoken" in text and not content_type.startswith("text/html")):
        found.append("a CSRF token outside a form")
    if "messages" in response.cookies:
        found.append("message text in a cookie")
    for header in HEADERS:
        if not response.has_header(header):
            found.append(f"no {header}")
    policy = response.get("Content-Security-Policy", "")
    if "unsafe-inline" in policy or "unsafe-eval" in policy or "frame-ancestors 'none'" not in (
            policy):
        found.append(f"weak CSP {policy!r}")
    if "no-store" not in response.get("Cache-Control", "") and (
            who != "anonymous" or url.startswith("/api/")):
        found.append(f"cacheable: {response.get('Cache-Control')!r}")
    status = response.status_code
    if status >= 500:
        found.append("server error")
    if url.startswith("/api/") and "text/html" in content_type:
        found.append("the API answered HTML")
    api_error = url.startswith("/api/") and status >= 400 and method != "HEAD"
    if api_error and not content_type.startswith("application/json"):
        found.append(f"API error as {content_type}")
    # elsewhere the console's error page or a page of the app that says what is wrong, never
    # Django's technical or default pages
    page_error = not api_error and method != "HEAD" and status in (400, 403, 404, 405) and (
        content_type.startswith("text/html") or not body)
    if page_error and ("<title>" not in text or "Django" in text or "Request Method" in text):
        found.append("not the project's error page")
    return [f"{who} {method} {url} -> {status}: {p}" for p in found]


def _requests(url: str, method: str):
    """The variants tried against one URL: (method, url, body)."""
    if method == "GET":
        yield "GET", url, None
        yield "GET", url + NONSENSE, None
        yield "GET", url + "?q=%00&site=n%00pe", None  # PostgreSQL refuses NUL in text
        yield "GET", url + HUGE, None  # numbers past a bigint
        yield "BROWSE", url, None  # a browser's Accept header (the API once answered HTML)
        yield "HEAD", url, None
        huge = re.sub(r"/(\d+)(/|$)", r"/99999999999999999999999\2", url, count=1)
        if huge != url:
            yield "GET", huge, None
    yield "POST", url, "{}"
    yield "POST", url, '{"field": '
    yield "PUT", url, "{}"
    yield "DELETE", url, None
    yield "OPTIONS", url, None


def _send(client: Client, method: str, url: str, body: str | None):
    if method in ("POST", "PUT"):
        call = client.post if method == "POST" else client.put
        return call(url, body, content_type="application/json")
    if method == "BROWSE":
        return client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    return {"GET": client.get, "HEAD": client.head, "DELETE": client.delete,
            "OPTIONS": client.options}[method](url)


@pytest.mark.slow  # about 30 s: every URL, twelve users, a dozen variants each
def test_every_url_answers_every_walker_cleanly(world):
    cases = [case for case in _cases() if case[0] not in SESSION_ENDERS]
    found = []
    for who, client in world.items():
        for _name, url, method, _rule in cases:
            for verb, address, body in _requests(url, method):
                if who in READERS and verb not in ("GET", "BROWSE"):
                    continue
                found += problems(client, who, verb, address, _send(client, verb, address, body))
    assert found == [], "\n".join(found)


def test_the_checks_can_fail(world):
    """`problems` sees what it looks for (a check that never fires proves nothing)."""
    from django.http import HttpResponse

    client = world["superuser"]
    bare = HttpResponse(f"Traceback {settings.SECRET_KEY} "
                        f"{client.cookies[settings.SESSION_COOKIE_NAME].value}", status=500)
    found = " ".join(problems(client, "superuser", "GET", "/api/v1/x", bare))
    assert "outside a form" in " ".join(problems(client, "superuser", "GET", "/", HttpResponse(
        '<a href="/x?csrfmiddlewaretoken=abc">x</a>')))
    for expected in ("'Traceback'", "session id", "no Content-Security-Policy",
                     "no Cache-Control", "server error", "API error as text/html"):
        assert expected in found


# --- errors under /api/ are JSON; elsewhere the console's page --------------------------------

def _json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code and body["detail"]
    return body


def test_api_errors_outside_any_view_are_json(client, superuser, monkeypatch):
    from vaultdoor.api import views

    client.force_login(superuser)
    _json_error(client.get("/api/v1/no/such/endpoint"), 404, "not_found")
    _json_error(client.get("/api/v1/facilities/zones", HTTP_HOST="attacker.example"), 400,
                "bad_request")

    def explode(*args, **kwargs):
        raise RuntimeError("secret-marker: the database password is hunter2")

    monkeypatch.setattr(views.ZoneViewSet, "list", explode)
    crashing = Client(raise_request_exception=False)
    crashing.force_login(superuser)
    body = _json_error(crashing.get("/api/v1/facilities/zones"), 500, "server_error")
    assert "secret-marker" not in str(body) and "hunter2" not in str(body)


def test_console_errors_stay_pages(viewer_client):
    response = viewer_client.get("/no/such/page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "Not found" in response.content.decode()


def test_schema_refusals_are_json(client):
    assert client.get("/api/v1/schema/").status_code == 200
    response = client.post("/api/v1/schema/", {})
    assert response.status_code == 405 and response["Content-Type"] == "application/json"


# --- bodies too large for memory ------------------------------------------------------------

def test_an_oversized_json_body_is_refused_before_a_parser_reads_it(client, superuser, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.force_login(superuser)
    body = '{"door": "' + "x" * 20_000 + '"}'
    response = client.post("/api/v1/access/decisions", body, content_type="application/json")
    assert _json_error(response, 400, "too_large")["detail"] == "The request is too large."
    # just under the limit it reaches the view (which answers for the field)
    small = client.post("/api/v1/access/decisions", '{"door": "' + "x" * 9_000 + '"}',
                        content_type="application/json")
    assert small.status_code == 400 and "door" in small.json()


def test_an_oversized_form_gets_the_console_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post("/auth/login/", {"username": "x" * 20_000, "password": "y"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "The request is too large." in response.content.decode()


# --- headers on the answers that skip the views: static files, redirects, refusals -----------

def test_static_files_carry_the_security_headers(client):
    response = client.get("/static/console/favicon.svg")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src" not in policy and "unsafe" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(("path", "host"), [
    ("/", "testserver"),                                  # redirect to sign in
    ("/admin/login/", "testserver"),                      # answered by the identity middleware
    ("/", "attacker.example"),                            # refused before any view
])
def test_redirects_and_early_refusals_carry_the_headers(client, path, host):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code in (302, 400)
    for header in HEADERS:
        assert response.has_header(header), header
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_a_cache_header_set_by_a_view_gains_no_store_for_a_signed_in_user(rf, superuser):
    from django.http import HttpResponse

    from vaultdoor.server.middleware import PrivateByDefaultMiddleware

    def public_view(request):
        return HttpResponse("x", headers={"Cache-Control": "max-age=600, public"})

    request = rf.get("/somewhere/")
    request.user = superuser
    response = PrivateByDefaultMiddleware(public_view)(request)
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = PrivateByDefaultMiddleware(public_view)(request)
    assert response["Cache-Control"] == "max-age=600, public"  # public and anonymous: its own


# --- production transport: HTTPS only, HSTS, cookies locked ----------------------------------

PRODUCTION_PROBE = r"""
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="vaultdoor.example")
plain = client.get("/auth/login/")
secure = client.get("/auth/login/", secure=True)
api = client.get("/api/v1/facilities/zones", secure=True)
forged = client.get("/auth/login/", secure=True, HTTP_HOST="attacker.example")
cookie = secure.cookies["__Host-csrftoken"]
from django.test import RequestFactory
proxied = RequestFactory().get("/", HTTP_HOST="vaultdoor.example", secure=True,
                               HTTP_X_FORWARDED_HOST="attacker.example")
from django.conf import settings
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csrf_cookie": {"secure": bool(cookie["secure"]), "httponly": bool(cookie["httponly"]),
                    "samesite": cookie["samesite"], "path": cookie["path"],
                    "domain": cookie["domain"]},
    "session": [settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE,
                settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE,
                settings.SESSION_COOKIE_PATH, settings.SESSION_COOKIE_DOMAIN],
    "debug": settings.DEBUG,
    "link": proxied.build_absolute_uri("/auth/welcome/x/"),
    "api": [api.status_code, api["Content-Type"], api.get("Cache-Control", "")],
    "forged": [forged.status_code, forged.content.decode()[:2000]],
}))
"""


def test_production_answers_only_over_https_with_locked_cookies(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "VAULTDOOR_ENV": "production", "VAULTDOOR_DEBUG": "true",
           "VAULTDOOR_ALLOWED_HOSTS": "vaultdoor.example", "VAULTDOOR_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "vaultdoor.server.settings"}
    for name in ("VAULTDOOR_TEST_DATABASE_URL", "VAULTDOOR_DATABASE_URL",
                 "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], capture_output=True,
                            text=True, env=env, cwd=root, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://vaultdoor.example/auth/login/"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    # __Host- cookies: Secure, path /, no Domain (no subdomain can plant or overwrite them)
    assert seen["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Strict",
                                   "path": "/", "domain": ""}
    assert seen["session"] == ["__Host-sessionid", True, True, "Strict", "/", None]
    assert seen["debug"] is False  # VAULTDOOR_DEBUG is ignored in production
    # links the server writes (enrolment links) name its own host, never a forwarded one
    assert seen["link"] == "https://vaultdoor.example/auth/welcome/x/"
    assert seen["api"][0] == 403 and seen["api"][1] == "application/json"
    assert "no-store" in seen["api"][2]
    status, page = seen["forged"]
    assert status == 400 and "attacker.example" not in page and "ALLOWED_HOSTS" not in page


# --- CSRF: every POST a session can make needs the token --------------------------------------

def _takes_post(url: str) -> bool:
    from django.urls import resolve

    callback = resolve(url).func
    actions = getattr(callback, "actions", None)
    if actions:
        return "post" in actions
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view is None:
        return True  # a function view: try it
    names = getattr(view, "http_method_names", ())
    return hasattr(view, "post") and "post" in names


@pytest.mark.slow
def test_every_post_without_the_csrf_token_is_refused(world, django_user_model):
    from vaultdoor.audit.models import AuditEvent

    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(django_user_model.objects.create_superuser("csrf-root", email=None,
                                                                  password=None))
    client.get("/")  # the CSRF cookie is set, only the token is missing from the POSTs
    cache.clear()  # the audit cap counts refusals per address and minute
    before = AuditEvent.objects.order_by("seq").last().seq
    posts = sorted({url for _name, url, _m, _rule in _cases() if _takes_post(url)})
    assert len(posts) > 40  # the walk reaches the console, portal, vault, mail and the API
    passed = []
    for url in posts:
        if url.startswith("/api/"):
            response = client.post(url, "{}", content_type="application/json")
        else:
            response = client.post(url, {"reason": "a reason long enough", "confirm": "yes"})
        if response.status_code != 403:
            passed.append(f"{url} -> {response.status_code}")
            continue
        if not url.startswith("/api/"):
            assert "Form expired" in response.content.decode(), url
    # machine endpoints authenticate by their own tokens, not a session: no CSRF to check,
    # and this session gets nothing from them
    machines = [p for p in passed if p.startswith(("/api/v1/controllers/",
                                                   "/api/v1/vetting/webhook",
                                                   "/api/v1/access/decisions"))]
    assert [p for p in passed if p not in machines] == []
    assert all(p.split(" -> ")[1] in ("400", "401", "403") for p in machines), machines
    assert client.get("/").status_code == 200  # the logout POSTs did not end the session
    assert AuditEvent.objects.filter(seq__gt=before, action__in=[
        "vault.reveal", "vault.erase", "auth.logout", "auth.logout_everywhere"]).count() == 0
    # the refusals are audited, at most ten a minute from one address
    assert AuditEvent.objects.filter(seq__gt=before, action="auth.csrf_refused").count() == 10


def test_csrf_refusals_are_audited_console_and_api(viewer):
    from vaultdoor.audit.models import AuditEvent

    cache.clear()
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(viewer)
    response = client.post("/logout/", HTTP_ORIGIN="https://attacker.example")
    assert response.status_code == 403 and "Form expired" in response.content.decode()
    assert "attacker.example" not in response.content.decode()
    event = AuditEvent.objects.get(action="auth.csrf_refused")
    assert event.actor == "viewer" and event.target_id == "console:logout"
    assert "attacker.example" in event.context["reason"]

    response = client.post("/api/v1/customers/search", "{}", content_type="application/json")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert "CSRF" in response.json()["detail"]
    api = AuditEvent.objects.filter(action="auth.csrf_refused").latest("seq")
    assert api.target_id == "api:customer-search" and api.actor == "viewer"

    # a capability in the address (an enrolment link) never reaches the event
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/auth/welcome/secret-capability-42/", {}).status_code == 403
    welcome = AuditEvent.objects.filter(action="auth.csrf_refused").latest("seq")
    assert welcome.target_id == "identity:welcome"
    assert "secret-capability-42" not in str(welcome.context)

    # with the token, the same API call passes the check (and the role check answers)
    client.get("/")
    token = client.cookies["csrftoken"].value
    passed = client.post("/api/v1/customers/search", "{}", content_type="application/json",
                         HTTP_X_CSRFTOKEN=token)
    assert passed.status_code == 403 and "role may not" in passed.json()["detail"]


# --- open redirects: next= on sign-in, step-up, recovery codes, passkeys, the admin --------------

EVIL_NEXT = ["https://evil.example/", "//evil.example/", "///evil.example/", "/\\evil.example",
             "\\\\evil.example", "http:evil.example", "https:/evil.example", "javascript:alert(1)",
             " //evil.example", "\t//evil.example", "/\t/evil.example",
             "http://testserver@evil.example/",
             "data:text/html,<script>alert(1)</script>", "https://testserver.evil.example/",
             "%2F%2Fevil.example", "/%2F%2Fevil.example"]


def _lands_here(location: str) -> bool:
    """Whether a browser following `location` from http://testserver/ stays on this server
    (browsers drop tabs and newlines and read a backslash as a slash)."""
    from urllib.parse import urljoin, urlsplit

    cleaned = "".join(c for c in location if c not in "\t\n\r").strip().replace("\\", "/")
    target = urlsplit(urljoin("http://testserver/", cleaned))
    return target.scheme in ("http", "https") and target.hostname == "testserver"


@pytest.mark.parametrize("candidate", EVIL_NEXT)
def test_safe_next_keeps_every_redirect_on_this_server(rf, candidate):
    from vaultdoor.identity.views._flow import safe_next

    assert _lands_here(safe_next(rf.get("/"), candidate))


def test_safe_next_property(rf):
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from vaultdoor.identity.views._flow import safe_next

    pieces = st.sampled_from(["/", "\\", "//", ":", "@", "evil.example", "testserver", "http",
                              "https", "javascript", "\t", " ", "%2f", "?", "#", ".", "a"])

    @hsettings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=8).map("".join) | st.text(max_size=30))
    def check(candidate):
        assert _lands_here(safe_next(rf.get("/"), candidate)), candidate

    check()


@pytest.mark.parametrize("candidate", EVIL_NEXT[:6])
def test_sign_in_with_an_evil_next_lands_on_the_console(client, django_user_model, settings,
                                                        candidate):
    settings.VAULTDOOR_REQUIRE_SECOND_FACTOR = False
    django_user_model.objects.create_user("ops", password="a long console password 42")
    page = client.get("/auth/login/", {"next": candidate}).content.decode()
    assert 'name="next"' in page and "<script>alert" not in page
    response = client.post("/auth/login/", {"username": "ops", "next": candidate,
                                            "password": "a long console password 42"})
    assert response.status_code == 302 and _lands_here(response["Location"])
    assert response["Location"] == "/"
    # signed in, the login page sends a returning user on, never away
    again = client.get("/auth/login/", {"next": candidate})
    assert again.status_code == 302 and again["Location"] == "/"


def test_admin_login_and_recovery_codes_never_send_away(client, viewer):
    response = client.get("/admin/login/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and _lands_here(response["Location"])
    client.force_login(viewer)
    page = client.get("/auth/recovery-codes/", {"next": "https://evil.example/"})
    assert page.status_code == 200 and "evil.example" not in page.content.decode()
    step_up = client.get("/auth/step-up/", {"next": "//evil.example/"})
    assert step_up.status_code == 200


@pytest.mark.parametrize("path", ["/logout/", "/auth/logout/"])
@pytest.mark.parametrize("candidate", EVIL_NEXT[:6])
def test_sign_out_never_sends_away(client, viewer, path, candidate):
    client.force_login(viewer)
    response = client.post(f"{path}?next={candidate}", {"next": candidate})
    assert response.status_code == 302 and _lands_here(response["Location"]), response["Location"]


# --- the Django admin (staff only, outside the matrix): no stored secret on any page ---------

def test_admin_pages_show_no_stored_secret(world, django_user_model):
    from django.contrib import admin
    from django.contrib.sessions.models import Session

    from vaultdoor.people.models import Pin

    client = world["superuser"]
    secrets = [*Pin.objects.values_list("pin_hash", flat=True),
               *Session.objects.values_list("session_key", flat=True),
               *(p.split("$")[-1] for p in django_user_model.objects.exclude(
                   password="").values_list("password", flat=True) if "$" in p)]
    assert secrets  # the seed has PINs and the walkers have sessions
    found = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls = [f"/admin/{info[0]}/{info[1]}/", f"/admin/{info[0]}/{info[1]}/add/"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(f"/admin/{info[0]}/{info[1]}/{first.pk}/change/")
        for url in urls:
            response = client.get(url)
            text = response.content.decode(errors="replace")
            found += [f"{url}: a stored secret" for s in secrets if s and s in text]
            found += [p for p in problems(client, "superuser", "GET", url, response)
                      # managing users' addresses is what the admin's user pages are for
                      if not (url.startswith("/admin/auth/user/") and "victim-mail" in p)]
    assert found == [], "\n".join(found)


# --- NUL characters: refused before any query (PostgreSQL refuses them in text and JSON) -------

@pytest.mark.parametrize(("method", "path", "body", "content_type"), [
    ("get", "/?site=n%00pe", None, None),
    ("get", "/people/?q=%00", None, None),
    ("get", "/api/v1/people/people?q=a%00b", None, None),
    ("get", "/api/v1/facilities/zones/n%00pe", None, None),
    ("post", "/auth/login/", "username=a%00b&password=x", "application/x-www-form-urlencoded"),
    ("post", "/api/v1/customers/search", '{"phone": "0\\u0000"}', "application/json"),
])
def test_a_nul_character_is_a_400_not_a_server_error(viewer_client, northgate, method, path,
                                                     body, content_type):
    call = getattr(viewer_client, method)
    response = call(path, body, content_type=content_type) if body else call(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "bad_request"


def test_percent_zero_zero_as_text_passes(viewer_client, northgate):
    # "%00" typed into a form arrives as %2500; in JSON it is just text
    assert viewer_client.post("/auth/login/", "username=a%2500b&password=x",
                              content_type="application/x-www-form-urlencoded").status_code == 200
    response = viewer_client.post("/api/v1/customers/search", '{"phone": "%00"}',
                                  content_type="application/json")
    assert response.status_code == 403  # the role check answers: the body went through


def test_flash_messages_stay_on_the_server(rf, viewer):
    from django.contrib import messages
    from django.contrib.messages.storage import default_storage
    from django.contrib.messages.storage.session import SessionStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    request = rf.post("/")
    request.session, request.user = SessionStore(), viewer
    request._messages = default_storage(request)
    assert isinstance(request._messages, SessionStorage)
    messages.error(request, "Not saved: finding F-1 is adverse")
    response = HttpResponse()
    request._messages.update(response)
    assert "messages" not in response.cookies


def test_a_wrong_method_gets_the_console_page_or_json(viewer_client):
    page = viewer_client.get("/logout/")
    assert page.status_code == 405 and page["Allow"] and "POST" in page["Allow"]
    assert "Not allowed" in page.content.decode() and page["Content-Type"].startswith("text/html")
    assert "no-store" in page["Cache-Control"]


def test_a_capability_address_sends_only_its_origin_as_referer(client):
    page = client.get("/auth/welcome/not-a-real-token-42/")
    assert page["Referrer-Policy"] == "strict-origin"
    assert client.get("/auth/login/")["Referrer-Policy"] == "same-origin"
    # a view that chose its own policy keeps it (the mail gateway's click pages)
    assert client.get("/m/c/not-a-token")["Referrer-Policy"] in ("same-origin", "strict-origin")


def test_production_answers_no_test_host_by_default(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "VAULTDOOR_ENV": "production", "VAULTDOOR_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "vaultdoor.server.settings"}
    for name in ("VAULTDOOR_ALLOWED_HOSTS", "VAULTDOOR_TEST_DATABASE_URL",
                 "VAULTDOOR_DATABASE_URL"):
        env.pop(name, None)
    code = "import django; django.setup(); from django.conf import settings; " \
           "print(','.join(settings.ALLOWED_HOSTS))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=Path(__file__).resolve().parents[3], timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "127.0.0.1,localhost,[::1]"
