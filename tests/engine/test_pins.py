"""PIN hashes: keyed, verifiable in constant time, naming their key, never the clear PIN."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultdoor.engine import PinHasher, PinHashError

KEY = b"pin-tests-key-0123456789abcdef!!"
pins = st.text(alphabet="0123456789", min_size=4, max_size=8)


@given(pins)
def test_hash_verifies_and_hides_the_pin(pin: str) -> None:
    hasher = PinHasher(KEY)
    stored = hasher.hash(pin)
    assert hasher.verify(pin, stored)
    assert stored.startswith(f"hmac-sha256${hasher.key_id}$")


@given(pins, pins)
def test_other_pins_do_not_verify(pin: str, other: str) -> None:
    hasher = PinHasher(KEY)
    assert hasher.verify(other, hasher.hash(pin)) == (pin == other)


def test_hash_is_deterministic_per_key() -> None:
    assert PinHasher(KEY).hash("4821") == PinHasher(KEY).hash("4821")
    assert PinHasher(KEY).hash("4821") != PinHasher(KEY[::-1]).hash("4821")


def test_key_id_identifies_without_revealing() -> None:
    hasher = PinHasher(KEY)
    assert len(hasher.key_id) == 12
    assert hasher.key_id not in KEY.hex()
    assert PinHasher.random().key_id != PinHasher.random().key_id


def test_foreign_and_malformed_hashes() -> None:
    hasher = PinHasher(KEY)
    foreign = PinHasher(b"x" * 32).hash("4821")
    assert not hasher.verify("4821", foreign)
    assert not hasher.owns(foreign)
    with pytest.raises(PinHashError, match="different key"):
        hasher.check_hash(foreign)
    for bad in (
        "",
        "4821",
        "hmac-sha256$x",
        f"hmac-sha256${hasher.key_id}$zz",
        f"hmac-sha256${hasher.key_id}$abcd",
        "sha1$a$b",
    ):
        assert not hasher.verify("4821", bad)
        with pytest.raises(PinHashError):
            hasher.check_hash(bad)


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        PinHasher(b"short")
