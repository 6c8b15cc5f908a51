"""Browser-test fixtures: Playwright driving Debian's chromium (never `playwright install`).

Use them from any app's tests by importing them into that folder's `conftest.py`:

    from vaultdoor.testing.browser import browser_session, chromium  # noqa: F401

then write a test marked `browser` that takes `live_server` (pytest-django; it needs
`transactional_db`) and `browser_session`:

    @pytest.mark.browser
    def test_x(live_server, transactional_db, browser_session):
        page = browser_session.page
        browser_session.login(live_server.url, "ops", "a long password")
        ...
        assert browser_session.csp_violations() == []

`BrowserSession` records console errors, page errors and Content-Security-Policy violations so
a test can assert the page ran cleanly under the strict policy.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "BrowserSession", "browser_session", "chromium"]

CHROMIUM = os.environ.get("VAULTDOOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Runs in every page before its own scripts (through the DevTools protocol, so the page's CSP
# does not apply to it): collects every violation the browser reports.
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@dataclass
class BrowserSession:
    """One browser tab and what it reported: console messages, page errors, CSP violations."""

    page: Any
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    reported_violations: list[str] = field(default_factory=list)
    totp_secrets: dict[str, str] = field(default_factory=dict)
    last_totp_step: dict[str, int] = field(default_factory=dict)

    def login(self, base_url: str, username: str, password: str) -> None:
        """Sign in through the console's login page (the one the page is on, so its `next`
        is kept, else a fresh one) and wait for the page that follows."""
        if "/login/" not in self.page.url:
            self.page.goto(f"{base_url}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")
        # The identity app's second step: enrolled on first sign-in (the key read from the
        # page), given from the remembered key after that.
        self.second_factor(username)

    def second_factor(self, username: str) -> None:
        """Complete the second step of signing in if the page asks for it."""
        page = self.page
        if "/auth/enrol/" in page.url:
            secret = page.get_attribute("#totp-secret", "data-secret") or ""
            self.totp_secrets[username] = secret
            self.submit_totp(username)
            if "/auth/recovery-codes/" in page.url:
                page.click("#continue")
                page.wait_for_load_state("networkidle")
        elif "/auth/verify/" in page.url and username in self.totp_secrets:
            self.submit_totp(username)

    def submit_totp(self, username: str) -> None:
        """Type the current TOTP code (waiting for a fresh time step if this one was used)."""
        import time

        import pyotp

        totp = pyotp.TOTP(self.totp_secrets[username])
        while int(time.time()) // 30 <= self.last_totp_step.get(username, -1):
            time.sleep(0.5)  # a code is accepted once; the next one comes within 30 s
        step = int(time.time()) // 30
        self.last_totp_step[username] = step
        self.page.fill("#id_code", totp.at(step * 30))
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def collect(self) -> None:
        """Keep the violations of the current document before navigating away."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            found = self.page.evaluate("window.__cspViolations || []")
        except PlaywrightError:  # a closed or navigating page has nothing to report
            found = []
        self.reported_violations.extend(v for v in found if v not in self.reported_violations)

    def csp_violations(self) -> list[str]:
        """Every CSP violation seen: reported by the page's event or logged to the console."""
        self.collect()
        logged = [text for kind, text in self.console if "Content Security Policy" in text]
        return [*self.reported_violations, *logged]

    def errors(self) -> list[str]:
        """Console errors and uncaught page errors (a clean page has none)."""
        return [text for kind, text in self.console if kind == "error"] + self.page_errors


_SHARED: dict[str, Any] = {}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's chromium, launched once per test session through Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium with `make chromium` "
            "(never `playwright install`)",
            pytrace=False,
        )
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures, assertions) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if "browser" in _SHARED:
        # Several apps' conftests import this fixture, which makes one session fixture each;
        # Playwright's sync API can run only once per thread, so they share the first browser.
        yield _SHARED["browser"]
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _SHARED["browser"] = browser
        try:
            yield browser
        finally:
            _SHARED.pop("browser", None)
            browser.close()


@pytest.fixture
def browser_session(chromium: Any) -> Iterator[BrowserSession]:
    """A fresh browser context and tab (no cookies shared between tests)."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900},
                                   locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    context.add_init_script(_WATCH_CSP)
    page = context.new_page()
    session = BrowserSession(page)
    page.on("console", lambda message: session.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: session.page_errors.append(str(error)))
    try:
        yield session
    finally:
        context.close()
