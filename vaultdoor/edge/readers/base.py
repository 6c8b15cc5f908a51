"""The reader transport: one small interface that every reader driver (OSDP, simulated) offers.

A reader reports what happens at it (a card, key presses, an input changing, going on- or
offline) as `ReaderEvent`s to one sink, and takes `ReaderCommand`s (LED, buzzer, output pulse)
through `send`. Everything above it (door I/O, PIN entry, decisions, the event spool) depends on
this module only, never on libosdp, so the simulated driver can stand in for real hardware.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from vaultdoor.engine.cards import UnreadableCard, decode

__all__ = [
    "Buzzer",
    "CardRead",
    "EventSink",
    "InputChanged",
    "KeyPress",
    "Led",
    "LocalStatus",
    "OutputPulse",
    "Reader",
    "ReaderCommand",
    "ReaderError",
    "ReaderEvent",
    "ReaderOffline",
    "ReaderStatus",
    "card_label",
    "decode_card",
]


class ReaderError(Exception):
    """A reader could not be set up or driven; the message says which reader and why."""


class ReaderOffline(ReaderError):
    """A command was sent to a reader that is not online (not connected or no secure channel)."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


# --- What a reader reports ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardRead:
    """A card presented at a reader, as raw bits: `bits` long, MSB first, left-aligned in
    `data` (pad bits at the end), exactly what an OSDP or Wiegand reader reports."""

    reader: str
    bits: int
    data: bytes
    at: datetime = field(default_factory=_utcnow)

    def swipe_card(self) -> dict[str, object]:
        """The card as the spec's raw-bits swipe field: `{"bits": 26, "data": "025AB340"}`."""
        return {"bits": self.bits, "data": self.data.hex().upper()}


@dataclass(frozen=True, slots=True)
class KeyPress:
    """Keys pressed on a reader's keypad, as the characters 0-9, `*` and `#`."""

    reader: str
    keys: str
    at: datetime = field(default_factory=_utcnow)


@dataclass(frozen=True, slots=True)
class InputChanged:
    """An input on the reader's board (door contact, request-to-exit button) changed.

    `active` is the electrical state after the reader's own polarity setting: for a door
    contact, active means the door is open; for a REX button, pressed."""

    reader: str
    input_no: int
    active: bool
    at: datetime = field(default_factory=_utcnow)


@dataclass(frozen=True, slots=True)
class LocalStatus:
    """The reader's own condition changed: its tamper switch, or its power supply."""

    reader: str
    tamper: bool
    power_failure: bool = False
    at: datetime = field(default_factory=_utcnow)


@dataclass(frozen=True, slots=True)
class ReaderStatus:
    """The reader came online (link up and, where configured, secure channel established) or
    went offline. Supervision events: the edge records each one."""

    reader: str
    online: bool
    secure: bool = False
    detail: str = ""
    at: datetime = field(default_factory=_utcnow)


ReaderEvent = CardRead | KeyPress | InputChanged | LocalStatus | ReaderStatus
EventSink = Callable[[ReaderEvent], None]


# --- What a reader is told to do ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Led:
    """Show a colour on the reader's LED for `duration_ms`, then return to its idle colour.

    `on_ms`/`off_ms` make it flash (`off_ms` 0 means steady)."""

    color: str  # "green", "red", "amber", "blue", "off"
    duration_ms: int
    on_ms: int = 500
    off_ms: int = 0
    led_no: int = 0


@dataclass(frozen=True, slots=True)
class Buzzer:
    """Sound the reader's buzzer: `repeat` beeps of `on_ms`, separated by `off_ms`."""

    on_ms: int
    off_ms: int = 100
    repeat: int = 1


@dataclass(frozen=True, slots=True)
class OutputPulse:
    """Energise an output (the door strike relay) for `duration_ms`, then release it."""

    output_no: int
    duration_ms: int


ReaderCommand = Led | Buzzer | OutputPulse


# --- The transport --------------------------------------------------------------------------


class Reader(abc.ABC):
    """A reader driver. Subclasses implement `send` and, if they own a connection, `start`
    and `stop`; events go to the sink given to `start` (or `attach`)."""

    def __init__(self, reader_id: str) -> None:
        self.reader_id = reader_id
        self._sink: EventSink | None = None
        self._lock = threading.Lock()
        self._online = False

    # One method a driver must implement.
    @abc.abstractmethod
    def send(self, command: ReaderCommand) -> None:
        """Issue one command to the reader; `ReaderOffline` when it cannot be delivered."""

    def attach(self, sink: EventSink) -> None:
        """Deliver this reader's events to `sink` (one sink per reader; the last one wins)."""
        self._sink = sink

    def start(self, sink: EventSink | None = None) -> None:
        """Begin reporting events (to `sink` when given). Drivers with a link open it here."""
        if sink is not None:
            self.attach(sink)

    def stop(self) -> None:
        """Stop reporting events and release the link."""
        return  # nothing to release for drivers without a link of their own

    @property
    def online(self) -> bool:
        """Whether the reader is connected and ready for commands."""
        return self._online

    def _emit(self, event: ReaderEvent) -> None:
        """Hand an event to the sink; a status event also updates `online`."""
        if isinstance(event, ReaderStatus):
            with self._lock:
                if event.online == self._online:
                    return  # supervision reports changes only
                self._online = event.online
        sink = self._sink
        if sink is not None:
            sink(event)


# --- Card decoding: the one call site for the engine's decoder ------------------------------


def decode_card(read: CardRead) -> tuple[str, int, int]:
    """(format, facility, number) of a card read, by the engine's h10301/h10304 decoder.

    Raises `UnreadableCard` for bits that are not a known format or
    whose parity fails."""
    return decode(read.bits, read.data)


def card_label(read: CardRead) -> str:
    """How a card read appears in events: `card h10301 42:10231`, or the raw bits."""
    try:
        card_format, facility, number = decode_card(read)
    except UnreadableCard:
        return f"card raw {read.bits}:{read.data.hex().upper()}"
    return f"card {card_format} {facility}:{number}"
