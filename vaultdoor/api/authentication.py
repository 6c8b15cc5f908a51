"""The console's session for the API: DRF's session authentication, with its CSRF refusals
audited like the console's (`auth.csrf_refused`, capped per client address)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied

__all__ = ["AuditedSessionAuthentication", "AuditedSessionScheme"]


class AuditedSessionAuthentication(SessionAuthentication):
    """A signed-in browser's unsafe request needs the CSRF token; a refusal is audited."""

    def enforce_csrf(self, request: Any) -> None:
        try:
            super().enforce_csrf(request)
        except PermissionDenied as refused:
            from vaultdoor.console.views.errors import audit_csrf_refusal

            from .exceptions import CsrfRefused

            audit_csrf_refusal(getattr(request, "_request", request), str(refused.detail))
            raise CsrfRefused(str(refused.detail)) from None


class AuditedSessionScheme(SessionScheme):
    """The OpenAPI document describes it as the session cookie it is (`cookieAuth`)."""

    target_class = "vaultdoor.api.authentication.AuditedSessionAuthentication"
