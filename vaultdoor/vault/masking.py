"""Masked forms of customer fields: what every screen shows until a field is revealed.

PCI DSS 4.0.1 3.4.1: a card number shows at most its first six and last four digits, and only
to roles with a need to see the issuer (BIN); agents see the last four only.
"""

from __future__ import annotations

import json

__all__ = ["DOT", "mask_field", "mask_pan"]

DOT = "•"


def mask_pan(number: str, *, see_bin: bool) -> str:
    """`411111••••••1111` for BIN viewers, `••••1111` for everyone else."""
    if not number:
        return ""
    if see_bin and len(number) >= 13:
        return number[:6] + DOT * (len(number) - 10) + number[-4:]
    return DOT * 4 + number[-4:]


def _initials(name: str) -> str:
    return " ".join(word[0] + DOT * 3 for word in name.split() if word)


def _phone(number: str) -> str:
    return DOT * max(3, len(number) - 3) + number[-3:] if number else ""


def mask_field(field: str, value: str, *, see_bin: bool = False) -> str:
    """The masked form of one decrypted field (empty stays empty)."""
    if not value:
        return ""
    if field == "card_number":
        return mask_pan(value, see_bin=see_bin)
    if field == "name":
        return _initials(value)
    if field == "phones":
        return ", ".join(_phone(p) for p in json.loads(value))
    if field == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}{DOT * 3}@{domain}"
    if field == "account_number":
        return DOT * 4 + value[-4:]
    if field == "date_of_birth":
        return f"{DOT * 4}-{DOT * 2}-{DOT * 2}"
    if field == "card_expiry":
        return f"{DOT * 2}/{DOT * 2}"
    return DOT * 6  # postal address, notes: nothing until revealed
