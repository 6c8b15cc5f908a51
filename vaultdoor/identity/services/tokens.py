"""API tokens: `<key_id>.<secret>`, scoped, expiring, stored as a SHA-256 of the secret."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, QuerySet, Value, When

from .. import clock
from ..choices import TokenScope, TokenStatus
from ..constants import API_TOKEN_LIFETIME, API_TOKEN_MAX_LIFETIME
from ..crypto import digest, digest_matches
from ..models import Account, ApiToken

__all__ = ["TokenError", "authenticate_token", "create_token", "revoke_token", "revoke_tokens",
           "with_status"]


class TokenError(ValueError):
    """A token cannot be made as asked (the message says why)."""


def create_token(account: Account, name: str, scopes: list[str],
                 lifetime: dt.timedelta = API_TOKEN_LIFETIME, *, actor: str | None = None,
                 request: Any = None, **audit: Any) -> tuple[ApiToken, str]:
    """A new token for `account`; returns the row and the only copy of the full token.

    With an `actor`, the creation is recorded (`auth.token_created`: key id, owner, scopes,
    expiry and `audit`, never the secret) in the same transaction as the row."""
    limit = ApiToken._meta.get_field("name").max_length
    if not name.strip() or len(name) > limit:
        raise TokenError(f"name: say what the token is for, in 1 to {limit} characters")
    unknown = sorted(set(scopes) - set(TokenScope.values))
    if unknown or not scopes:
        raise TokenError(f"scopes must be some of {', '.join(TokenScope.values)}; "
                         f"got {', '.join(unknown) or 'none'}")
    if lifetime <= dt.timedelta(0) or lifetime > API_TOKEN_MAX_LIFETIME:
        raise TokenError(f"a token lives between 1 day and {API_TOKEN_MAX_LIFETIME.days} days")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            account=account, name=name, key_id=key_id, secret_hash=digest(secret),
            scopes=sorted(set(scopes)), created=now, expires=now + lifetime,
        )
        if actor is not None:
            from vaultdoor.audit import record

            record("auth.token_created", actor=actor, target_type="identity.apitoken",
                   target_id=key_id, request=request, owner=account.user.get_username(),
                   name=name, scopes=token.scopes, expires=token.expires.isoformat(), **audit)
    return token, f"{key_id}.{secret}"


def authenticate_token(raw: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The live token `raw` stands for, or None (unknown, wrong secret, expired, revoked)."""
    key_id, _, secret = raw.strip().partition(".")
    if not key_id or not secret:
        return None
    now = now or clock.now()
    token = (ApiToken.objects.select_related("account__user")
             .filter(key_id=key_id).first())
    if token is None:
        digest_matches(secret, "0" * 64)  # same work as for a known id
        return None
    if not digest_matches(secret, token.secret_hash):
        return None
    if token.revoked_at is not None or token.expires <= now:
        return None
    if not token.account.user.is_active:
        return None
    if token.last_used is None or now - token.last_used > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token


def with_status(tokens: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """`tokens` annotated with `status` (a `TokenStatus` value) as of `now`, in the database,
    so a list can filter on it; the same rule `authenticate_token` applies to the token."""
    now = now or clock.now()
    return tokens.annotate(status=Case(
        When(revoked_at__isnull=False, then=Value(TokenStatus.REVOKED.value)),
        When(account__user__is_active=False, then=Value(TokenStatus.OWNER_DISABLED.value)),
        When(expires__lte=now, then=Value(TokenStatus.EXPIRED.value)),
        default=Value(TokenStatus.ACTIVE.value), output_field=CharField(),
    ))


def revoke_token(token: ApiToken, *, actor: str, request: Any = None, **audit: Any) -> bool:
    """Revoke one token now (a conditional UPDATE: a token already revoked stays as it was)
    and record `auth.token_revoked`; False when it was revoked already."""
    from vaultdoor.audit import record

    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=clock.now())
        if changed:
            record("auth.token_revoked", actor=actor, target_type="identity.apitoken",
                   target_id=token.key_id, request=request,
                   owner=token.account.user.get_username(), name=token.name, **audit)
    return bool(changed)


def revoke_tokens(account: Account) -> int:
    """Revoke every live token of the account; returns how many."""
    return (ApiToken.objects.filter(account=account, revoked_at__isnull=True)
            .update(revoked_at=clock.now()))
