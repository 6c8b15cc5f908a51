"""PIN hashing for doors: a keyed HMAC-SHA256, cheap enough to run on every keypad press.

A PIN has at most 10**8 values, so a slow password hash would not stop an attacker holding the
hashes; the key does. The hashes are useless without the key (kept in the data directory,
never in the database), yet equal PINs hash equally under one key, which lets a keypad door
find its person with a single dictionary lookup. The stored string names the key it was made
with (`hmac-sha256$<key id>$<hex digest>`), so a hash from another server's key is recognised
and refused instead of silently never matching.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import constant_time, hashes, hmac

__all__ = ["PIN_HASH_SCHEME", "PinHashError", "PinHasher"]

PIN_HASH_SCHEME = "hmac-sha256"
_KEY_ID_DOMAIN = b"vaultdoor pin key id v1"
_MIN_KEY_BYTES = 16


class PinHashError(ValueError):
    """A stored PIN hash is malformed or was made with a different key."""


class PinHasher:
    """Hashes and verifies PINs under one secret key."""

    __slots__ = ("_hmac", "_prefix", "key_id")

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) < _MIN_KEY_BYTES:
            raise ValueError(f"a PIN key must be at least {_MIN_KEY_BYTES} random bytes")
        # The key id is a MAC of a constant: it identifies the key without revealing it.
        id_mac = hmac.HMAC(key, hashes.SHA256())
        id_mac.update(_KEY_ID_DOMAIN)
        self.key_id: str = id_mac.finalize().hex()[:12]
        self._hmac = hmac.HMAC(key, hashes.SHA256())
        self._prefix = f"{PIN_HASH_SCHEME}${self.key_id}$"

    @classmethod
    def random(cls) -> PinHasher:
        """A hasher with a fresh random key, for pure simulation where nothing is stored."""
        return cls(os.urandom(32))

    def digest(self, pin: str) -> bytes:
        """The raw MAC of `pin` (the part after the key id in `hash`)."""
        mac = self._hmac.copy()  # copying the keyed state skips re-deriving the key pads
        mac.update(pin.encode("utf-8"))
        return mac.finalize()

    def hash(self, pin: str) -> str:
        """The storable hash of `pin`, naming this hasher's key."""
        return self._prefix + self.digest(pin).hex()

    def owns(self, pin_hash: str) -> bool:
        """Whether `pin_hash` is a well-formed hash made with this hasher's key."""
        try:
            self._split(pin_hash)
        except PinHashError:
            return False
        return True

    def check_hash(self, pin_hash: str) -> None:
        """Raise `PinHashError` with a clear reason unless `pin_hash` is ours and well formed."""
        self._split(pin_hash)

    def verify(self, pin: str, pin_hash: str) -> bool:
        """Whether `pin` matches `pin_hash`, compared in constant time; False for foreign keys."""
        try:
            expected = self._split(pin_hash)
        except PinHashError:
            return False
        return constant_time.bytes_eq(self.digest(pin), expected)

    def _split(self, pin_hash: str) -> bytes:
        if not isinstance(pin_hash, str):
            raise PinHashError("a PIN hash must be a string")
        parts = pin_hash.split("$")
        if len(parts) != 3 or parts[0] != PIN_HASH_SCHEME:
            raise PinHashError(f"a PIN hash must look like {PIN_HASH_SCHEME}$<key id>$<hex>")
        if parts[1] != self.key_id:
            raise PinHashError(
                f"PIN hash made with a different key (key id {parts[1]}, this one is "
                f"{self.key_id}); export and import with the same PIN key, or give the PIN"
            )
        try:
            raw = bytes.fromhex(parts[2])
        except ValueError:
            raise PinHashError("the PIN hash digest is not hexadecimal") from None
        if len(raw) != 32:
            raise PinHashError("the PIN hash digest must be 64 hexadecimal digits")
        return raw
