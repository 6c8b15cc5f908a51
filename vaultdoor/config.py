"""Where vaultdoor reads its configuration: `VAULTDOOR_*` variables and the data directory.

Pure Python (no Django), so the engine, the edge controller and the CLI can use it too.
Secrets are given as `file:` references (`file:/etc/vaultdoor/key`), never inline; secrets that
vaultdoor generates itself live in the data directory with owner-only permissions.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["SETTINGS", "ConfigError", "data_dir", "env", "env_bool", "env_list", "read_secret",
           "secret_file"]

# Every `VAULTDOOR_*` variable vaultdoor reads: the one list (`vaultdoor check-config` warns of
# any other in the environment, a test checks that each name read in the code is here and each
# name here has a row in docs/configuration.md). A new setting: add it here, write its reader,
# add its row to the doc.
SETTINGS: tuple[str, ...] = (
    # the server (vaultdoor/server/readers.py)
    "VAULTDOOR_DATA_DIR", "VAULTDOOR_ENV", "VAULTDOOR_DATABASE_URL", "VAULTDOOR_TEST_DATABASE_URL",
    "VAULTDOOR_ALLOWED_HOSTS", "VAULTDOOR_SECRET_KEY", "VAULTDOOR_BEHIND_PROXY", "VAULTDOOR_DEBUG",
    "VAULTDOOR_LOG_LEVEL", "VAULTDOOR_BASE_URL",
    # audit, access and controllers
    "VAULTDOOR_AUDIT_SIGNING_KEY", "VAULTDOOR_AUDIT_CHECKPOINT_EVERY", "VAULTDOOR_PIN_KEY",
    "VAULTDOOR_SNAPSHOT_SIGNING_KEY",
    # mail
    "VAULTDOOR_ORG_DOMAINS", "VAULTDOOR_MAIL_BRANDS_FILE", "VAULTDOOR_MAIL_QUEUE_DIR",
    "VAULTDOOR_MAIL_CLICK_BASE", "VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS",
    "VAULTDOOR_MAIL_REPORT_ADDRESS",
    "VAULTDOOR_MAIL_MAX_SIZE", "VAULTDOOR_MAIL_TLS_CERT", "VAULTDOOR_MAIL_TLS_KEY",
    "VAULTDOOR_MAIL_REQUIRE_TLS", "VAULTDOOR_MAIL_NEXT_HOP_TLS", "VAULTDOOR_MAIL_NEXT_HOP_CA",
    "VAULTDOOR_MAIL_OUTBOUND_FROM",
    # vetting
    "VAULTDOOR_VETTING_RESCREEN_MONTHS", "VAULTDOOR_VETTING_ADVERSE_WAIT_DAYS",
    "VAULTDOOR_VETTING_WEBHOOK_KEY",
    # identity
    "VAULTDOOR_PASSWORD_PROFILE", "VAULTDOOR_PASSWORD_BLOCKLIST", "VAULTDOOR_ARGON2_MEMORY_KIB",
    "VAULTDOOR_ARGON2_TIME_COST", "VAULTDOOR_ARGON2_PARALLELISM", "VAULTDOOR_REQUIRE_SECOND_FACTOR",
    "VAULTDOOR_IDENTITY_KEY", "VAULTDOOR_WEBAUTHN_RP_ID",
    # the customer vault
    "VAULTDOOR_VAULT_KEYS", "VAULTDOOR_VAULT_INDEX_KEY", "VAULTDOOR_VAULT_REVEAL_LIMIT",
    "VAULTDOOR_VAULT_REASON_MIN_LENGTH", "VAULTDOOR_VAULT_PHONE_REGION",
    # the browser tests (vaultdoor/testing/browser.py)
    "VAULTDOOR_CHROMIUM",
)


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""


def env(name: str, default: str | None = None) -> str | None:
    """The value of `VAULTDOOR_<name>`, or `default`."""
    return os.environ.get(f"VAULTDOOR_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"VAULTDOOR_{name}: expected true or false, got {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    raw = env(name, default) or ""
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir(create: bool = True) -> Path:
    """The one directory that holds all state (`VAULTDOOR_DATA_DIR`, default `./var`)."""
    path = Path(env("DATA_DIR") or "var").expanduser().resolve()
    if create:
        if path.exists() and not path.is_dir():
            raise ConfigError(f"VAULTDOOR_DATA_DIR: {path} is not a directory")
        try:
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise ConfigError(
                f"VAULTDOOR_DATA_DIR: cannot create {path}: {exc.strerror or exc}") from exc
    return path


def read_secret(reference: str, *, variable: str) -> bytes:
    """Read a secret given as `file:PATH` (or `file://PATH`); inline secrets are refused."""
    if reference.startswith("file://"):
        path = Path(reference[len("file://") :])
    elif reference.startswith("file:"):
        path = Path(reference[len("file:") :])
    else:
        raise ConfigError(f"VAULTDOOR_{variable}: give a file reference (file:/path), not a value")
    try:
        return path.expanduser().read_bytes()
    except OSError as exc:
        raise ConfigError(f"VAULTDOOR_{variable}: cannot read {path}: {exc.strerror}") from exc


def secret_file(name: str, *, nbytes: int = 32, directory: Path | None = None) -> bytes:
    """A random secret kept in `<data dir>/secrets/<name>`, created (0600) on first use."""
    folder = (directory or data_dir()) / "secrets"
    path = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ConfigError(f"cannot read the secret {path}: {exc.strerror or exc}") from exc
    value = secrets.token_bytes(nbytes)
    # Write aside, then link into place: two processes starting at once agree on one secret,
    # and nobody ever reads a half-written file.
    tmp = folder / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise ConfigError(f"cannot create the secret {path}: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)
    except FileExistsError:
        value = path.read_bytes()
    finally:
        tmp.unlink()
    return value
