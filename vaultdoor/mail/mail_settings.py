"""Mail settings shared by the server and the gateway (environment, read when needed)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULT_LINK_MAX_AGE_DAYS", "NEXT_HOP_TLS", "gateway_settings", "gateway_tls",
           "link_max_age", "max_size", "outbound_networks", "queue_dir"]

DEFAULT_LINK_MAX_AGE_DAYS = 90
NEXT_HOP_TLS = ("off", "opportunistic", "verify")  # the gateway's modes (gateway/tls.py)
MAX_LINK_MAX_AGE_DAYS = 3650
DEFAULT_MAX_SIZE = 25 * 1024 * 1024
DEFAULT_OUTBOUND_FROM = "127.0.0.0/8,::1/128"


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


def max_size() -> int:
    """The largest message the gateway accepts, in bytes: VAULTDOOR_MAIL_MAX_SIZE, else 25 MiB."""
    from vaultdoor.config import ConfigError, env

    raw = env("MAIL_MAX_SIZE") or ""
    try:
        return int(raw or DEFAULT_MAX_SIZE)
    except ValueError:
        raise ConfigError(
            f"VAULTDOOR_MAIL_MAX_SIZE: expected a number of bytes, got {raw!r}") from None


def outbound_networks() -> tuple[str, ...]:
    """VAULTDOOR_MAIL_OUTBOUND_FROM as given (the gateway's `GatewayConfig` parses them)."""
    from vaultdoor.config import env_list

    return tuple(env_list("MAIL_OUTBOUND_FROM", DEFAULT_OUTBOUND_FROM))


def gateway_tls(cert: str | None = None, key: str | None = None, require: bool | None = None,
                hop_tls: str | None = None, hop_ca: str | None = None) -> dict:
    """The gateway's TLS settings, as `GatewayConfig` fields: the given options first (the
    command line's), then the VAULTDOOR_MAIL_* variables. ValueError names the variable."""
    from vaultdoor.config import env

    require_raw = (env("MAIL_REQUIRE_TLS") or "").strip().lower()
    if require is None and require_raw not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ValueError(f"VAULTDOOR_MAIL_REQUIRE_TLS: expected true or false, got "
                         f"{require_raw!r}")
    cert = cert or env("MAIL_TLS_CERT")
    key = key or env("MAIL_TLS_KEY")
    ca = hop_ca or env("MAIL_NEXT_HOP_CA")
    return {
        "tls_cert": Path(cert) if cert else None,
        "tls_key": Path(key) if key else None,
        "require_tls": require if require is not None else require_raw in ("1", "true", "yes"),
        "next_hop_tls": (hop_tls or env("MAIL_NEXT_HOP_TLS") or "opportunistic").strip().lower(),
        "next_hop_ca": Path(ca) if ca else None,
    }
