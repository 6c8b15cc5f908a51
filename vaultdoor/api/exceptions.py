"""The API's exception handler: DRF's, plus a `code` on every refusal and an audit event when
a signed-in caller is refused.

DRF answers a refusal with `{"detail": ...}`; the API promises `{"detail": ..., "code": ...}`
(docs/api.md), so the code DRF knows (`permission_denied`, `not_authenticated`, `not_found`,
`method_not_allowed`, `parse_error`, `throttled`, or a permission's own such as the vault's
`role`) is added. Field errors (`{"field": [...]}`) are left as they are. A refused caller who
is signed in (session or token) is recorded as `auth.permission_denied`, like a refused console
page; anonymous refusals are not (they are the normal answer to a missing sign-in, and token
refusals have their own capped event).
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.views import exception_handler as drf_exception_handler

__all__ = ["CsrfRefused", "exception_handler"]


class CsrfRefused(PermissionDenied):
    """A session's unsafe request without the CSRF token (audited as `auth.csrf_refused`)."""

    default_code = "csrf"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API exception: Django's handler500 answers (JSON under /api/)
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"} and hasattr(exc, "get_codes"):
        codes = exc.get_codes()
        if isinstance(codes, str):
            data["code"] = codes
    request = context.get("request")
    if isinstance(exc, PermissionDenied) and not isinstance(exc, CsrfRefused) and (
            request is not None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from vaultdoor.audit import record

            django_request = getattr(request, "_request", request)
            record("auth.permission_denied", actor=user.get_username(), target_type="api",
                   target_id=django_request.path[:128], request=django_request,
                   method=django_request.method, refusal=data.get("code", "") if isinstance(
                       data, dict) else "")
    return response
