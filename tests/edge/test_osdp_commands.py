"""The OSDP encodings of reader commands and keypad data (no link needed)."""

from __future__ import annotations

import osdp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultdoor.edge.readers import Buzzer, Led, OutputPulse, ReaderError
from vaultdoor.edge.readers.osdp import command_to_osdp, keys_from_osdp


def test_steady_led():
    cmd = command_to_osdp(Led("green", 5000))
    assert cmd["on_color"] == osdp.CommandLEDColor.Green
    assert (cmd["on_count"], cmd["off_count"], cmd["timer_count"]) == (50, 0, 50)


def test_flashing_led():
    cmd = command_to_osdp(Led("red", 2000, on_ms=200, off_ms=200))
    assert (cmd["on_count"], cmd["off_count"], cmd["timer_count"]) == (2, 2, 20)


def test_unknown_colour():
    with pytest.raises(ReaderError, match="colour"):
        command_to_osdp(Led("purple", 100))


def test_buzzer():
    cmd = command_to_osdp(Buzzer(100, 100, 3))
    assert (cmd["on_count"], cmd["off_count"], cmd["rep_count"]) == (1, 1, 3)


@given(st.integers(min_value=0, max_value=3_600_000), st.integers(min_value=0, max_value=7))
def test_output_pulse_fits_the_binding(duration_ms, output_no):
    cmd = command_to_osdp(OutputPulse(output_no, duration_ms))
    assert 1 <= cmd["timer_count"] <= 255
    assert cmd["output_no"] == output_no and cmd["control_code"] == 6
    if 100 <= duration_ms <= 25_500:
        assert abs(cmd["timer_count"] * 100 - duration_ms) <= 50


@given(st.text(alphabet="0123456789*#", max_size=20))
def test_keypad_ascii_round_trip(keys):
    assert keys_from_osdp(keys.encode()) == keys


def test_keypad_osdp_codes_and_noise():
    assert keys_from_osdp(b"12\x7f34\x0d\x00\xff") == "12*34#"
