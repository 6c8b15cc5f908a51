"""Mail settings shared by the server and the gateway (environment, read when needed)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULT_LINK_MAX_AGE_DAYS", "NEXT_HOP_TLS", "gateway_settings", "link_max_age",
           "queue_dir"]

DEFAULT_LINK_MAX_AGE_DAYS = 90
NEXT_HOP_TLS = ("off", "opportunistic", "verify")  # the gateway's modes (gateway/tls.py)
MAX_LINK_MAX_AGE_DAYS = 3650


def queue_dir() -> Path:
    """The gateway's queue directory: VAULTDOOR_MAIL_QUEUE_DIR, else <data dir>/mail-queue."""
    from vaultdoor.config import data_dir, env

    return Path(env("MAIL_QUEUE_DIR") or data_dir() / "mail-queue")


def gateway_settings() -> dict:
    """Click base URL, organisation domains and report address from the environment."""
    from vaultdoor.config import env, env_list

    return {
        "click_base": (env("MAIL_CLICK_BASE") or "http://127.0.0.1:8000").rstrip("/"),
        "org_domains": tuple(env_list("ORG_DOMAINS")),
        "report_address": (env("MAIL_REPORT_ADDRESS") or "").strip().lower(),
    }


def link_max_age() -> float:
    """Seconds a click-time link keeps working after delivery:
    VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS, whole days, default 90. Raises ConfigError (naming the
    variable) for anything but a whole number from 1 to 3650: a link that never expires is
    a signed redirect anyone holding an old message can use for ever."""
    from vaultdoor.config import ConfigError, env

    raw = (env("MAIL_LINK_MAX_AGE_DAYS") or "").strip()
    if not raw:
        return DEFAULT_LINK_MAX_AGE_DAYS * 86400.0
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LINK_MAX_AGE_DAYS:
        raise ConfigError(f"VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS: expected a whole number of days "
                          f"from 1 to {MAX_LINK_MAX_AGE_DAYS}, got {raw!r}")
    return int(raw) * 86400.0
