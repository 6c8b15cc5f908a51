"""A software WebAuthn authenticator for tests: makes a P-256 credential and answers the
server's registration and authentication ceremonies as a browser and security key would."""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

_UP_UV_AT = 0x45  # user present, user verified, attested credential data
_UP_UV = 0x05


@dataclass
class SoftAuthenticator:
    """One credential on a pretend security key."""

    origin: str = "http://testserver"
    rp_id: str = "testserver"
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(
        ec.SECP256R1()))
    credential_id: bytes = b"soft-credential-0001"
    counter: int = 0

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin,
                           "crossOrigin": False}).encode()

    def register(self, options: dict) -> dict:
        """The browser's answer to `navigator.credentials.create(options)`."""
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        attested = (b"\0" * 16 + struct.pack(">H", len(self.credential_id))
                    + self.credential_id + self._cose_key())
        auth_data = rp_hash + bytes([_UP_UV_AT]) + struct.pack(">I", self.counter) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        cid = bytes_to_base64url(self.credential_id)
        return {"id": cid, "rawId": cid, "type": "public-key",
                "response": {"clientDataJSON": bytes_to_base64url(
                    self._client_data("webauthn.create", options["challenge"])),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["usb"]},
                "clientExtensionResults": {}}

    def authenticate(self, options: dict, *, origin: str | None = None) -> dict:
        """The browser's answer to `navigator.credentials.get(options)`."""
        self.counter += 1
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        auth_data = rp_hash + bytes([_UP_UV]) + struct.pack(">I", self.counter)
        saved, self.origin = self.origin, origin or self.origin
        client_data = self._client_data("webauthn.get", options["challenge"])
        self.origin = saved
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        cid = bytes_to_base64url(self.credential_id)
        return {"id": cid, "rawId": cid, "type": "public-key",
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "authenticatorData": bytes_to_base64url(auth_data),
                             "signature": bytes_to_base64url(signature),
                             "userHandle": None},
                "clientExtensionResults": {}}


def challenge_of(options: dict) -> bytes:
    return base64url_to_bytes(options["challenge"])
