"""The server's keys for controllers: the snapshot signing key and the token hashing key."""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import constant_time, hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vaultdoor import config

__all__ = [
    "SigningKeyError", "hash_secret", "pin_key", "secrets_match", "snapshot_signing_key",
]


class SigningKeyError(Exception):
    """The configured snapshot signing key cannot be used; the message says what to fix."""


def _parse_private_key(data: bytes) -> Ed25519PrivateKey:
    if len(data) == 32:  # a raw seed, as vaultdoor generates it
        return Ed25519PrivateKey.from_private_bytes(data)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(
            "VAULTDOOR_SNAPSHOT_SIGNING_KEY: not an unencrypted PEM Ed25519 private key "
            "(or 32 raw bytes)"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("VAULTDOOR_SNAPSHOT_SIGNING_KEY: the key must be Ed25519")
    return key


@lru_cache(maxsize=4)
def _signing_key(reference: str | None, data_dir: str) -> Ed25519PrivateKey:
    if reference:
        return _parse_private_key(
            config.read_secret(reference, variable="SNAPSHOT_SIGNING_KEY")
        )
    from pathlib import Path

    seed = config.secret_file("snapshot-signing-key", nbytes=32, directory=Path(data_dir))
    return Ed25519PrivateKey.from_private_bytes(seed)


def snapshot_signing_key() -> Ed25519PrivateKey:
    """The Ed25519 key that signs every snapshot and delta: `VAULTDOOR_SNAPSHOT_SIGNING_KEY`
    (a `file:` reference to a PEM key or 32 raw bytes), else generated on first use into
    `<data dir>/secrets/snapshot-signing-key`."""
    return _signing_key(config.env("SNAPSHOT_SIGNING_KEY"), str(config.data_dir()))


@lru_cache(maxsize=4)
def _token_key(data_dir: str) -> bytes:
    from pathlib import Path

    return config.secret_file("controller-token-key", nbytes=32, directory=Path(data_dir))


def hash_secret(secret: str) -> str:
    """The keyed hash (HMAC-SHA256) under which enrolment codes and controller tokens are
    stored. Both are long random strings, so a keyed hash is as strong as a slow one, and it
    lets a token be found by its hash in one indexed lookup on every request."""
    mac = hmac.HMAC(_token_key(str(config.data_dir())), hashes.SHA256())
    mac.update(secret.encode("utf-8"))
    return mac.finalize().hex()


def secrets_match(stored_hash: str, secret: str) -> bool:
    """Constant-time check of a secret against its stored hash."""
    return constant_time.bytes_eq(stored_hash.encode(), hash_secret(secret).encode())


def pin_key() -> bytes:
    """The server's PIN key, which the edge needs to check PINs at card-and-PIN and keypad
    doors (same source as `vaultdoor.access.services.pinkey`)."""
    reference = config.env("PIN_KEY")
    if reference:
        return config.read_secret(reference, variable="PIN_KEY").strip()
    return config.secret_file("pin-key")
