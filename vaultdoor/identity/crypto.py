"""Sealing the TOTP secrets at rest (AES-GCM), and hashing one-time secrets for storage.

TOTP secrets must be readable by the server to check codes, so they are encrypted with a key
generated into the data directory (`secrets/identity-totp-key`), not hashed: a copy of the
database alone does not reveal them. High-entropy one-time secrets (enrolment links, API
tokens, recovery codes) are stored as SHA-256 digests, compared in constant time.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.hazmat.primitives import constant_time, hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vaultdoor import config

__all__ = ["configured_key", "digest", "digest_matches", "open_secret", "seal_secret"]

_KEY_FILE = "identity-totp-key"
_MIN_KEY_BYTES = 16
_VERSION = "v1"


def configured_key() -> bytes:
    """The sealing key, read now (`vaultdoor check-config`; the server keeps it in `_key`):
    from the file VAULTDOOR_IDENTITY_KEY names, else generated into the data directory."""
    reference = config.env("IDENTITY_KEY")
    if reference:
        # Any length of key material in the file (at least 16 bytes: an empty or tiny file
        # would seal every TOTP secret under a guessable key); SHA-256 makes it the 32 bytes
        # AES-256 needs.
        material = config.read_secret(reference, variable="IDENTITY_KEY")
        if len(material.strip()) < _MIN_KEY_BYTES:
            raise config.ConfigError(
                f"VAULTDOOR_IDENTITY_KEY: the key must be at least {_MIN_KEY_BYTES} bytes "
                f"(found {len(material.strip())})")
        return _sha256(material)
    return config.secret_file(_KEY_FILE, nbytes=32)


_key = lru_cache(maxsize=1)(configured_key)


def seal_secret(plain: str, *, purpose: str) -> str:
    """Encrypt `plain`, bound to `purpose` (so a sealed value cannot be reused elsewhere)."""
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, plain.encode(), purpose.encode())
    return f"{_VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def open_secret(sealed: str, *, purpose: str) -> str:
    """Decrypt a value made by `seal_secret` for the same purpose."""
    version, _, payload = sealed.partition(":")
    if version != _VERSION:
        raise ValueError(f"sealed secret of unknown version {version!r}")
    raw = base64.b64decode(payload)
    return AESGCM(_key()).decrypt(raw[:12], raw[12:], purpose.encode()).decode()


def _sha256(data: bytes) -> bytes:
    hasher = hashes.Hash(hashes.SHA256())
    hasher.update(data)
    return hasher.finalize()


def digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (never for passwords: those use Argon2id)."""
    return _sha256(secret.encode()).hex()


def digest_matches(secret: str, expected: str) -> bool:
    """Constant-time comparison of a secret with a stored digest."""
    return constant_time.bytes_eq(digest(secret).encode(), expected.encode())
