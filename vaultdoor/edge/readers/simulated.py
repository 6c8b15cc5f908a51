"""A reader that lives in the edge process: for the demo, the `edge swipe` command and tests.

It speaks the same `Reader` interface as an OSDP reader. Someone (a test, the demo, the CLI)
plays the person at the door: `present_card`, `key_in`, `set_contact`, `press_rex`. What the
edge tells the reader to do is kept in `commands`, and the LED, buzzer and strike state can be
read back.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from vaultdoor.engine.cards import encode

from .base import (
    Buzzer,
    CardRead,
    EventSink,
    InputChanged,
    KeyPress,
    Led,
    LocalStatus,
    OutputPulse,
    Reader,
    ReaderCommand,
    ReaderOffline,
    ReaderStatus,
)

__all__ = ["CONTACT_INPUT", "REX_INPUT", "SimulatedReader"]

# Input numbers a reader board conventionally wires: 0 the door contact, 1 the REX button.
CONTACT_INPUT = 0
REX_INPUT = 1


class SimulatedReader(Reader):
    """An in-process reader with a keypad, a door contact input and a REX input."""

    def __init__(
        self, reader_id: str, *, contact_input: int = CONTACT_INPUT, rex_input: int = REX_INPUT
    ) -> None:
        super().__init__(reader_id)
        self.contact_input = contact_input
        self.rex_input = rex_input
        self.commands: list[ReaderCommand] = []
        self._sent = threading.Condition()

    # --- Reader ----------------------------------------------------------------------------

    def start(self, sink: EventSink | None = None) -> None:
        """Attach `sink` and come online, as a powered-up reader would."""
        super().start(sink)
        self.set_online(True)

    def stop(self) -> None:
        self.set_online(False)

    def send(self, command: ReaderCommand) -> None:
        if not self.online:
            raise ReaderOffline(f"reader {self.reader_id} is offline; command not sent")
        with self._sent:
            self.commands.append(command)
            self._sent.notify_all()

    # --- the person at the door ------------------------------------------------------------

    def present_card(self, bits: int, data: bytes, *, at: datetime | None = None) -> None:
        """Present raw card bits, exactly as an OSDP reader would report them."""
        self._emit(_stamp(CardRead(self.reader_id, bits, bytes(data)), at))

    def present_badge(
        self, facility: int, number: int, card_format: str = "h10301", *, at: datetime | None = None
    ) -> None:
        """Present a card by its printed fields (encoded with correct parity)."""
        bits, data = encode(card_format, facility, number)
        self.present_card(bits, data, at=at)

    def key_in(self, keys: str, *, at: datetime | None = None) -> None:
        """Press keys on the keypad, e.g. `"4821#"`."""
        self._emit(_stamp(KeyPress(self.reader_id, keys), at))

    def set_contact(self, is_open: bool, *, at: datetime | None = None) -> None:
        """The door contact reports the door open (True) or closed (False)."""
        self._emit(_stamp(InputChanged(self.reader_id, self.contact_input, is_open), at))

    def press_rex(self, *, at: datetime | None = None) -> None:
        """Press and release the request-to-exit button."""
        self._emit(_stamp(InputChanged(self.reader_id, self.rex_input, True), at))
        self._emit(_stamp(InputChanged(self.reader_id, self.rex_input, False), at))

    def set_tamper(self, tampered: bool, *, power_failure: bool = False) -> None:
        """Open (True) or close the reader's tamper switch; optionally fail its power."""
        self._emit(LocalStatus(self.reader_id, tampered, power_failure))

    def set_online(self, online: bool, detail: str = "") -> None:
        """Plug the reader in or pull its cable."""
        self._emit(ReaderStatus(self.reader_id, online, secure=online, detail=detail))

    # --- what the edge did -----------------------------------------------------------------

    def wait_for(self, count: int, timeout: float = 2.0) -> list[ReaderCommand]:
        """The commands received so far, once there are at least `count` (or at `timeout`)."""
        with self._sent:
            self._sent.wait_for(lambda: len(self.commands) >= count, timeout=timeout)
            return list(self.commands)

    def strike_pulses(self) -> list[OutputPulse]:
        return [c for c in self.commands if isinstance(c, OutputPulse)]

    def leds(self) -> list[Led]:
        return [c for c in self.commands if isinstance(c, Led)]

    def beeps(self) -> list[Buzzer]:
        return [c for c in self.commands if isinstance(c, Buzzer)]


_E = TypeVar("_E", CardRead, KeyPress, InputChanged)


def _stamp(event: _E, at: datetime | None) -> _E:
    """The event with the given time (for tests with a fixed clock), else as created."""
    return event if at is None else replace(event, at=at)
