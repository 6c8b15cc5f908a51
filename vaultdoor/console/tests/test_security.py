"""The console under its strict Content-Security-Policy, its error pages and its sign-in."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.console.views.dashboard import DashboardView

from .conftest import PASSWORD
from .test_pages import PAGES, _url

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


class InlineCodeFinder(HTMLParser):
    """Collects everything the CSP would block or that smuggles code into a page."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value or "" for name, value in attrs}
        if tag == "script":
            self._in_script = True
            src = names.get("src", "")
            if not src.startswith("/static/"):
                self.problems.append(f"script without a same-origin src: {attrs}")
            self.scripts.append(src)
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "link" and names.get("rel") == "stylesheet" and not names.get(
                "href", "").startswith("/static/"):
            self.problems.append(f"stylesheet from elsewhere: {names.get('href')}")
        for name, value in names.items():
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on") or name.startswith("hx-on") or name.startswith("data-hx-on"):
                self.problems.append(f"event handler attribute {name} on <{tag}>")
            if value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name} on <{tag}>")
            if name in ("hx-vars", "hx-vals") and value.strip().startswith("js:"):
                self.problems.append(f"evaluated {name} on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("inline script body")


def inline_problems(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_catches_inline_code():
    html = ('<script>alert(1)</script><p style="color:red" onclick="x()">'
            '<a href="javascript:x()">x</a><style>p{}</style><div hx-on:click="x()"></div>')
    assert len(inline_problems(html)) == 7


def test_csp_header_is_strict(viewer_client, northgate):
    response = viewer_client.get(reverse("console:dashboard"))
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "perm", "pk", "text"), PAGES, ids=[p[0] for p in PAGES])
def test_no_inline_code_on_any_page(viewer_client, northgate, name, perm, pk, text):
    response = viewer_client.get(_url(name, pk))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert inline_problems(response.content.decode()) == []


@pytest.mark.parametrize("path", ["/", "/?period=24h", "/login/", "/nowhere/"])
def test_no_inline_code_on_dashboard_login_and_errors(viewer_client, northgate, path):
    response = viewer_client.get(path)
    assert inline_problems(response.content.decode()) == []
    assert "Content-Security-Policy" in response


def test_htmx_is_told_not_to_inject_styles_or_eval(viewer_client, northgate):
    page = viewer_client.get(reverse("console:dashboard")).content.decode()
    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page
    assert '"historyCacheSize": 0' in page  # no page snapshots in localStorage
    assert '/static/console/vendor/htmx.min.js' in page


LEAKS = ("Traceback", "sessionid", "csrfmiddlewaretoken", "SECRET_KEY", "DATABASES",
         "settings.py", "DEBUG", "django.", "secret-marker")


def _assert_no_leak(response):
    body = response.content.decode()
    for marker in LEAKS:
        assert marker not in body, marker
    assert inline_problems(body) == []


def test_404_page_leaks_nothing(viewer_client, northgate):
    response = viewer_client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
    _assert_no_leak(response)


def test_403_page_leaks_nothing(client, nobody):
    client.force_login(nobody)
    response = client.get(reverse("console:zone_list"))
    assert response.status_code == 403
    _assert_no_leak(response)


def test_400_page_leaks_nothing(viewer_client):
    response = viewer_client.get("/", HTTP_HOST="attacker.example")  # not an allowed host
    assert response.status_code == 400
    _assert_no_leak(response)


def test_500_page_leaks_nothing(viewer, monkeypatch):
    def explode(self, **kwargs):
        raise RuntimeError("secret-marker: the database password is hunter2")

    monkeypatch.setattr(DashboardView, "get_context_data", explode)
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    response = client.get(reverse("console:dashboard"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    _assert_no_leak(response)


def test_csrf_failure_page_leaks_nothing(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post(reverse("console:logout"))
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
    _assert_no_leak(response)


def test_sign_in_and_out_are_audited(client, django_user_model, settings):
    # The second factor is the identity app's to test (vaultdoor/identity/tests); here a
    # password-only sign-in shows the console's audit trail.
    settings.VAULTDOOR_REQUIRE_SECOND_FACTOR = False
    django_user_model.objects.create_user("ops", password=PASSWORD)
    login = reverse("identity:login")
    assert client.get(reverse("console:login"))["Location"] == login
    assert client.get(login).status_code == 200

    response = client.post(login, {"username": "ops", "password": "wrong password"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.target_id == "ops" and "wrong password" not in str(failed.context)

    response = client.post(login, {"username": "ops", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("console:dashboard")
    assert AuditEvent.objects.get(action="auth.login").actor == "ops"

    # Signing out takes a POST with the CSRF token; a link (GET) cannot do it.
    assert client.get(reverse("console:logout")).status_code == 405
    response = client.post(reverse("console:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="auth.logout").actor == "ops"
    assert client.get(reverse("console:dashboard")).status_code == 302


def test_signed_in_user_skips_the_login_page(viewer_client):
    response = viewer_client.get(reverse("console:login"))
    assert response.status_code == 302


def test_session_and_csrf_cookies_are_locked_down(client, django_user_model):
    django_user_model.objects.create_user("ops", password=PASSWORD)
    client.get(reverse("identity:login"))
    response = client.post(reverse("identity:login"), {"username": "ops", "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Strict"


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "VAULTDOOR_ENV": "production",
        "VAULTDOOR_ALLOWED_HOSTS": "vaultdoor.example",
        "VAULTDOOR_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "vaultdoor.server.settings",
    }
    # The browser tests switch Django's async guard off for this process; production never does.
    for name in ("VAULTDOOR_TEST_DATABASE_URL", "VAULTDOOR_DATABASE_URL", "VAULTDOOR_DEBUG",
                 "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False,
    )
    # --fail-level WARNING: any warning at all fails the command.
    assert result.returncode == 0, result.stdout + result.stderr
