"""DRF authentication with API tokens: `Authorization: Token <key_id>.<secret>`.

The token's scopes narrow what its owner may do, never widen it: the request's user answers
`has_perm` only for permissions both its scopes and its owner's groups grant. `read` allows
`*.view_*`, `decide` allows `access.decide`, `write` allows whatever the owner may do.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .choices import TokenScope
from .services.tokens import authenticate_token

__all__ = ["ApiTokenAuthentication", "ApiTokenScheme", "scope_allows"]

KEYWORD = b"token"

# Refused tokens are audited, but whoever sends them is not authenticated and must not be able
# to flood the audit chain: at most this many events per client address and minute (the rest
# go to the log only). Guessing is hopeless anyway: a secret is 256 random bits.
REFUSALS_AUDITED_PER_MINUTE = 10


def _audit_refusal(request: Any, key_id: str, reason: str) -> None:
    from vaultdoor.audit.capped import record_capped

    # The key id names the token and is no secret; the secret never enters the event.
    # The Django request, not DRF's: asking DRF's for its user would authenticate again.
    record_capped("auth.token_refused", kind="api-token", per_minute=REFUSALS_AUDITED_PER_MINUTE,
                  request=getattr(request, "_request", request), actor="api",
                  target_type="identity.apitoken", target_id=key_id[:32], reason=reason)


def scope_allows(scopes: list[str], permission: str) -> bool:
    """Whether a token with `scopes` may use `permission` (`app_label.codename`)."""
    if TokenScope.WRITE in scopes:
        return True
    codename = permission.partition(".")[2]
    if TokenScope.READ in scopes and codename.startswith("view_"):
        return True
    return TokenScope.DECIDE in scopes and permission == "access.decide"


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticates an integration by its API token (see module docstring)."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            _audit_refusal(request, "", "malformed Authorization header")
            raise AuthenticationFailed("Give the token as: Authorization: Token <id>.<secret>")
        raw = parts[1].decode("ascii", errors="replace")
        token = authenticate_token(raw)
        if token is None:
            _audit_refusal(request, raw.partition(".")[0], "unknown, expired or revoked")
            raise AuthenticationFailed("This token is unknown, expired or revoked.")
        user = token.account.user
        scopes = list(token.scopes)
        owner_has_perm = user.has_perm

        # Instance attributes shadow the class's methods for this request's user object only.
        def has_perm(permission: str, obj: Any = None) -> bool:
            return scope_allows(scopes, permission) and owner_has_perm(permission, obj)

        def has_perms(permissions: Any, obj: Any = None) -> bool:
            return all(has_perm(p, obj) for p in permissions)

        user.has_perm = has_perm
        user.has_perms = has_perms
        return user, token

    def authenticate_header(self, request: Any) -> str:
        return 'Token realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes `Authorization: Token <key_id>.<secret>` in the OpenAPI document."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <key_id>.<secret>`: an integration's API token "
                               "(`vaultdoor token create`), limited by its scopes"}
