"""Ten single-use recovery codes per account, shown once and stored hashed."""

from __future__ import annotations

import secrets

from django.db import transaction

from .. import clock
from ..constants import RECOVERY_CODES
from ..crypto import digest
from ..models import Account, RecoveryCode

__all__ = ["new_recovery_codes", "normalise_code", "remaining_codes", "use_recovery_code"]

# No 0/O or 1/I/L: codes are read off paper.
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def normalise_code(code: str) -> str:
    """Lower case, without spaces or dashes: how a code is compared."""
    return "".join(c for c in code.lower() if c.isalnum())


def new_recovery_codes(account: Account) -> list[str]:
    """Replace the account's recovery codes with ten new ones; returns them (shown once)."""
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(RECOVERY_CODES)]
    now = clock.now()
    with transaction.atomic():
        account.recovery_codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(account=account, code_hash=digest(normalise_code(c)), created=now)
            for c in codes
        )
    return codes


def use_recovery_code(account: Account, code: str) -> bool:
    """Spend one recovery code: True once, then never again for the same code."""
    hashed = digest(normalise_code(code))
    # 50 bits of randomness per code: a plain digest lookup is safe, and the conditional
    # update makes the second use (even a concurrent one) fail.
    used = (RecoveryCode.objects
            .filter(account=account, code_hash=hashed, used_at__isnull=True)
            .update(used_at=clock.now()))
    return bool(used)


def remaining_codes(account: Account) -> int:
    """How many unused recovery codes the account has."""
    return account.recovery_codes.filter(used_at__isnull=True).count()
