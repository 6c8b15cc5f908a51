"""Envelope encryption of customer records (pure Python; `cryptography`'s AES-GCM only).

Each record has its own 256-bit data key. Every field is encrypted under it with AES-256-GCM,
and the associated data names the record and the field, so a ciphertext copied to another
row or field does not decrypt. The data key is stored wrapped (AES-256-GCM) by a versioned
key-encryption key; the wrap's associated data names the record and the KEK version, so a
wrapped key copied to another row, or relabelled with another version, does not unwrap.

Rotation re-wraps only the data key (one small write per record); field ciphertexts stay.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .keys import KeyRing, VaultKeyError, random_key

__all__ = [
    "FORMAT",
    "DataKey",
    "DecryptionError",
    "VaultKeyError",
    "decrypt_field",
    "encrypt_field",
    "new_data_key",
    "rewrap",
    "unwrap",
]

FORMAT = 1  # first byte of every field ciphertext and wrapped key
_NONCE = 12
NONCE_BYTES = _NONCE


class DecryptionError(ValueError):
    """A ciphertext does not decrypt: wrong key, altered, or moved from another row or field.

    The message names the customer, the field and the key version, never a value."""


@dataclass(frozen=True)
class DataKey:
    """A record's data key: the cipher for its fields and its wrapped form."""

    customer_id: str
    cipher: AESGCM
    wrapped: bytes
    kek_version: int


def _wrap_ad(customer_id: str, version: int) -> bytes:
    return f"vaultdoor.vault/dek|{customer_id}|kek={version}".encode()


def _field_ad(customer_id: str, field: str) -> bytes:
    return f"vaultdoor.vault/field|{customer_id}|{field}".encode()


def new_data_key(ring: KeyRing, customer_id: str) -> DataKey:
    """A fresh data key for a new record, wrapped under the newest KEK."""
    key = random_key()
    version = ring.current
    nonce = os.urandom(_NONCE)
    wrapped = bytes([FORMAT]) + nonce + ring.cipher(version).encrypt(
        nonce, key, _wrap_ad(customer_id, version))
    return DataKey(customer_id, AESGCM(key), wrapped, version)


def _unwrap_raw(ring: KeyRing, customer_id: str, wrapped: bytes | None, version: int) -> bytes:
    if not wrapped:
        raise DecryptionError(f"customer {customer_id}: no data key (erased)")
    cipher = ring.cipher(version)  # VaultKeyError names a version that is not loaded
    if wrapped[0] != FORMAT or len(wrapped) < 1 + _NONCE + 16:
        raise DecryptionError(f"customer {customer_id}: wrapped data key has an unknown format")
    try:
        return cipher.decrypt(wrapped[1:1 + _NONCE], wrapped[1 + _NONCE:],
                              _wrap_ad(customer_id, version))
    except InvalidTag as exc:
        raise DecryptionError(
            f"customer {customer_id}: the data key does not unwrap under vault key version "
            f"{version} (wrong key file for that version, or the key belongs to another record)"
        ) from exc


def unwrap(ring: KeyRing, customer_id: str, wrapped: bytes | None, version: int) -> DataKey:
    """The record's data key, from its wrapped form and KEK version."""
    key = _unwrap_raw(ring, customer_id, wrapped, version)
    return DataKey(customer_id, AESGCM(key), bytes(wrapped or b""), version)


def rewrap(ring: KeyRing, customer_id: str, wrapped: bytes, version: int,
           to_version: int | None = None) -> tuple[bytes, int]:
    """The same data key wrapped under `to_version` (default the newest KEK)."""
    target = ring.current if to_version is None else to_version
    key = _unwrap_raw(ring, customer_id, wrapped, version)
    nonce = os.urandom(_NONCE)
    return bytes([FORMAT]) + nonce + ring.cipher(target).encrypt(
        nonce, key, _wrap_ad(customer_id, target)), target


def encrypt_field(key: DataKey, field: str, plaintext: str, nonce: bytes | None = None) -> bytes:
    """One field's ciphertext, bound to the record and the field name. `nonce` (12 random
    bytes, never reused with this key) lets a caller draw the nonces of a record at once."""
    if nonce is None:
        nonce = os.urandom(_NONCE)
    elif len(nonce) != _NONCE:
        raise ValueError("an AES-GCM nonce here is 12 bytes")
    return bytes([FORMAT]) + nonce + key.cipher.encrypt(
        nonce, plaintext.encode("utf-8"), _field_ad(key.customer_id, field))


def decrypt_field(key: DataKey, field: str, ciphertext: bytes | None) -> str:
    """One field's plaintext; `DecryptionError` if it was altered or moved."""
    if ciphertext is None:
        return ""
    blob = bytes(ciphertext)
    if not blob or blob[0] != FORMAT or len(blob) < 1 + _NONCE + 16:
        raise DecryptionError(
            f"customer {key.customer_id} field {field!r}: ciphertext has an unknown format")
    try:
        return key.cipher.decrypt(blob[1:1 + _NONCE], blob[1 + _NONCE:],
                                  _field_ad(key.customer_id, field)).decode("utf-8")
    except InvalidTag as exc:
        raise DecryptionError(
            f"customer {key.customer_id} field {field!r}: ciphertext does not decrypt with this "
            f"record's data key (altered, or moved from another record or field)"
        ) from exc

