"""TOTP: RFC 6238 appendix B test vectors, the +/-1 step window, replay refusal, and
single-use recovery codes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pyotp
import pytest

from vaultdoor.identity.services import recovery, totp
from vaultdoor.identity.services.accounts import account_for

from .conftest import totp_code

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
# RFC 6238 appendix B: time (seconds), then the 8-digit codes for SHA1, SHA256, SHA512.
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize("row", VECTORS, ids=[str(v[0]) for v in VECTORS])
@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha512"])
def test_rfc6238_appendix_b(row, algorithm):
    seconds, *codes = row
    expected = dict(zip(["sha1", "sha256", "sha512"], codes, strict=True))[algorithm]
    secret = base64.b32encode(SEEDS[algorithm]).decode()
    at = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    assert pyotp.TOTP(secret, digits=8, digest=getattr(hashlib, algorithm)).at(at) == expected
    # and our verifier finds exactly that step, with no window
    assert totp.matching_step(secret, expected, at, window=0, digest=algorithm,
                              digits=8) == seconds // 30


def test_window_is_one_step_either_side():
    secret = pyotp.random_base32()
    now = dt.datetime(2026, 3, 2, 9, 0, 15, tzinfo=dt.UTC)
    step = now.timestamp() // 30
    for offset, accepted in [(-2, False), (-1, True), (0, True), (1, True), (2, False)]:
        code = totp_code(secret, now + dt.timedelta(seconds=30 * offset))
        found = totp.matching_step(secret, code, now)
        assert (found == step + offset) if accepted else found is None, offset
    assert totp.matching_step(secret, "12ab56", now) is None
    assert totp.matching_step(secret, "1234567", now) is None


@pytest.mark.django_db
def test_a_used_code_is_refused_and_older_codes_too(make_user, fake_clock):
    account = account_for(make_user())
    device, secret = totp.start_enrolment(account)
    now = fake_clock()
    code = totp_code(secret, now)
    assert totp.confirm_device(device, code, now)
    assert device.confirmed
    # replay of the same code, even within its 30 seconds, is refused
    assert not totp.verify_totp(device, code, now)
    # the previous step's code is still inside the window but older than the one used
    previous = totp_code(secret, now - dt.timedelta(seconds=30))
    assert not totp.verify_totp(device, previous, now)
    # the next step's code works once
    later = now + dt.timedelta(seconds=30)
    assert totp.verify_totp(device, totp_code(secret, later), later)
    assert not totp.verify_totp(device, totp_code(secret, later), later)
    device.refresh_from_db()
    assert device.last_step == int(later.timestamp()) // 30


@pytest.mark.django_db
def test_secret_is_sealed_at_rest(make_user):
    device, secret = totp.start_enrolment(account_for(make_user()))
    assert secret not in device.sealed_secret
    assert totp.device_secret(device) == secret
    uri = totp.provisioning_uri(device, "mjones")
    assert uri.startswith("otpauth://totp/vaultdoor:mjones?secret=")
    assert totp.qr_data_uri(uri).startswith("data:image/svg+xml;base64,")


@pytest.mark.django_db
def test_recovery_codes_are_ten_hashed_and_single_use(make_user):
    account = account_for(make_user())
    codes = recovery.new_recovery_codes(account)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(account.recovery_codes.values_list("code_hash", flat=True))
    assert all(code not in stored for code in codes)
    assert recovery.use_recovery_code(account, codes[3].upper())
    assert not recovery.use_recovery_code(account, codes[3])
    assert recovery.remaining_codes(account) == 9
    assert not recovery.use_recovery_code(account, "aaaaa-bbbbb")
    # new codes replace the old ones
    recovery.new_recovery_codes(account)
    assert not recovery.use_recovery_code(account, codes[0])
