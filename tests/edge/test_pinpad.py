"""Keypad PIN entry: digits, enter, clear, the digit limit and the timeout."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultdoor.edge.doorio import ManualClock
from vaultdoor.edge.pinpad import PinPad
from vaultdoor.edge.readers import CardRead

CARD = CardRead("R-1", 26, bytes.fromhex("025AB340"))


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def pad(clock):
    return PinPad(timeout_s=10, clock=clock)


def test_digits_then_enter(pad):
    assert pad.card(CARD) is None
    assert pad.keys("48") is None
    entry = pad.keys("21#")
    assert entry.card == CARD and entry.pin == "4821" and not entry.timed_out
    assert not pad.waiting


def test_star_clears(pad):
    pad.card(CARD)
    assert pad.keys("99*12") is None
    assert pad.keys("34#").pin == "1234"


def test_eighth_digit_submits(pad):
    pad.card(CARD)
    assert pad.keys("1234567") is None
    assert pad.keys("8").pin == "12345678"


def test_timeout_hands_the_card_back_without_pin(pad, clock):
    pad.card(CARD)
    clock.advance(9.9)
    assert pad.tick() is None
    clock.advance(0.1)
    entry = pad.tick()
    assert entry.card == CARD and entry.pin is None and entry.timed_out
    assert pad.tick() is None


def test_each_key_extends_the_timeout(pad, clock):
    pad.card(CARD)
    clock.advance(8)
    pad.keys("1")
    clock.advance(8)
    assert pad.tick() is None
    assert pad.next_deadline() == 18


def test_keys_without_card_are_ignored_at_card_doors(pad):
    assert pad.keys("1234#") is None
    assert not pad.waiting


def test_new_card_abandons_the_waiting_one(pad):
    other = CardRead("R-1", 26, bytes.fromhex("0245D480"))
    pad.card(CARD)
    pad.keys("12")
    abandoned = pad.card(other)
    assert abandoned.card == CARD and abandoned.timed_out
    assert pad.keys("5555#").card == other


def test_pin_only_door(clock):
    pad = PinPad(timeout_s=5, card_first=False, clock=clock)
    entry = pad.keys("4821#")
    assert entry.card is None and entry.pin == "4821"
    pad.keys("12")
    clock.advance(5)
    assert pad.tick() is None  # no card: a half-typed PIN is just forgotten
    assert not pad.waiting


@given(st.text(alphabet="0123456789", min_size=1, max_size=8))
def test_any_pin_typed_in_any_bursts_comes_back(pin):
    pad = PinPad(timeout_s=10, clock=ManualClock())
    pad.card(CARD)
    entry = None
    for i in range(0, len(pin), 3):
        entry = pad.keys(pin[i : i + 3]) or entry
    entry = entry or pad.keys("#")
    assert entry.pin == pin
