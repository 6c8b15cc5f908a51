"""Error pages that say what happened and nothing else: no settings, session or traceback.

They render without the request context (no context processors run), so an error page never
carries a CSRF token, user data or anything a failing database would have to provide.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader

__all__ = ["bad_request", "page_not_found", "permission_denied", "server_error"]

_PAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your account does not have permission to see this page. "
          "Ask an administrator if you need it."),
    404: ("Not found", "There is nothing at this address. It may have been moved or removed."),
    500: ("Something went wrong", "The server could not complete the request. The error has "
          "been logged; try again in a moment."),
}


def _render(status: int, detail: str = "") -> HttpResponse:
    heading, message = _PAGES[status]
    body = loader.get_template("console/error.html").render(
        {"status": status, "heading": heading, "message": detail or message}
    )
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(500)

