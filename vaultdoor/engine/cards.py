"""Wiegand card formats h10301 (26-bit) and h10304 (37-bit): encode and decode with parity.

Readers (OSDP, Wiegand) report a card as a bit count and bytes, most significant bit first,
left-aligned, with pad bits at the end of the last byte. Bit 1 is an even parity bit over the
first part of the payload and the last bit an odd parity bit over the second part
(site-format.md, "Order of checks", step 2).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CARD_LAYOUTS", "CardLayout", "UnreadableCard", "decode", "decode_hex", "encode"]


class UnreadableCard(ValueError):
    """The reader's bits are not a card in a known format, or their parity fails."""


@dataclass(frozen=True, slots=True)
class CardLayout:
    """Where a format keeps facility, number and parity, in 1-based bit positions."""

    format: str
    bits: int
    facility_bits: int
    number_bits: int
    even_last: int  # bit 1 is even parity over bits 2..even_last
    odd_first: int  # the last bit is odd parity over bits odd_first..bits-1

    @property
    def max_facility(self) -> int:
        return (1 << self.facility_bits) - 1

    @property
    def max_number(self) -> int:
        return (1 << self.number_bits) - 1

    @property
    def data_bytes(self) -> int:
        return (self.bits + 7) // 8


CARD_LAYOUTS: dict[str, CardLayout] = {
    "h10301": CardLayout("h10301", 26, 8, 16, even_last=13, odd_first=14),
    "h10304": CardLayout("h10304", 37, 16, 19, even_last=19, odd_first=19),
}
_BY_LENGTH = {layout.bits: layout for layout in CARD_LAYOUTS.values()}


def _ones(value: int, first: int, last: int, width: int) -> int:
    """How many 1 bits `value` (width bits, bit 1 = most significant) has in first..last."""
    span = last - first + 1
    return ((value >> (width - last)) & ((1 << span) - 1)).bit_count()


def encode(card_format: str, facility: int, number: int) -> tuple[int, bytes]:
    """The (bit count, bytes) a reader reports for this card, with correct parity."""
    layout = CARD_LAYOUTS.get(card_format)
    if layout is None:
        raise ValueError(f"unknown card format {card_format!r}; use h10301 or h10304")
    if not 0 <= facility <= layout.max_facility:
        raise ValueError(f"{card_format} facility must be between 0 and {layout.max_facility}")
    if not 0 <= number <= layout.max_number:
        raise ValueError(f"{card_format} number must be between 0 and {layout.max_number}")
    width = layout.bits
    value = ((facility << layout.number_bits) | number) << 1  # bit 1 and the last bit still 0
    if _ones(value, 2, layout.even_last, width) % 2:
        value |= 1 << (width - 1)
    if _ones(value, layout.odd_first, width - 1, width) % 2 == 0:
        value |= 1
    pad = layout.data_bytes * 8 - width
    return width, (value << pad).to_bytes(layout.data_bytes, "big")


def decode(bits: int, data: bytes) -> tuple[str, int, int]:
    """(format, facility, number) of a raw read; `UnreadableCard` for anything else."""
    layout = _BY_LENGTH.get(bits) if type(bits) is int else None
    if layout is None:
        raise UnreadableCard(f"{bits} bits is not a known card format (26 or 37)")
    if not isinstance(data, bytes | bytearray) or len(data) != layout.data_bytes:
        raise UnreadableCard(f"{bits} bits must come as exactly {layout.data_bytes} bytes")
    width = layout.bits
    value = int.from_bytes(data, "big") >> (layout.data_bytes * 8 - width)  # drop pad bits
    even = (value >> (width - 1)) & 1
    odd = value & 1
    if (_ones(value, 2, layout.even_last, width) + even) % 2 != 0:
        raise UnreadableCard("the leading (even) parity bit is wrong")
    if (_ones(value, layout.odd_first, width - 1, width) + odd) % 2 != 1:
        raise UnreadableCard("the trailing (odd) parity bit is wrong")
    payload = (value >> 1) & ((1 << (width - 2)) - 1)
    return layout.format, payload >> layout.number_bits, payload & layout.max_number


def decode_hex(bits: int, data: str) -> tuple[str, int, int]:
    """`decode` for the hex digits of a swipe or an `access check --raw BITS:HEX`."""
    if not isinstance(data, str) or not data.isascii():
        raise UnreadableCard("card data must be hexadecimal digits")
    try:
        raw = bytes.fromhex(data)
    except ValueError:
        raise UnreadableCard("card data must be hexadecimal digits") from None
    if len(raw) * 2 != len(data):  # fromhex skips spaces; a reader never sends them
        raise UnreadableCard("card data must be hexadecimal digits without spaces")
    return decode(bits, raw)
