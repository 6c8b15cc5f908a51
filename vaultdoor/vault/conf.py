"""Vault settings: each a Django setting (tests override) falling back to `VAULTDOOR_*`."""

from __future__ import annotations

from django.conf import settings

from vaultdoor import config

__all__ = ["phone_region", "reason_min_length", "reveal_limit"]


def _int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = getattr(settings, f"VAULTDOOR_{name}", None)
    raw = value
    if value is None:
        raw = config.env(name)
        try:
            value = int(raw) if raw else default
        except ValueError as exc:
            raise config.ConfigError(
                f"VAULTDOOR_{name}: expected a whole number, got {raw!r}") from exc
    if minimum is not None and int(value) < minimum:  # a typo must not quietly change the rule
        raise config.ConfigError(
            f"VAULTDOOR_{name}: expected a whole number from {minimum} up, got {raw!r}")
    return int(value)


def reveal_limit() -> int:
    """Distinct customers one user may reveal per hour before the bulk-reveal alarm (30)."""
    return _int("VAULT_REVEAL_LIMIT", 30, minimum=1)


def reason_min_length() -> int:
    """The shortest reason a reveal accepts, in characters (10)."""
    return _int("VAULT_REASON_MIN_LENGTH", 10, minimum=1)


def phone_region() -> str:
    """The region national phone numbers are read in (ISO 3166 code, GB)."""
    import phonenumbers

    region = (getattr(settings, "VAULTDOOR_VAULT_PHONE_REGION", None)
              or config.env("VAULT_PHONE_REGION") or "GB").strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        # otherwise every national number in an import would read as "not a phone number"
        raise config.ConfigError(
            f"VAULTDOOR_VAULT_PHONE_REGION: {region!r} is not a region phone numbers are known "
            "for (an ISO 3166 code such as GB, US, IE)")
    return region
