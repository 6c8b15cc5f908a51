"""Removing every second factor of an account at once: an administrator's reset (a lost or
stolen phone) and termination.

After a reset the account has no second factor, so its next sign-in leads through forced
enrolment (docs/identity.md, "Signing in"). Whoever holds the password at that moment enrols:
reset the password too (a new enrolment link) when it may be known to someone else.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from vaultdoor.audit import record

from ..models import Account

__all__ = ["RESET_ACTIONS", "reset_second_factors"]

# The audit actions a reset may be recorded under: the administrator's reset, and the step of
# a termination (vaultdoor/vetting/services/lifecycle.py) in its correlated group.
RESET_ACTIONS = ("auth.second_factors_reset", "lifecycle.second_factors_removed")


def reset_second_factors(account: Account, *, actor: str, request: Any = None,
                         action: str = "auth.second_factors_reset",
                         **audit: Any) -> dict[str, int]:
    """Delete every TOTP authenticator, passkey and recovery code of `account` and record it.

    One transaction with one audit event (`action`, one of RESET_ACTIONS) whose context has
    how many of each were removed. `audit` adds to the event or replaces its defaults
    (`target_type`, `target_id`, `correlation_id`, `reason`...). Returns the counts.
    """
    if action not in RESET_ACTIONS:
        raise ValueError(f"a second-factor reset is recorded as one of {', '.join(RESET_ACTIONS)}")
    with transaction.atomic():
        counts = {
            "authenticators": account.totp_devices.all().delete()[0],
            "passkeys": account.webauthn_credentials.all().delete()[0],
            # (not "recovery_codes": the audit log redacts keys that name codes)
            "recovery_entries": account.recovery_codes.all().delete()[0],
        }
        fields: dict[str, Any] = {"target_type": "identity.account",
                                  "target_id": str(account.pk),
                                  "username": account.user.get_username()}
        fields.update(audit)
        record(action, actor=actor, request=request, **counts, **fields)
    return counts
