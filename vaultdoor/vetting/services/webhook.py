"""The provider webhook: a delivery of background-check results signed with HMAC-SHA256.

The provider sends the JSON body with the header

    X-Vaultdoor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>

keyed with the shared webhook key (`vaultdoor vetting webhook-key`). A delivery is accepted
only when a `v1` signature matches (compared in constant time by `cryptography`), `t` is
within five minutes of the server's clock, and the same signature (or the same delivery
`id` from the same provider) was not accepted before: a replay is refused.

Body: {"id": "<delivery id>", "provider": "<name>", "checks": [<check>, ...]} where a check
has the import's columns (person, site, reference, scope, requested, completed, status) and
`findings` as a list of categories or of {"category", "notes"} objects.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac
from django.db import IntegrityError, transaction

from .. import conf
from ..models import BackgroundCheck, WebhookDelivery
from .importer import ImportSummary, import_checks, validate_rows

__all__ = ["SIGNATURE_HEADER", "WebhookRefused", "receive", "sign", "signature_header"]

SIGNATURE_HEADER = "X-Vaultdoor-Signature"
# Deliveries are remembered this long: long past the timestamp tolerance, so a replay is
# always refused by one check or the other.
_REMEMBER = dt.timedelta(days=1)


def clock() -> float:
    """The server's clock in Unix seconds (tests replace it)."""
    return time.time()


class WebhookRefused(Exception):
    """A delivery was not accepted; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


def _mac(key: bytes, timestamp: int, body: bytes) -> hmac.HMAC:
    mac = hmac.HMAC(key, hashes.SHA256())
    mac.update(str(timestamp).encode() + b"." + body)
    return mac


def sign(key: bytes, timestamp: int, body: bytes) -> str:
    """The hex signature of `body` sent at `timestamp` (what a provider computes)."""
    return _mac(key, timestamp, body).finalize().hex()


def signature_header(key: bytes, timestamp: int, body: bytes) -> str:
    """The `X-Vaultdoor-Signature` value for `body` sent at `timestamp`."""
    return f"t={timestamp},v1={sign(key, timestamp, body)}"


def _parse(header: str) -> tuple[int, list[bytes]]:
    timestamp: int | None = None
    signatures: list[bytes] = []
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1" and len(value) == 64:
            try:
                signatures.append(bytes.fromhex(value))
            except ValueError:
                continue
    if timestamp is None or not signatures:
        raise WebhookRefused(f"missing or malformed {SIGNATURE_HEADER} header "
                             "(expected t=<unix seconds>,v1=<hex HMAC-SHA256>)")
    return timestamp, signatures


def verify(key: bytes, header: str, body: bytes, now: float | None = None) -> str:
    """Check the signature and its timestamp; returns the matching signature (hex)."""
    timestamp, signatures = _parse(header)
    now = clock() if now is None else now
    if abs(now - timestamp) > conf.WEBHOOK_TOLERANCE_S:
        raise WebhookRefused("the signed timestamp is more than 5 minutes from the server's "
                             "clock (check the provider's clock, or this is a replay)")
    for signature in signatures:
        try:
            _mac(key, timestamp, body).verify(signature)
        except InvalidSignature:
            continue
        return signature.hex()
    raise WebhookRefused("the signature does not match (wrong key, or the body was changed)")


def _body(body: bytes) -> tuple[str, str, list[tuple[int, dict[str, Any]]]]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRefused("the body is not JSON", status=400) from None
    if not isinstance(data, dict):
        raise WebhookRefused("the body must be a JSON object", status=400)
    provider, delivery = data.get("provider"), data.get("id", "")
    checks = data.get("checks")
    if not isinstance(provider, str) or not provider.strip() or len(provider) > 100:
        raise WebhookRefused("`provider` must be a name of 1 to 100 characters", status=400)
    if not isinstance(delivery, str) or len(delivery) > 100:
        raise WebhookRefused("`id` must be a string of at most 100 characters", status=400)
    if not isinstance(checks, list) or not checks or not all(isinstance(c, dict)
                                                             for c in checks):
        raise WebhookRefused("`checks` must be a non-empty list of objects", status=400)
    records = [(number, {**check, "provider": provider.strip()})
               for number, check in enumerate(checks, start=1)]
    return provider.strip(), delivery, records


def receive(body: bytes, header: str, *, request: Any = None, now: float | None = None,
            key: bytes | None = None) -> ImportSummary:
    """Verify and apply one delivery. Raises `WebhookRefused` (signature, timestamp, replay,
    malformed body) or `CheckImportError` (a check that does not validate); nothing is
    written then."""
    signature = verify(key or conf.webhook_key(), header, body, now)
    provider, delivery, records = _body(body)
    rows = validate_rows(records)
    received = dt.datetime.fromtimestamp(clock() if now is None else now, dt.UTC)
    with transaction.atomic():
        WebhookDelivery.objects.filter(received_at__lt=received - _REMEMBER).delete()
        try:
            with transaction.atomic():
                WebhookDelivery.objects.create(signature=signature, delivery_id=delivery,
                                               provider=provider, received_at=received)
        except IntegrityError:
            raise WebhookRefused("this delivery was already accepted (replay refused)",
                                 status=409) from None
        return import_checks(rows, actor=f"webhook:{provider}"[:150],
                             source=BackgroundCheck.Source.WEBHOOK, request=request,
                             summary_action="vetting.webhook", delivery=delivery)

