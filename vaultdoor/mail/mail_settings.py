"""Mail settings shared by the server and the gateway (environment, read when needed)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["gateway_settings", "queue_dir"]


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
