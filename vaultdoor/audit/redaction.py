"""Keep secrets out of the audit log: the context of every event passes through `redact()`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

__all__ = ["REDACTED", "is_sensitive_key", "redact"]

REDACTED = "[redacted]"

# Long words are unambiguous anywhere in a key ("newPassword", "apitoken", "client_secret").
_SENSITIVE_PARTS = (
    "password", "passwd", "passphrase", "passcode", "pincode", "secret", "token", "apikey",
    "privatekey", "signingkey", "authorization", "cookie", "sessionid", "csrf",
)
# Short words only as a whole word of the key ("pin", "pin_hash", "otp_code", "api-key"), so
# that "keypad", "shipping" or "footprint" stay readable.
_SENSITIVE_WORDS = frozenset({
    "pin", "pins", "key", "keys", "otp", "totp", "hotp", "code", "codes", "pwd", "cvv", "cvc",
    "pan", "salt", "session", "mfa", "bearer",
})
# Keys that contain a sensitive word but name something public. ("credential" is not a secret
# word: decisions describe what was presented, `card h10301 42:10231 + PIN`, under that key; a
# password nested inside a "credentials" object is still caught by its own key.)
_PUBLIC_KEYS = frozenset({"key_id", "public_key", "public_key_id", "reason_code", "status_code"})

_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=4096)  # the same few dozen keys come back on every event
def is_sensitive_key(key: str) -> bool:
    """Whether a context key names a secret (a PIN, password, token, key, one-time code...)."""
    snake = _CAMEL.sub("_", key).lower()
    if snake in _PUBLIC_KEYS:
        return False
    squashed = _WORD_SPLIT.sub("", snake)
    if any(part in squashed for part in _SENSITIVE_PARTS):
        return True
    return any(word in _SENSITIVE_WORDS for word in _WORD_SPLIT.split(snake))


def redact(value: Any) -> Any:
    """A copy of `value` with every secret-named key's value replaced, at any depth."""
    if isinstance(value, Mapping):
        return {
            key: REDACTED if is_sensitive_key(str(key)) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value
