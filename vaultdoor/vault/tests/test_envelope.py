"""Envelope encryption: ciphertexts bound to record and field, wrapped keys bound to record and
KEK version, clear errors for wrong and missing keys; blind indexes and normalisation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultdoor.vault import blind, normalise
from vaultdoor.vault.envelope import (
    DecryptionError,
    decrypt_field,
    encrypt_field,
    new_data_key,
    rewrap,
    unwrap,
)
from vaultdoor.vault.keys import KeyRing, VaultKeyError
from vaultdoor.vault.masking import mask_field, mask_pan

RING = KeyRing({1: b"\x01" * 32, 2: b"\x02" * 32})


def test_round_trip_and_binding_to_record_and_field():
    dek = new_data_key(RING, "cust-a")
    assert dek.kek_version == 2
    ct = encrypt_field(dek, "email", "a@example.org")
    again = unwrap(RING, "cust-a", dek.wrapped, 2)
    assert decrypt_field(again, "email", ct) == "a@example.org"
    with pytest.raises(DecryptionError, match=r"cust-a field 'name'.*moved"):
        decrypt_field(again, "name", ct)  # moved to another field
    other = new_data_key(RING, "cust-b")
    with pytest.raises(DecryptionError, match="cust-b field 'email'"):
        decrypt_field(other, "email", ct)  # moved to another row
    tampered = bytearray(ct)
    tampered[-1] ^= 1
    with pytest.raises(DecryptionError):
        decrypt_field(again, "email", bytes(tampered))


def test_wrapped_key_bound_to_record_and_version():
    dek = new_data_key(RING, "cust-a")
    with pytest.raises(DecryptionError, match=r"cust-b.*version 2"):
        unwrap(RING, "cust-b", dek.wrapped, 2)  # wrapped key copied to another row
    with pytest.raises(DecryptionError, match="version 1"):
        unwrap(RING, "cust-a", dek.wrapped, 1)  # relabelled version


def test_wrong_and_missing_key_name_the_version():
    dek = new_data_key(RING, "cust-a")
    wrong = KeyRing({2: b"\x07" * 32})
    with pytest.raises(DecryptionError, match="vault key version 2"):
        unwrap(wrong, "cust-a", dek.wrapped, 2)
    missing = KeyRing({1: b"\x01" * 32})
    with pytest.raises(VaultKeyError, match="version 2 is not loaded"):
        unwrap(missing, "cust-a", dek.wrapped, 2)
    with pytest.raises(VaultKeyError, match="no vault key"):
        KeyRing({})


def test_rewrap_keeps_the_data_key():
    ring1 = KeyRing({1: b"\x01" * 32})
    dek = new_data_key(ring1, "c")
    ct = encrypt_field(dek, "notes", "hello")
    wrapped, version = rewrap(RING, "c", dek.wrapped, 1)
    assert version == 2
    assert decrypt_field(unwrap(RING, "c", wrapped, 2), "notes", ct) == "hello"


def test_normalisation_feeds_the_same_index():
    key = b"k" * 32
    variants = ["07911 123456", "+44 7911 123456", "+447911123456", "(07911) 123-456"]
    digests = {blind.search_digest(key, "phone", v) for v in variants}
    assert len(digests) == 1 and None not in digests
    assert blind.search_digest(key, "email", " Zoe@Example.ORG ") == blind.search_digest(
        key, "email", "zoe@example.org")
    assert blind.search_digest(key, "card", "4929-1234-5678-9015") == blind.search_digest(
        key, "card", "4929123456789015")
    assert blind.search_digest(key, "phone", "not a number") is None
    # kinds are separated: the same digits as account and card differ
    assert blind.blind_index(key, "account", "123") != blind.blind_index(key, "card", "123")
    assert len(blind.blind_index(key, "email", "x")) == blind.INDEX_HEX


def test_card_checks():
    assert normalise.pan("4929 1234 5678 9015") == "4929123456789015"
    with pytest.raises(normalise.InvalidValue, match="Luhn"):
        normalise.pan("4929 1234 5678 9012")
    today = dt.date(2026, 11, 29)
    assert normalise.card_expiry("9/31", today) == "09/31"
    assert normalise.card_expiry("11/26", today) == "11/26"
    with pytest.raises(normalise.InvalidValue, match="expired"):
        normalise.card_expiry("10/26", today)
    with pytest.raises(normalise.InvalidValue, match="month"):
        normalise.card_expiry("13/30", today)
    with pytest.raises(normalise.InvalidValue):
        normalise.email("no-at-sign")


def test_masking():
    assert mask_pan("4929123456789015", see_bin=True) == "492912••••••9015"
    assert mask_pan("4929123456789015", see_bin=False) == "••••9015"
    assert mask_field("name", "Zoe Ann Smith") == "Z••• A••• S•••"
    assert mask_field("phones", '["+447911123456"]') == "••••••••••456"
    assert mask_field("email", "zoe@example.org") == "z•••@example.org"
    assert "1971" not in mask_field("date_of_birth", "1971-04-03")
    assert mask_field("notes", "secret stuff") == "••••••"


def _luhn_complete(body: str) -> str:
    for check in "0123456789":
        if normalise.luhn_ok(body + check):
            return body + check
    raise AssertionError


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789", min_size=11, max_size=18))
def test_luhn_accepts_exactly_one_check_digit(body):
    good = _luhn_complete(body)
    assert normalise.pan(good) == good
    bad = [body + d for d in "0123456789" if body + d != good]
    assert not any(normalise.luhn_ok(b) for b in bad)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=200), st.sampled_from(["name", "notes", "email"]))
def test_any_text_round_trips(text, field):
    dek = new_data_key(RING, "c")
    assert decrypt_field(dek, field, encrypt_field(dek, field, text)) == text


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="0123456789", min_size=13, max_size=19))
def test_pan_mask_never_shows_more_than_six_and_four(number):
    masked = mask_pan(number, see_bin=True)
    assert sum(ch.isdigit() for ch in masked) <= 10
    assert sum(ch.isdigit() for ch in mask_pan(number, see_bin=False)) == 4


def _no_digit(ch: str) -> bool:
    import unicodedata

    return not any(c.isdigit() for c in unicodedata.normalize("NFKC", ch))


_WORDS = st.text(alphabet=st.characters().filter(_no_digit), max_size=40)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="0123456789", min_size=11, max_size=18), _WORDS, _WORDS,
       st.sampled_from(["", " ", "-"]))
def test_a_card_number_in_free_text_is_always_found(body, before, after, separator):
    number = _luhn_complete(body)
    grouped = separator.join(number[i:i + 4] for i in range(0, len(number), 4))
    text = f"{before} {grouped} {after}"
    assert normalise.contains_pan(text)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_contains_pan_never_fails_and_needs_twelve_digits(text):
    found = normalise.contains_pan(text)
    import unicodedata

    if sum(ch in "0123456789" for ch in unicodedata.normalize("NFKC", text)) < 12:
        assert not found
