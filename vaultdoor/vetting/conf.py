"""The vetting settings, read from `VAULTDOOR_VETTING_*` environment variables when used
(docs/configuration.md), so tests and a running server see the same values."""

from __future__ import annotations

from vaultdoor import config

__all__ = ["WEBHOOK_TOLERANCE_S", "adverse_wait_days", "rescreen_months", "webhook_key"]

# How far a webhook's signed timestamp may be from the server's clock, either way.
WEBHOOK_TOLERANCE_S = 300


def _positive_int(name: str, default: int) -> int:
    raw = config.env(name, str(default)) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise config.ConfigError(
            f"VAULTDOOR_{name}: expected a whole number, got {raw!r}"
        ) from None
    if value < 0:
        raise config.ConfigError(f"VAULTDOOR_{name}: expected zero or more, got {value}")
    return value


def rescreen_months() -> int:
    """Months from a cleared check's completion until the person must be screened again
    (`VAULTDOOR_VETTING_RESCREEN_MONTHS`, default 36: three years)."""
    return _positive_int("VETTING_RESCREEN_MONTHS", 36) or 36


def adverse_wait_days() -> int:
    """Business days between a pre-adverse notice and the final decision
    (`VAULTDOOR_VETTING_ADVERSE_WAIT_DAYS`, default 5)."""
    return _positive_int("VETTING_ADVERSE_WAIT_DAYS", 5)


def webhook_key() -> bytes:
    """The provider webhook's HMAC key, as the text the provider also holds: the contents of
    the file `VAULTDOOR_VETTING_WEBHOOK_KEY` names (`file:/path`), else the hex of a random key
    generated once into the data directory's secrets (`vaultdoor vetting webhook-key`)."""
    reference = config.env("VETTING_WEBHOOK_KEY")
    if reference:
        key = config.read_secret(reference, variable="VETTING_WEBHOOK_KEY").strip()
        if len(key) < 16:
            raise config.ConfigError("VAULTDOOR_VETTING_WEBHOOK_KEY: the key must be at least "
                                     "16 bytes long")
        return key
    return config.secret_file("vetting-webhook-key", nbytes=32).hex().encode()
