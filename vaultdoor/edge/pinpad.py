"""Keypad PIN entry at a reader, with a timeout.

At a `card_and_pin` door the card comes first; the reader's keypad then sends key presses
(OSDP sends them in small bursts, not as one string). `PinPad` collects digits until `#`, or
until `max_digits`, and hands back the card with its PIN. `*` clears what was typed. If no key
comes within `timeout_s` of the card or of the last key, the entry is abandoned and the card is
handed back without a PIN, so the decision is made (the engine's `pin_required`) and recorded
rather than silently dropped. At a `pin` door there is no card: keys start an entry on their own.

Pure and clock-driven, like the door state machine: no threads, no sleeping.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol

from .readers.base import CardRead

__all__ = ["MAX_PIN_DIGITS", "PinEntry", "PinPad", "Timer"]

MAX_PIN_DIGITS = 8  # site-format.md: a PIN is 4 to 8 digits
ENTER, CLEAR = "#", "*"


class Timer(Protocol):
    """All a PIN pad needs of a clock (`doorio.Clock` and the `time` module both fit)."""

    def monotonic(self) -> float: ...


@dataclass(frozen=True, slots=True)
class PinEntry:
    """A finished entry: the card (None at a `pin` door) and the PIN (None if it timed out)."""

    card: CardRead | None
    pin: str | None

    @property
    def timed_out(self) -> bool:
        return self.pin is None


class PinPad:
    """Collects one PIN at a time for one reader."""

    def __init__(
        self,
        *,
        timeout_s: float = 10.0,
        max_digits: int = MAX_PIN_DIGITS,
        card_first: bool = True,
        clock: Timer | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("the PIN timeout must be above 0 s")
        self.timeout_s = timeout_s
        self.max_digits = max_digits
        self.card_first = card_first
        self.clock: Timer = clock or time
        self._card: CardRead | None = None
        self._digits: list[str] = []
        self._active = False
        self._deadline: float | None = None
        self._lock = threading.Lock()

    @property
    def waiting(self) -> bool:
        """Whether an entry is in progress."""
        return self._active

    def card(self, read: CardRead) -> PinEntry | None:
        """A card was read: start waiting for its PIN. A card read while an earlier one still
        waits replaces it; the earlier one is handed back as timed out."""
        with self._lock:
            abandoned = self._finish(None) if self._active and self._card is not None else None
            self._card = read
            self._digits = []
            self._active = True
            self._deadline = self.clock.monotonic() + self.timeout_s
            return abandoned

    def keys(self, keys: str) -> PinEntry | None:
        """Key presses arrived; returns the finished entry once `#` or the last digit comes."""
        with self._lock:
            if not self._active:
                if self.card_first:
                    return None  # keys with no card waiting: nothing to enter a PIN for
                self._active, self._card, self._digits = True, None, []
            self._deadline = self.clock.monotonic() + self.timeout_s
            for key in keys:
                if key == CLEAR:
                    self._digits = []
                elif key == ENTER:
                    return self._finish("".join(self._digits))
                elif key.isdigit():
                    self._digits.append(key)
                    if len(self._digits) == self.max_digits:
                        return self._finish("".join(self._digits))
            return None

    def tick(self) -> PinEntry | None:
        """Give up on an entry whose timeout has passed: the card comes back without a PIN."""
        with self._lock:
            expired = self._deadline is not None and self.clock.monotonic() >= self._deadline
            if not (self._active and expired):
                return None
            if self._card is None:
                self._reset()  # a half-typed PIN with no card: nothing to decide
                return None
            return self._finish(None)

    def next_deadline(self) -> float | None:
        with self._lock:
            return self._deadline if self._active else None

    def reset(self, *, card_first: bool | None = None) -> None:
        """Forget any entry in progress (the door's mode changed), optionally switching between
        card-first and PIN-only entry."""
        with self._lock:
            self._reset()
            if card_first is not None:
                self.card_first = card_first

    def _finish(self, pin: str | None) -> PinEntry:
        entry = PinEntry(self._card, pin)
        self._reset()
        return entry

    def _reset(self) -> None:
        self._card, self._digits, self._active, self._deadline = None, [], False, None
