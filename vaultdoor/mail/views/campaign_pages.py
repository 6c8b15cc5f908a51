"""Public pages of awareness campaigns: the open-tracking image (`/m/o/<token>`) and the hosted
landing page (`/m/l/<token>`). Like click-time links, the signed token is the capability.

The landing page imitates a sign-in form. Its inputs have no `name`, so a browser sends none of
what is typed; the view never reads the posted fields either. A submission counts only from a
browser, and only for someone whose click already counted (the landing URL is handed out only
by the click view's redirect after a person's click). Whatever happens, the response says it
was an exercise and points to the person's training.
"""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from ..campaigns import note_open, note_submit
from ..clicktime import classify_fetch
from ..models import CampaignTarget
from ..tokens import InvalidToken, read_campaign_token

__all__ = ["LandingView", "OpenPixelView"]

# A 1x1 transparent GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _target(kind: str, token: str) -> CampaignTarget | None:
    try:
        found = read_campaign_token(kind, token)
    except InvalidToken:
        return None
    return (CampaignTarget.objects.select_related("campaign", "campaign__landing_page")
            .filter(pk=found.target_id, campaign_id=found.campaign_id).first())


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    # strict-origin, not no-referrer: a form posted under no-referrer carries "Origin: null",
    # which CSRF protection refuses; and not same-origin, which would send the token in the
    # URL along with every request for the page's own stylesheet.
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class OpenPixelView(View):
    """The tracking image: the same GIF for everyone (a scanner learns nothing from it)."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        target = _target("open", token)
        if target is not None:
            fetch = classify_fetch(request.method or "GET", request.headers,
                                   request.headers.get("User-Agent", ""))
            note_open(target, fetch=fetch)
        return _private(HttpResponse(PIXEL, content_type="image/gif"))

    def head(self, request: HttpRequest, token: str) -> HttpResponse:
        return self.get(request, token)


class LandingView(View):
    """GET shows the imitation form; POST records that it was submitted (nothing typed)."""

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        target = _target("landing", token)
        if target is None or target.campaign.landing_page is None:
            return _private(render(request, "mail/link_invalid.html", status=400))
        page = target.campaign.landing_page
        return _private(render(request, "mail/landing.html",
                               {"page": page, "inputs": page.inputs()}))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        # Deliberately no request.POST here: the submission's content is never looked at.
        target = _target("landing", token)
        if target is None:
            return _private(render(request, "mail/link_invalid.html", status=400))
        fetch = classify_fetch("POST", request.headers, request.headers.get("User-Agent", ""))
        note_submit(target, fetch=fetch)
        return _private(render(request, "mail/caught.html", {"campaign": target.campaign}))
