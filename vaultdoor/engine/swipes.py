"""Swipes: one presentation at a door, read from the JSON object of site-format.md.

`parse_swipe` turns a line of a swipe file (or an API body) into a `Swipe`, or raises
`SwipeError` for the malformed inputs the spec lists. A well-formed swipe whose card cannot be
read (wrong bit count, parity, bad hex) is not an error: it is decided `unreadable_card`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from vaultdoor.engine import timeutil
from vaultdoor.engine.cards import CARD_LAYOUTS
from vaultdoor.engine.snapshot import Snapshot

__all__ = ["CardRead", "RawRead", "Swipe", "SwipeError", "parse_swipe"]

DIRECTIONS = ("in", "out")
BIOMETRIC_RESULTS = ("match", "no_match")


class SwipeError(ValueError):
    """A swipe object that is not what the format allows (its message says what is wrong).

    `field` names the offending key (`door`, `at`, `direction`, `card`, `pin`, `biometric`),
    or is None when the whole object is wrong, so an API can report a field error.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class CardRead:
    """A card given by its fields."""

    format: str
    facility: int
    number: int


@dataclass(frozen=True, slots=True)
class RawRead:
    """A card as the reader's raw bits: a bit count and hex digits, decoded at decision time."""

    bits: int
    data: str


@dataclass(frozen=True, slots=True)
class Swipe:
    """One presentation: when (aware, UTC), where, which way and with what."""

    at: dt.datetime
    door: str
    direction: str = "in"
    card: CardRead | RawRead | None = None
    pin: str | None = None
    biometric: str | None = None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _card(value: object) -> CardRead | RawRead:
    if not isinstance(value, Mapping):
        raise SwipeError(
            "card must be an object: {format, facility, number} or {bits, data}", field="card"
        )
    keys = set(value)
    if keys == {"bits", "data"}:
        bits, data = value["bits"], value["data"]
        if not _is_int(bits) or not isinstance(data, str):
            raise SwipeError(
                "a raw card needs bits (a whole number) and data (hex digits)", field="card"
            )
        return RawRead(bits=bits, data=data)
    if {"facility", "number"} <= keys <= {"format", "facility", "number"}:
        card_format = value.get("format", "h10301")
        if card_format not in CARD_LAYOUTS:
            raise SwipeError(
                f"card format must be h10301 or h10304, not {card_format!r}", field="card"
            )
        facility, number = value["facility"], value["number"]
        if not _is_int(facility) or not _is_int(number):
            raise SwipeError("card facility and number must be whole numbers", field="card")
        return CardRead(format=card_format, facility=facility, number=number)
    raise SwipeError(
        "card must be {format, facility, number} or {bits, data}, not keys "
        + ", ".join(sorted(map(str, keys))),
        field="card",
    )


def parse_swipe(obj: object, snapshot: Snapshot) -> Swipe:
    """A `Swipe` from one decoded JSON object, checked against the snapshot's doors."""
    if not isinstance(obj, Mapping):
        raise SwipeError("a swipe must be a JSON object")
    door = obj.get("door")
    if door is None:
        raise SwipeError("door is missing", field="door")
    if not isinstance(door, str) or door not in snapshot.doors:
        raise SwipeError(f"door {door!r} is not declared in the site file", field="door")
    at_text = obj.get("at")
    if at_text is None:
        raise SwipeError("at is missing", field="at")
    if not isinstance(at_text, str):
        raise SwipeError("at must be an ISO 8601 date-time string", field="at")
    try:
        at = timeutil.parse_instant(at_text, snapshot.timezone)
    except timeutil.BadTime as exc:
        raise SwipeError(f"at: {exc}", field="at") from None
    direction = obj.get("direction", "in")
    if direction not in DIRECTIONS:
        raise SwipeError(f"direction must be in or out, not {direction!r}", field="direction")
    biometric = obj.get("biometric")
    if biometric is not None and biometric not in BIOMETRIC_RESULTS:
        raise SwipeError(
            f"biometric must be match or no_match, not {biometric!r}", field="biometric"
        )
    pin = obj.get("pin")
    if pin is not None and not isinstance(pin, str):
        raise SwipeError('pin must be a string (quote it: "0421")', field="pin")
    card = _card(obj["card"]) if obj.get("card") is not None else None
    return Swipe(at=at, door=door, direction=direction, card=card, pin=pin, biometric=biometric)
