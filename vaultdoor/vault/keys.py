"""Key-encryption keys (KEKs), versioned, and the separate blind-index key.

KEKs come from `VAULTDOOR_VAULT_KEYS` (`1=file:/path,2=file:/path`; each file holds 32 raw
bytes or 64 hex digits). When it is unset (development, the demo) they are the files
`<data dir>/secrets/vault-kek-<n>`, and version 1 is generated on first use. The newest
version wraps new data keys; every listed version can unwrap, so reads keep working while
`vaultdoor vault rotate-keys` moves records from an old version to the newest.

The blind-index key (`VAULTDOOR_VAULT_INDEX_KEY`, a file reference; generated into the data
directory when unset) is separate from every KEK: rotating KEKs never touches search.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vaultdoor import config

__all__ = ["KeyRing", "VaultKeyError", "destroy_key_file", "generate_kek_file", "index_key",
           "kek_file", "keyring", "reset_keys"]

KEY_BYTES = 32
_KEK_FILE = re.compile(r"^vault-kek-(\d+)$")


class VaultKeyError(RuntimeError):
    """A vault key is missing, unreadable or malformed (the message names the version)."""


def _decode_key(raw: bytes, what: str) -> bytes:
    text = raw.strip()
    if len(raw) == KEY_BYTES:
        return raw
    if len(text) == KEY_BYTES * 2 and re.fullmatch(rb"[0-9a-fA-F]+", text):
        return bytes.fromhex(text.decode())
    raise VaultKeyError(f"{what}: expected 32 bytes (or 64 hex digits), found {len(raw)} bytes")


@dataclass
class KeyRing:
    """The loaded KEKs by version; `current` is the newest."""

    keks: dict[int, bytes]
    _ciphers: dict[int, AESGCM] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.keks:
            raise VaultKeyError("no vault key-encryption key is configured (VAULTDOOR_VAULT_KEYS)")

    @property
    def current(self) -> int:
        """The version that wraps new data keys."""
        return max(self.keks)

    def cipher(self, version: int) -> AESGCM:
        """The AES-GCM cipher of KEK `version`, or a `VaultKeyError` naming the version."""
        cipher = self._ciphers.get(version)
        if cipher is None:
            key = self.keks.get(version)
            if key is None:
                raise VaultKeyError(
                    f"vault key version {version} is not loaded: add it to VAULTDOOR_VAULT_KEYS "
                    f"(loaded: {', '.join(map(str, sorted(self.keks)))})"
                )
            cipher = self._ciphers[version] = AESGCM(key)
        return cipher


def _secrets_dir() -> Path:
    return config.data_dir() / "secrets"


def generate_kek_file() -> tuple[int, Path]:
    """Create the next `vault-kek-<n>` in the data directory (development keys only)."""
    if config.env("VAULT_KEYS"):
        raise VaultKeyError(
            "VAULTDOOR_VAULT_KEYS is set: create the new key file yourself and list it there"
        )
    folder = _secrets_dir()
    existing = [int(m.group(1)) for p in folder.glob("vault-kek-*")
                if (m := _KEK_FILE.match(p.name))] if folder.exists() else []
    version = max(existing, default=0) + 1
    config.secret_file(f"vault-kek-{version}", nbytes=KEY_BYTES)
    reset_keys()
    return version, folder / f"vault-kek-{version}"


def _parse_keys(spec: str) -> dict[int, bytes]:
    keks: dict[int, bytes] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        version_text, sep, reference = item.partition("=")
        version_text = version_text.strip()
        if not sep or not (version_text.isascii() and version_text.isdigit()):
            raise VaultKeyError(
                f"VAULTDOOR_VAULT_KEYS: expected VERSION=file:/path, got {item.split('=')[0]!r}="
            )
        version = int(version_text)
        if version < 1:
            raise VaultKeyError("VAULTDOOR_VAULT_KEYS: versions start at 1, got 0")
        if version in keks:  # which of two files is version 3? Never guess with keys.
            raise VaultKeyError(f"VAULTDOOR_VAULT_KEYS: version {version} is listed twice")
        try:
            raw = config.read_secret(reference.strip(), variable="VAULT_KEYS")
        except config.ConfigError as exc:
            raise VaultKeyError(f"vault key version {version}: {exc}") from exc
        keks[version] = _decode_key(raw, f"vault key version {version}")
    return keks


def _dev_keys() -> dict[int, bytes]:
    folder = _secrets_dir()
    found = {int(m.group(1)): p for p in folder.glob("vault-kek-*")
             if (m := _KEK_FILE.match(p.name))} if folder.exists() else {}
    if not found:
        config.secret_file("vault-kek-1", nbytes=KEY_BYTES)
        found = {1: folder / "vault-kek-1"}
    return {v: _decode_key(p.read_bytes(), f"vault key version {v}") for v, p in found.items()}


def kek_file(version: int) -> Path | None:
    """The file KEK `version` is read from (listed in VAULTDOOR_VAULT_KEYS, or the data
    directory's `vault-kek-<n>`); None when no such version is configured."""
    spec = config.env("VAULT_KEYS")
    if not spec:
        path = _secrets_dir() / f"vault-kek-{version}"
        return path if path.exists() else None
    for item in (part.strip() for part in spec.split(",")):
        version_text, _, reference = item.partition("=")
        if version_text.strip() == str(version):
            reference = reference.strip()
            for prefix in ("file://", "file:"):
                if reference.startswith(prefix):
                    return Path(reference[len(prefix):]).expanduser()
    return None


def destroy_key_file(path: Path) -> None:
    """Overwrite a key file with random bytes, flush it to disk, then delete it.

    This destroys the copy in this file only: copies elsewhere (a backup of the key folder, a
    key manager, a snapshot of the file system, an SSD's remapped blocks) are the operator's to
    destroy. Raises `VaultKeyError` naming the file if it cannot be written or removed."""
    try:
        size = max(path.stat().st_size, KEY_BYTES * 2)
        with open(path, "r+b") as handle:
            handle.write(secrets.token_bytes(size))
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except OSError as exc:
        raise VaultKeyError(f"cannot destroy key file {path}: {exc.strerror}") from exc
    reset_keys()


def check_destroyable(path: Path) -> None:
    """Raise `VaultKeyError` unless `path` can be overwritten and removed (checked before
    anything is changed, so a refusal leaves everything as it was)."""
    if not path.is_file():
        raise VaultKeyError(f"key file {path} does not exist")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        raise VaultKeyError(
            f"cannot destroy key file {path}: no permission to overwrite and remove it "
            "(run as the key's owner, or destroy it yourself and use --mark-only)")


@lru_cache(maxsize=1)
def _load(spec: str | None, directory: str) -> KeyRing:
    return KeyRing(_parse_keys(spec) if spec else _dev_keys())


def keyring() -> KeyRing:
    """The KEKs of this process (read once; `reset_keys()` after changing them)."""
    # keyed on the variables as set (not on data_dir(), which touches the file system)
    return _load(config.env("VAULT_KEYS") or None, config.env("DATA_DIR") or "")


@lru_cache(maxsize=1)
def _index_key(reference: str | None, directory: str) -> bytes:
    if reference:
        try:
            raw = config.read_secret(reference, variable="VAULT_INDEX_KEY")
        except config.ConfigError as exc:
            raise VaultKeyError(str(exc)) from exc
        return _decode_key(raw, "vault blind-index key")
    return config.secret_file("vault-index-key", nbytes=KEY_BYTES)


def index_key() -> bytes:
    """The HMAC key of the blind indexes (never a KEK)."""
    return _index_key(config.env("VAULT_INDEX_KEY") or None, config.env("DATA_DIR") or "")


def reset_keys() -> None:
    """Forget the loaded keys (after a new key file, or between tests)."""
    _load.cache_clear()
    _index_key.cache_clear()


def random_key() -> bytes:
    """A fresh 256-bit key (data keys)."""
    return secrets.token_bytes(KEY_BYTES)
