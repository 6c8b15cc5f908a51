"""The server's `VAULTDOOR_*` readers: one function per setting, no Django.

`settings.py` builds Django's settings with them, and `vaultdoor check-config` calls the same
functions one by one, so it reports every bad value where Django's start stops at the first,
and never judges a value by rules other than the ones the server applies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vaultdoor import config

__all__ = ["allowed_hosts", "base_url", "behind_proxy", "database", "debug", "environment",
           "log_level", "secret_key"]

ENVIRONMENTS = ("development", "production")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def environment() -> str:
    """VAULTDOOR_ENV: development (the default) or production."""
    value = config.env("ENV", "development")
    if value not in ENVIRONMENTS:
        raise config.ConfigError("VAULTDOOR_ENV: expected development or production")
    return value


def secret_key() -> str:
    """Django's signing key: the text of the file VAULTDOOR_SECRET_KEY names (32 characters or
    more: it signs sessions, CSRF tokens and mail links), else generated into the data
    directory."""
    reference = config.env("SECRET_KEY")
    if not reference:
        return config.secret_file("django-secret-key", nbytes=48).hex()
    try:
        key = config.read_secret(reference, variable="SECRET_KEY").decode().strip()
    except UnicodeDecodeError:
        raise config.ConfigError(
            "VAULTDOOR_SECRET_KEY: the file must hold text (50 or more random characters)"
        ) from None
    if len(key) < 32:
        raise config.ConfigError(f"VAULTDOOR_SECRET_KEY: at least 32 characters, found {len(key)}")
    return key


def debug(production: bool) -> bool:
    """VAULTDOOR_DEBUG; never on in production (no session or settings data on a page)."""
    return config.env_bool("DEBUG", False) and not production


def allowed_hosts(production: bool) -> list[str]:
    """VAULTDOOR_ALLOWED_HOSTS ("testserver", the test client's host, in development only)."""
    return config.env_list(
        "ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" + ("" if production else ",testserver"))


def behind_proxy() -> bool:
    """VAULTDOOR_BEHIND_PROXY: trust X-Forwarded-Proto from the reverse proxy."""
    return config.env_bool("BEHIND_PROXY", False)


def database(data_dir: Path) -> dict[str, Any]:
    """Django's default database: VAULTDOOR_TEST_DATABASE_URL or VAULTDOOR_DATABASE_URL
    (PostgreSQL only), else SQLite (WAL) in the data directory. The URL is never echoed in an
    error: it may hold a password."""
    import dj_database_url

    url = config.env("TEST_DATABASE_URL") or config.env("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": data_dir / "vaultdoor.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: a writer takes the lock when its transaction begins, so concurrent
                # audit writers queue instead of failing on lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": data_dir / "test-vaultdoor.sqlite3"},
        }
    try:
        parsed = dj_database_url.parse(url, conn_max_age=60)
    except ValueError as exc:  # dj_database_url.ParseError
        raise config.ConfigError(
            "VAULTDOOR_DATABASE_URL: not a valid URL (like postgresql://user@host:5432/name; "
            "quote special characters in the password)") from exc
    if parsed["ENGINE"] != "django.db.backends.postgresql":
        raise config.ConfigError("VAULTDOOR_DATABASE_URL: only postgresql:// URLs are supported")
    return dict(parsed)


def log_level() -> str:
    """VAULTDOOR_LOG_LEVEL, any case (INFO by default)."""
    level = (config.env("LOG_LEVEL") or "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise config.ConfigError(
            f"VAULTDOOR_LOG_LEVEL: expected DEBUG, INFO, WARNING, ERROR or CRITICAL, "
            f"got {config.env('LOG_LEVEL')!r}")
    return level


def base_url() -> str:
    """VAULTDOOR_BASE_URL, the server's address in the enrolment links the CLI prints (an
    enrolment link must reach this server; a bad one would go to its holder unchecked)."""
    url = (config.env("BASE_URL") or "http://127.0.0.1:8000").strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or url.endswith("://") or " " in url:
        raise config.ConfigError(
            f"VAULTDOOR_BASE_URL: expected the server's http(s) address, like "
            f"https://vaultdoor.example.com, got {config.env('BASE_URL')!r}")
    return url
