"""What every answer of the server carries, whichever view (or error handler) made it.

- `PrivateByDefaultMiddleware`: `Cache-Control: no-store` on every dynamic answer that does not
  set its own caching, and on every answer to a signed-in user or under `/api/` whatever it set:
  a shared computer's browser cache, a proxy or the back button never keep a page of people,
  doors, customers or the audit log.
- `MethodNotAllowedPageMiddleware`: Django's bare, empty 405 becomes the console's error page
  (JSON under `/api/`), like every other error.
- `BodyLimitMiddleware`: a request body above `DATA_UPLOAD_MAX_MEMORY_SIZE` is refused before a
  view reads it. Django checks the limit only when a view reads `request.body` or a form; the
  REST framework's JSON parser reads the stream and would take any size into memory.
- `NulRefusalMiddleware`: a NUL character in the path, the query string, a form or a JSON body
  is refused with 400. Nothing here ever takes one, and PostgreSQL refuses them in text and
  JSON (a query with `?site=%00` was a server error on every console page).
- `CapabilityReferrerMiddleware`: a page whose address is a capability (`/auth/welcome/<token>/`)
  sends only the origin as Referer when it loads its stylesheet or posts its form, so the
  token never reaches an access log by way of a Referer header.
- `PermissionsPolicyMiddleware`: no page may use the camera, microphone, location, payment or
  USB devices (nothing here needs them; a script that got in could not either).
- `static_headers`: WhiteNoise answers `/static/` before the middleware below it runs, so the
  static files get their Content-Security-Policy and framing refusal here (an SVG opened on its
  own is a document that could run script).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

__all__ = [
    "CAPABILITY_PARAMETERS", "PERMISSIONS_POLICY", "STATIC_POLICY", "BodyLimitMiddleware",
    "CapabilityReferrerMiddleware", "MethodNotAllowedPageMiddleware", "NulCharacter",
    "NulRefusalMiddleware", "PermissionsPolicyMiddleware", "PrivateByDefaultMiddleware",
    "static_headers",
]

API_PREFIX = "/api/"


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # absent when the request failed before auth
    return bool(user is not None and user.is_authenticated)


class PrivateByDefaultMiddleware:
    """`Cache-Control: no-store` unless a public answer says how it may be cached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        elif request.path.startswith(API_PREFIX) or _signed_in(request):
            if "public" in response["Cache-Control"]:
                patch_cache_control(response, private=True)  # drops "public"
            patch_cache_control(response, no_store=True)
        return response


# Only features every browser knows (an unknown one is a console error in Chromium); passkeys
# (publickey-credentials-*) keep their default, this origin only.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every answer that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class MethodNotAllowedPageMiddleware:
    """An empty 405 (Django's `http_method_not_allowed`) gets the project's error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            from vaultdoor.console.views.errors import method_not_allowed

            return method_not_allowed(request, response.get("Allow", ""))
        return response


# URL parameters that are capabilities, as the audit log counts them (vaultdoor/audit/recorder.py).
CAPABILITY_PARAMETERS = frozenset({"token", "code", "secret", "key"})


class CapabilityReferrerMiddleware:
    """`Referrer-Policy: strict-origin` on a capability URL's answer, unless the view chose.

    Not `no-referrer`: a form posted under it says `Origin: null`, which CSRF refuses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and CAPABILITY_PARAMETERS & set(match.kwargs):
            response.headers.setdefault("Referrer-Policy", "strict-origin")
        return response


class BodyLimitMiddleware:
    """Refuse (400, like Django's own check) a body longer than the upload limit.

    Multipart uploads are left to Django, which streams their files to disk; every other body
    (JSON, form fields) is held in memory whole by whichever parser reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and not request.content_type.startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0  # Django reads no body without a valid length
            if length > limit:
                raise RequestDataTooBig(
                    "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return self.get_response(request)


class NulCharacter(SuspiciousOperation):
    """A request carried a NUL character (answered 400, logged as django.security)."""


# How a NUL looks in each place a request carries text: decoded in the path, percent-encoded
# in a query string or form body, escaped in JSON.
_NUL_ENCODED = ("%00", "\x00")
_BODY_MARKS = {"application/x-www-form-urlencoded": (b"%00", b"\x00"),
               "application/json": (b"\\u0000", b"\x00")}


class NulRefusalMiddleware:
    """Refuse (400) a request with a NUL character before any view or query sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or any(mark in query for mark in _NUL_ENCODED):
            raise NulCharacter("NUL character in the address")
        marks = _BODY_MARKS.get(request.content_type)
        if marks and request.method not in ("GET", "HEAD", "OPTIONS"):
            # BodyLimitMiddleware ran first: the body is small enough to hold. Reading it here
            # keeps it for the view (Django replays request.body to every later reader).
            body = request.body
            if any(mark in body for mark in marks):
                raise NulCharacter("NUL character in the body")
        return self.get_response(request)


# A static file is never a page: nothing may run in it, load into it or frame it.
STATIC_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; " \
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def static_headers(headers: Any, path: str, url: str) -> None:
    """WHITENOISE_ADD_HEADERS_FUNCTION: the security headers the middleware cannot add."""
    headers["Content-Security-Policy"] = STATIC_POLICY
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
