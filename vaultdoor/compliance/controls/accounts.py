"""Console accounts as the identity controls count them: active users, and whether each has a
confirmed second factor (a TOTP device or a passkey), as an EXISTS filter."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from vaultdoor.identity.models import Account, TotpDevice, WebAuthnCredential

__all__ = ["active_accounts", "has_second_factor"]


def active_accounts() -> QuerySet[Account]:
    """Accounts whose user may sign in (an inactive user cannot)."""
    return Account.objects.filter(user__is_active=True)


def has_second_factor() -> Q:
    """A filter on Account: a confirmed TOTP device or a passkey (what sign-in accepts)."""
    totp = TotpDevice.objects.filter(account_id=OuterRef("pk"), confirmed=True)
    passkey = WebAuthnCredential.objects.filter(account_id=OuterRef("pk"))
    return Q(Exists(totp)) | Q(Exists(passkey))
