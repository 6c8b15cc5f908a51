"""Error pages that say what happened and nothing else: no settings, session or traceback.

They render without the request context (no context processors run), so an error page never
carries a CSRF token, user data or anything a failing database would have to provide.

Under `/api/` the same errors are JSON, `{"detail": ..., "code": ...}` like every other refusal
of the API (docs/api.md): a caller of the API never has to parse an HTML page.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

__all__ = ["bad_request", "csrf_failure", "method_not_allowed", "page_not_found",
           "permission_denied", "server_error"]

_PAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your account does not have permission to see this page. "
          "Ask an administrator if you need it."),
    404: ("Not found", "There is nothing at this address. It may have been moved or removed."),
    405: ("Not allowed", "This address does not take that kind of request. Use the links and "
          "buttons of the console."),
    500: ("Something went wrong", "The server could not complete the request. The error has "
          "been logged; try again in a moment."),
}


TOO_LARGE = "The request is too large."
_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          500: "server_error"}
_API_DETAIL = {
    400: "The request could not be understood.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method not allowed.",
    500: "The server could not complete the request.",
}


def _render(status: int, detail: str = "", request: HttpRequest | None = None,
            code: str = "") -> HttpResponse:
    if request is not None and request.path.startswith("/api/"):
        return JsonResponse({"detail": detail or _API_DETAIL[status],
                             "code": code or _CODES[status]}, status=status)
    heading, message = _PAGES[status]
    body = loader.get_template("console/error.html").render(
        {"status": status, "heading": heading, "message": detail or message}
    )
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return _render(400, TOO_LARGE, request=request, code="too_large")
    return _render(400, request=request)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(403, request=request)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(404, request=request)


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    """Django answers a wrong method with an empty 405; this is the page (or JSON) for it."""
    response = _render(405, request=request)
    response["Allow"] = allowed
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(500, request=request)



# Anyone can make a browser post a form here from another site, so the refusals are audited
# at most this many a minute per client address (the rest go to the log).
CSRF_REFUSALS_AUDITED_PER_MINUTE = 10


def audit_csrf_refusal(request: HttpRequest, reason: str) -> None:
    """Record `auth.csrf_refused` (capped per address): the URL's name and Django's reason.

    The name, not the path: a path can carry a capability (`/auth/welcome/<token>/`), which
    the request context of the event already blanks out."""
    from vaultdoor.audit.capped import record_capped

    match = getattr(request, "resolver_match", None)
    record_capped("auth.csrf_refused", kind="csrf", per_minute=CSRF_REFUSALS_AUDITED_PER_MINUTE,
                  request=request, target_type="url",
                  target_id=(match.view_name if match is not None else "")[:128],
                  reason=str(reason)[:200])


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a POST without this site's token. Audited; the page (or, under
    `/api/`, the JSON refusal) says the form expired and nothing of the reason."""
    audit_csrf_refusal(request, reason)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "CSRF token missing or wrong: reload and try again.",
                             "code": "csrf"}, status=403)
    body = loader.get_template("403_csrf.html").render({})
    return HttpResponse(body, status=403)
