"""Click-time links (`/m/c/<token>`) and one-click report links (`/m/r/<token>`).

Nobody needs to be signed in: the signed token is the capability, and it only ever leads to
the URL that was in the message. A person's click is a GET from a browser long enough after
delivery, or the press of the button on a warning or confirmation page; HEAD requests,
prefetches and scanners' fetches are recorded as what they are and never redirected.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from ..campaigns import CAMPAIGN_PREFIX
from ..choices import ClickKindChoices
from ..clicktime import EARLY_SECONDS, UrlCheck, check_url, classify_fetch, csp_origin
from ..mail_settings import gateway_settings, link_max_age
from ..services import one_click_report, record_click
from ..tokens import (
    ClickToken,
    ExpiredToken,
    InvalidToken,
    read_click_token,
    read_report_token,
)

__all__ = ["ClickView", "ReportLinkView"]

logger = logging.getLogger(__name__)


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "mail/link_invalid.html", status=400)


def _expired(request: HttpRequest, clicked: ClickToken) -> HttpResponse:
    """410 Gone: the link is genuine but older than VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS. Neither
    redirected nor counted as a click, and the target is not shown."""
    logger.info("expired click-time link for delivery %s", clicked.ref)
    days = round(link_max_age() / 86400)
    return _private(render(request, "mail/link_expired.html", {"days": days}, status=410))


def _report_expired(request: HttpRequest) -> HttpResponse:
    """410 Gone for a report link older than the links' maximum age: nothing is reported."""
    days = round(link_max_age() / 86400)
    return _private(render(request, "mail/link_expired.html",
                           {"days": days, "report": True}, status=410))


def _page(request: HttpRequest, template: str, token: ClickToken, check: UrlCheck,
          **extra: Any) -> HttpResponse:
    response = render(request, template, {"check": check, "clicked": token, **extra})
    origin = csp_origin(token.url) if check.openable else None
    if origin:
        # The page's form posts here and is redirected to the target: allow that one origin.
        response._csp_update = {"form-action": [origin]}
    response["Cache-Control"] = "no-store"
    # strict-origin, not no-referrer: a form posted under no-referrer carries "Origin: null",
    # which CSRF protection refuses; not same-origin, which would send the token in the URL
    # with every request for the page's stylesheet. The redirect itself says no-referrer.
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "strict-origin"  # the origin, never the token in the URL
    return response


def _go(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response["Referrer-Policy"] = "no-referrer"  # the click-time token stays here
    response["Cache-Control"] = "no-store"
    return response


class ClickView(View):
    """A rewritten link: re-check the target, record the fetch, warn or redirect."""

    http_method_names = ["get", "head", "post"]

    def _read(self, token: str) -> tuple[ClickToken, UrlCheck] | ClickToken | None:
        """The token and the check of its URL; only the token when it has expired; None when
        it is not genuine."""
        try:
            clicked = read_click_token(token)
        except InvalidToken:
            return None
        if clicked.expired(link_max_age()):
            return clicked
        if clicked.ref.startswith(CAMPAIGN_PREFIX):
            # Our own simulated phish: the target is the campaign's landing page, chosen by the
            # security team; only the fetch is judged (a warning would spoil the exercise).
            parts = urlsplit(clicked.url)
            openable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
            return clicked, UrlCheck(url=clicked.url, host=(parts.hostname or "")[:253],
                                     openable=openable)
        # The organisation's domains, else the recipient's (as the analyser does per message).
        domains = gateway_settings()["org_domains"] or (clicked.recipient.rpartition("@")[2],)
        return clicked, check_url(clicked.url, tuple(d for d in domains if d))

    def head(self, request: HttpRequest, token: str) -> HttpResponse:
        found = self._read(token)
        if found is None:
            return HttpResponse(status=400)
        if isinstance(found, ClickToken):
            return HttpResponse(status=410, headers={"Cache-Control": "no-store"})
        record_click(*found, ClickKindChoices.SCANNER, request)
        return HttpResponse(status=200, headers={"Cache-Control": "no-store"})

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        found = self._read(token)
        if found is None:
            return _invalid(request)
        if isinstance(found, ClickToken):
            return _expired(request, found)
        clicked, check = found
        fetch = classify_fetch("GET", request.headers, request.headers.get("User-Agent", ""))
        if not check.openable:
            record_click(clicked, check, ClickKindChoices.BLOCKED, request)
            return _page(request, "mail/link_blocked.html", clicked, check)
        warn = check.risky or clicked.verdict == "suspicious"
        early = time.time() - clicked.delivered_at < EARLY_SECONDS
        if fetch != "browser":
            # Scanners and prefetches see the page but are never sent on, nor counted.
            kind = (ClickKindChoices.PREFETCH if fetch == "prefetch"
                    else ClickKindChoices.SCANNER)
            record_click(clicked, check, kind, request)
            return _page(request, "mail/interstitial.html", clicked, check, warn=True)
        if warn or early:
            record_click(clicked, check, ClickKindChoices.UNCONFIRMED, request)
            # Early and harmless: the page continues by itself in a browser with JavaScript.
            return _page(request, "mail/interstitial.html", clicked, check, warn=warn,
                         auto=not warn)
        record_click(clicked, check, ClickKindChoices.HUMAN, request)
        return _go(clicked.url)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        found = self._read(token)
        if found is None:
            return _invalid(request)
        if isinstance(found, ClickToken):
            return _expired(request, found)
        clicked, check = found
        if request.POST.get("action") == "back" or not check.openable:
            record_click(clicked, check, ClickKindChoices.DECLINED, request)
            return _page(request, "mail/link_back.html", clicked, check)
        record_click(clicked, check, ClickKindChoices.HUMAN, request)
        return _go(clicked.url)


class ReportLinkView(View):
    """The report link in the unknown-sender banner: GET asks, POST reports (one click)."""

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            read_report_token(token, max_age=link_max_age())
        except ExpiredToken:
            return _report_expired(request)
        except InvalidToken:
            return _invalid(request)
        return _private(render(request, "mail/report_confirm.html", {"done": False}))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            reported = read_report_token(token, max_age=link_max_age())
        except ExpiredToken:
            return _report_expired(request)
        except InvalidToken:
            return _invalid(request)
        _report, created = one_click_report(reported, request)
        return _private(render(request, "mail/report_confirm.html",
                               {"done": True, "created": created}))
