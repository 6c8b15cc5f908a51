"""Secrets never reach the audit context: which keys are redacted, at any depth."""

from __future__ import annotations

import pytest

from vaultdoor.audit.redaction import REDACTED, is_sensitive_key, redact


@pytest.mark.parametrize("key", [
    "password", "new_password", "newPassword", "PASSWORD", "passwd", "pin", "pin_hash", "PIN",
    "pinCode", "pincode", "passcode", "secret", "client_secret", "token", "api_token",
    "accessToken", "key", "api_key", "api-key", "private_key", "signing_key", "otp", "otp_code",
    "totp", "code", "recovery_codes", "session", "session_key", "sessionid", "csrftoken",
    "cookie", "authorization", "salt", "cvv", "mfa_secret",
])
def test_secret_keys_are_sensitive(key):
    assert is_sensitive_key(key)


@pytest.mark.parametrize("key", [
    "door", "zone", "person", "decision", "reason", "keypad", "keyboard", "monkey", "shipping",
    "spin", "pinned", "footprint", "opinion", "key_id", "public_key", "reason_code", "barcode",
    "facility", "number", "warnings", "counts", "request", "user_agent", "credential",
])
def test_ordinary_keys_are_kept(key):
    assert not is_sensitive_key(key)


def test_redact_walks_dicts_and_lists():
    value = {
        "swipe": {"pin": "4821", "card": {"facility": 42, "number": 10231}},
        "factors": [{"otp": "123456"}, {"kind": "biometric"}],
        "token": {"nested": "whole value goes"},
        "tuple": ({"password": "x"},),
        "credentials": {"username": "ann", "password": "x"},
    }
    assert redact(value) == {
        "swipe": {"pin": REDACTED, "card": {"facility": 42, "number": 10231}},
        "factors": [{"otp": REDACTED}, {"kind": "biometric"}],
        "token": REDACTED,
        "tuple": [{"password": REDACTED}],
        "credentials": {"username": "ann", "password": REDACTED},
    }


def test_redact_leaves_the_input_alone():
    value = {"pin": "4821"}
    redact(value)
    assert value == {"pin": "4821"}
