"""Keyed blind indexes: exact-match search on encrypted values without decrypting.

An index is HMAC-SHA256 (the `cryptography` package) under the vault's index key over a
domain-separated, normalised value, truncated to 128 bits (hex): enough that unrelated values
never collide among billions of rows, short enough to keep the indexes small.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import hashes, hmac

from . import normalise

__all__ = ["INDEX_HEX", "blind_index", "search_digest"]

INDEX_HEX = 32  # 128 bits


@lru_cache(maxsize=4)
def _keyed(key: bytes) -> hmac.HMAC:
    return hmac.HMAC(key, hashes.SHA256())


def blind_index(key: bytes, kind: str, normal: str) -> str:
    """The index of an already normalised value of `kind` (phone, email, account, card)."""
    mac = _keyed(key).copy()  # the keyed state, prepared once per key
    mac.update(f"vaultdoor.vault/{kind}\x00{normal}".encode())
    return mac.finalize().hex()[:INDEX_HEX]


def search_digest(key: bytes, kind: str, raw: str, region: str = "GB") -> str | None:
    """The index to look up for what someone typed, or None if it cannot match anything."""
    try:
        if kind == "phone":
            normal = normalise.phone(raw, region)
        elif kind == "email":
            normal = normalise.email(raw)
        elif kind in {"account", "card"}:
            normal = normalise.digits(raw)
            if not normal:
                return None
        else:
            raise ValueError(f"unknown search kind {kind!r}: phone, email, account or card")
    except normalise.InvalidValue:
        return None
    return blind_index(key, kind, normal)
