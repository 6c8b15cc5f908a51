"""TOTP second factor (RFC 6238): enrolment with a QR code and a manual key, verification in
a window of one step either side, and no code accepted twice for the same device."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pyotp
import segno
from django.db import transaction

from .. import clock
from ..constants import TOTP_DIGITS, TOTP_PERIOD, TOTP_WINDOW
from ..crypto import open_secret, seal_secret
from ..models import Account, TotpDevice

__all__ = [
    "ISSUER", "confirm_device", "device_secret", "matching_step", "provisioning_uri",
    "qr_data_uri", "start_enrolment", "verify_totp",
]

ISSUER = "vaultdoor"
_PURPOSE = "totp"


def start_enrolment(account: Account, name: str = "Authenticator app") -> tuple[TotpDevice, str]:
    """A new, unconfirmed device with a fresh 160-bit secret; returns it and the base32 key."""
    secret = pyotp.random_base32(length=32)
    # An abandoned enrolment leaves an unconfirmed device: replace it rather than pile up.
    account.totp_devices.filter(confirmed=False).delete()
    device = TotpDevice.objects.create(
        account=account, name=name, sealed_secret=seal_secret(secret, purpose=_PURPOSE),
        created=clock.now(),
    )
    return device, secret


def device_secret(device: TotpDevice) -> str:
    """The device's base32 secret (opened from its sealed form)."""
    return open_secret(device.sealed_secret, purpose=_PURPOSE)


def provisioning_uri(device: TotpDevice, username: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(device_secret(device), digits=TOTP_DIGITS, interval=TOTP_PERIOD
                      ).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code of `uri` as an SVG data: URI (allowed by the CSP's img-src data:)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2, dark="#111",
                                    light="#fff", xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def matching_step(secret: str, code: str, at: dt.datetime, *, window: int = TOTP_WINDOW,
                  digest: str = "sha1", digits: int = TOTP_DIGITS) -> int | None:
    """The time step in [now-window, now+window] whose code equals `code`, else None."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != digits:
        return None
    import hashlib

    totp = pyotp.TOTP(secret, digits=digits, interval=TOTP_PERIOD,
                      digest=getattr(hashlib, digest))
    step = totp.timecode(at)
    for candidate in range(step - window, step + window + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            return candidate
    return None


def verify_totp(device: TotpDevice, code: str, at: dt.datetime | None = None) -> bool:
    """True when `code` is valid now and its time step is later than any used before on this
    device (a replayed or older code is refused). Safe against two requests racing."""
    at = at or clock.now()
    step = matching_step(device_secret(device), code, at)
    if step is None:
        return False
    with transaction.atomic():
        # Conditional update: only one request can move last_step forward to `step`.
        moved = (TotpDevice.objects.filter(pk=device.pk)
                 .exclude(last_step__gte=step)
                 .update(last_step=step, last_used=at))
    if moved:
        device.last_step, device.last_used = step, at
    return bool(moved)


def confirm_device(device: TotpDevice, code: str, at: dt.datetime | None = None) -> bool:
    """Confirm an enrolment with the first code the app shows."""
    if not verify_totp(device, code, at):
        return False
    TotpDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    return True
