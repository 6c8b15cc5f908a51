"""Signed snapshot updates: the envelope the server signs (Ed25519) and the edge verifies.

Every update, full snapshot or delta, carries its controller, its version, the version it
follows, the fingerprint of the state it produces, when it was issued and the SHA-256 of its
payload. The signature covers exactly those fields (canonical JSON), so the payload is covered
through its hash and the header can be kept and re-verified without the payload.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .wire import canonical

__all__ = [
    "ENVELOPE_VERSION",
    "KINDS",
    "BadSignature",
    "SignedHeader",
    "SnapshotRefused",
    "Update",
    "key_id",
    "public_key_from_text",
    "public_key_text",
    "sign_update",
]

ENVELOPE_VERSION = 1
KINDS = ("full", "delta")


class SnapshotRefused(Exception):
    """The edge refused a snapshot or delta; the message says why (kept in the event log)."""


class BadSignature(SnapshotRefused):
    """The signature does not verify with the server key the controller was enrolled with."""


def public_key_text(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64 (how enrolment hands it to the edge)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def public_key_from_text(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except ValueError as exc:
        raise SnapshotRefused(f"malformed server public key: {exc}") from None


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    return hashlib.sha256(base64.b64decode(public_key_text(key))).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SignedHeader:
    """The signed part of an update (all but the payload, which it covers by hash)."""

    controller: str
    kind: str
    version: int
    prev_version: int
    fingerprint: str
    issued_at: str
    payload_sha256: str
    key_id: str
    signature: str = ""

    def message(self) -> bytes:
        """The exact bytes signed."""
        return canonical({
            "v": ENVELOPE_VERSION, "controller": self.controller, "kind": self.kind,
            "version": self.version, "prev_version": self.prev_version,
            "fingerprint": self.fingerprint, "issued_at": self.issued_at,
            "payload_sha256": self.payload_sha256, "key_id": self.key_id,
        }).encode()

    def to_dict(self) -> dict[str, Any]:
        return {
            "controller": self.controller, "kind": self.kind, "version": self.version,
            "prev_version": self.prev_version, "fingerprint": self.fingerprint,
            "issued_at": self.issued_at, "payload_sha256": self.payload_sha256,
            "key_id": self.key_id, "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: Any) -> SignedHeader:
        try:
            header = cls(
                controller=str(data["controller"]), kind=str(data["kind"]),
                version=_int(data["version"]), prev_version=_int(data["prev_version"]),
                fingerprint=str(data["fingerprint"]), issued_at=str(data["issued_at"]),
                payload_sha256=str(data["payload_sha256"]), key_id=str(data["key_id"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SnapshotRefused(f"malformed update header ({exc!s})") from None
        if header.kind not in KINDS:
            raise SnapshotRefused(f"unknown update kind {header.kind!r}")
        return header

    def verify(self, key: Ed25519PublicKey) -> None:
        """Raise `BadSignature` unless the signature is the server's over this header."""
        try:
            signature = base64.b64decode(self.signature, validate=True)
            key.verify(signature, self.message())
        except (InvalidSignature, ValueError):
            raise BadSignature(
                f"signature of {self.kind} version {self.version} does not verify with the "
                f"enrolled server key {key_id(key)}"
            ) from None


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Update:
    """One signed update as sent: the header and its payload (a full state or a delta)."""

    header: SignedHeader
    payload: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {**self.header.to_dict(), "payload": self.payload}

    @classmethod
    def from_dict(cls, data: Any) -> Update:
        if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
            raise SnapshotRefused("malformed update: no payload object")
        return cls(header=SignedHeader.from_dict(data), payload=data["payload"])

    def verify(self, key: Ed25519PublicKey, *, controller: str) -> None:
        """Check signature, addressee and payload hash; raise `SnapshotRefused` on any fault."""
        self.header.verify(key)
        if self.header.controller != controller:
            raise SnapshotRefused(
                f"update is for controller {self.header.controller!r}, this is {controller!r}"
            )
        if payload_hash(self.payload) != self.header.payload_sha256:
            raise SnapshotRefused(
                f"payload of {self.header.kind} version {self.header.version} was altered "
                "(its hash differs from the signed one)"
            )


def payload_hash(payload: Any) -> str:
    return hashlib.sha256(canonical(payload).encode()).hexdigest()


def sign_update(
    private_key: Ed25519PrivateKey, *, controller: str, kind: str, version: int,
    prev_version: int, fingerprint: str, issued_at: str, payload: dict[str, Any],
) -> Update:
    """Sign an update (server side)."""
    header = SignedHeader(
        controller=controller, kind=kind, version=version, prev_version=prev_version,
        fingerprint=fingerprint, issued_at=issued_at, payload_sha256=payload_hash(payload),
        key_id=key_id(private_key.public_key()),
    )
    signature = base64.b64encode(private_key.sign(header.message())).decode()
    return Update(header=_with_signature(header, signature), payload=payload)


def _with_signature(header: SignedHeader, signature: str) -> SignedHeader:
    from dataclasses import replace

    return replace(header, signature=signature)
