"""Ed25519 signatures over audit checkpoints: the key, its id, the signed statement.

Pure Python (no Django): the offline verifier (`vaultdoor audit verify --file`) uses it on a
machine that has only the export and the public key.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from vaultdoor import config
from vaultdoor.engine.chain import canonical_json, format_time, parse_time

__all__ = [
    "KEY_FILE_NAME",
    "Checkpoint",
    "SigningKeyError",
    "key_id",
    "load_or_create_signing_key",
    "load_public_key",
    "public_key_pem",
    "sign_checkpoint",
]

KEY_FILE_NAME = "audit-signing-key.pem"
CHECKPOINT_TYPE = "vaultdoor.audit.checkpoint"


class SigningKeyError(Exception):
    """The audit signing key or a public key cannot be read; the message says which file."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement that the chain's event `seq` has hash `head_hash`."""

    seq: int
    head_hash: str
    at: dt.datetime
    key_id: str
    signature: str = ""

    def payload(self) -> bytes:
        """The exact bytes that are signed (canonical JSON; the signature itself excluded)."""
        body = {
            "type": CHECKPOINT_TYPE,
            "seq": self.seq,
            "head": self.head_hash,
            "at": format_time(self.at),
            "key_id": self.key_id,
        }
        return canonical_json(body).encode("utf-8")

    def verify(self, public_key: Ed25519PublicKey) -> bool:
        """Whether the signature is good and made by `public_key` (whose id must match)."""
        if key_id(public_key) != self.key_id:
            return False
        try:
            public_key.verify(bytes.fromhex(self.signature), self.payload())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "head": self.head_hash,
            "at": format_time(self.at),
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checkpoint:
        """Read an exported checkpoint; fields the signature does not cover are refused."""
        unknown = set(data) - {"seq", "head", "at", "key_id", "signature"}
        if unknown:
            raise ValueError(f"unexpected fields {sorted(unknown)}")
        seq = data["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise TypeError("checkpoint seq must be an integer")
        for name in ("head", "key_id", "signature", "at"):
            if not isinstance(data[name], str):
                raise TypeError(f"checkpoint {name} must be a string")
        return cls(
            seq=seq,
            head_hash=data["head"],
            at=parse_time(data["at"]),
            key_id=data["key_id"],
            signature=data["signature"],
        )


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the first 16 hex digits of SHA-256 of its bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(raw)
    return digest.finalize().hex()[:16]


def sign_checkpoint(private_key: Ed25519PrivateKey, seq: int, head_hash: str,
                    at: dt.datetime) -> Checkpoint:
    """Sign 'event `seq` has hash `head_hash`' at time `at`."""
    unsigned = Checkpoint(
        seq=seq, head_hash=head_hash, at=at, key_id=key_id(private_key.public_key())
    )
    signature = private_key.sign(unsigned.payload()).hex()
    return Checkpoint(seq=seq, head_hash=head_hash, at=at, key_id=unsigned.key_id,
                      signature=signature)


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Read a PEM public key (or a PEM private key, whose public half is taken)."""
    try:
        data = path.expanduser().read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"cannot read public key {path}: {exc.strerror}") from exc
    try:
        key: Any = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError) as exc:
            raise SigningKeyError(f"{path} is not a PEM Ed25519 key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key")
    return key


def _parse_private_key(data: bytes, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(
            f"{source}: not an unencrypted PEM private key ({exc.__class__.__name__})"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{source}: the audit signing key must be Ed25519")
    return key


def load_or_create_signing_key(reference: str | None, directory: Path) -> Ed25519PrivateKey:
    """The checkpoint signing key.

    From `reference` (VAULTDOOR_AUDIT_SIGNING_KEY, a `file:` reference to a PEM private key) if
    given, else `<directory>/secrets/audit-signing-key.pem`, generated (0600) on first use.
    """
    if reference:
        data = config.read_secret(reference, variable="AUDIT_SIGNING_KEY")
        return _parse_private_key(data, "VAULTDOOR_AUDIT_SIGNING_KEY")
    folder = directory / "secrets"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / KEY_FILE_NAME
    try:
        return _parse_private_key(path.read_bytes(), str(path))
    except FileNotFoundError:
        pass
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Write aside, then link into place: processes starting together agree on one key.
    tmp = folder / f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)
    except FileExistsError:
        pem = path.read_bytes()
    finally:
        tmp.unlink()
    return _parse_private_key(pem, str(path))
