"""Card formats h10301 and h10304: round trips over the full ranges, parity, hostile input."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultdoor.engine.cards import CARD_LAYOUTS, UnreadableCard, decode, decode_hex, encode

H10301 = CARD_LAYOUTS["h10301"]
H10304 = CARD_LAYOUTS["h10304"]


def cards(layout_name: str) -> st.SearchStrategy[tuple[str, int, int]]:
    layout = CARD_LAYOUTS[layout_name]
    return st.tuples(
        st.just(layout_name),
        st.integers(0, layout.max_facility),
        st.integers(0, layout.max_number),
    )


any_card = cards("h10301") | cards("h10304")


@given(any_card)
def test_round_trip(card: tuple[str, int, int]) -> None:
    bits, data = encode(*card)
    assert bits == CARD_LAYOUTS[card[0]].bits
    assert len(data) == (bits + 7) // 8
    assert decode(bits, data) == card
    assert decode_hex(bits, data.hex()) == card
    assert decode_hex(bits, data.hex().upper()) == card


@given(any_card, st.data())
def test_any_single_flipped_bit_is_unreadable(
    card: tuple[str, int, int], data: st.DataObject
) -> None:
    bits, raw = encode(*card)
    position = data.draw(st.integers(1, bits), label="bit (1 = first)")
    value = int.from_bytes(raw, "big") ^ (1 << (len(raw) * 8 - position))
    with pytest.raises(UnreadableCard):
        decode(bits, value.to_bytes(len(raw), "big"))


@given(any_card)
def test_flipped_parity_bits_are_unreadable(card: tuple[str, int, int]) -> None:
    bits, raw = encode(*card)
    pad = len(raw) * 8 - bits
    value = int.from_bytes(raw, "big")
    for mask in (1 << (len(raw) * 8 - 1), 1 << pad):  # the leading and the trailing bit
        with pytest.raises(UnreadableCard):
            decode(bits, (value ^ mask).to_bytes(len(raw), "big"))


@given(any_card, st.integers(0, 255))
def test_pad_bits_are_ignored(card: tuple[str, int, int], noise: int) -> None:
    bits, raw = encode(*card)
    pad = len(raw) * 8 - bits
    noisy = int.from_bytes(raw, "big") | (noise & ((1 << pad) - 1))
    assert decode(bits, noisy.to_bytes(len(raw), "big")) == card


@given(st.integers(-(2**70), 2**70), st.binary(max_size=12))
def test_decode_raises_only_unreadable_card(bits: int, data: bytes) -> None:
    try:
        result = decode(bits, data)
    except UnreadableCard:
        return
    card_format, facility, number = result
    assert encode(card_format, facility, number)[0] == bits


@given(st.integers(-5, 64), st.text(max_size=14))
def test_decode_hex_raises_only_unreadable_card(bits: int, text: str) -> None:
    with contextlib.suppress(UnreadableCard):
        decode_hex(bits, text)


def test_known_vectors() -> None:
    # from the spec's example swipes
    assert decode_hex(26, "1513FC40") == ("h10301", 42, 10232)
    assert decode_hex(37, "0209493E18") == ("h10304", 1042, 300001)
    assert encode("h10301", 42, 10232) == (26, bytes.fromhex("1513FC40"))
    assert encode("h10304", 1042, 300001) == (37, bytes.fromhex("0209493E18"))
    # all zeros: even parity 0, odd parity over nothing set must be 1
    assert encode("h10301", 0, 0) == (26, bytes.fromhex("00000040"))


@pytest.mark.parametrize(
    ("bits", "data"),
    [(26, b"\x00\x00\x00"), (26, b"\x00" * 5), (37, b"\x00" * 4), (34, b"\x00" * 5), (26, "")],
)
def test_wrong_lengths(bits: int, data: bytes) -> None:
    with pytest.raises(UnreadableCard):
        decode(bits, data)


def test_hex_with_spaces_is_unreadable() -> None:
    with pytest.raises(UnreadableCard):
        decode_hex(26, "15 13 FC 40")


@pytest.mark.parametrize(
    ("card_format", "facility", "number"),
    [
        ("h10301", 256, 0),
        ("h10301", 0, 65536),
        ("h10304", 65536, 0),
        ("h10304", 0, 524288),
        ("h10301", -1, 0),
        ("wiegand", 1, 1),
    ],
)
def test_encode_refuses_out_of_range(card_format: str, facility: int, number: int) -> None:
    with pytest.raises(ValueError):
        encode(card_format, facility, number)


def test_layouts_match_the_spec() -> None:
    assert (H10301.bits, H10301.max_facility, H10301.max_number) == (26, 255, 65535)
    assert (H10304.bits, H10304.max_facility, H10304.max_number) == (37, 65535, 524287)
