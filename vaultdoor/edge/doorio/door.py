"""The door itself: contact, request-to-exit, strike and the two door alarms.

A pure state machine. It is told what happened (`grant`, `rex`, `contact`) and asked to look at
its timers (`tick`); it answers with the events to record. It does no I/O and never sleeps:
the station around it drives the strike, and time comes from an injectable clock.

    closed --grant/REX--> released --contact open--> open (authorised)
    open --held_open_s passes--> held open (alarm)      closed <--contact closed-- any open state
    closed --contact open, no grant or REX--> forced open (alarm)

A grant or REX releases the door for `grant_time_s`; the door must be opened within that
window, and it relocks when the door closes (so one grant lets one person through).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .clock import Clock, SystemClock
from .events import EdgeEvent

__all__ = ["DoorConfig", "DoorMonitor", "DoorPosition"]


@dataclass(frozen=True, slots=True)
class DoorConfig:
    """How one door is wired and timed at the edge.

    `grant_time_s` is how long the strike stays released after a grant (also the OSDP output
    pulse); `held_open_s` how long the door may stand open after an authorised opening before
    the held-open alarm. `mode` is the door's mode in the site (card, card_and_pin, pin, ...).
    """

    door_id: str
    mode: str = "card"
    grant_time_s: float = 5.0
    held_open_s: float = 30.0
    rex_unlocks: bool = True  # a REX press also pulses the strike (doors without free egress)
    strike_output: int = 0
    contact_input: int = 0
    rex_input: int = 1

    def __post_init__(self) -> None:
        if not 0 < self.grant_time_s <= 25.5:
            raise ValueError(
                f"door {self.door_id}: grant time must be above 0 and at most 25.5 s "
                "(the longest pulse an OSDP output takes)"
            )
        if self.held_open_s <= 0:
            raise ValueError(f"door {self.door_id}: held-open threshold must be above 0 s")
        if self.contact_input == self.rex_input:
            raise ValueError(f"door {self.door_id}: contact and REX need different inputs")


class DoorPosition(str, Enum):
    """Where the door is, as far as the edge knows."""

    CLOSED = "closed"
    OPEN = "open"  # opened within a grant or REX window
    HELD_OPEN = "held_open"  # open too long after an authorised opening: alarm
    FORCED_OPEN = "forced_open"  # opened without authority: alarm


class DoorMonitor:
    """One door's contact, REX and alarm state. Thread-safe; every method returns events."""

    def __init__(self, config: DoorConfig, clock: Clock | None = None) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.position = DoorPosition.CLOSED
        self._released_until: float | None = None  # monotonic end of the grant/REX window
        self._held_deadline: float | None = None
        self._opened_by = ""
        self._lock = threading.RLock()

    # --- what happened ---------------------------------------------------------------------

    def grant(self, person: str | None = None) -> list[EdgeEvent]:
        """Someone was granted: release the door for the grant time."""
        with self._lock:
            self._release(f"grant:{person}" if person else "grant")
            return []

    def rex(self) -> list[EdgeEvent]:
        """The request-to-exit button was pressed: an authorised exit."""
        with self._lock:
            self._release("rex")
            return [self._event("door.rex")]

    def contact(self, is_open: bool) -> list[EdgeEvent]:
        """The door contact changed: open (True) or closed (False)."""
        with self._lock:
            now = self.clock.monotonic()
            if is_open:
                return self._opened(now)
            return self._closed()

    def tick(self) -> list[EdgeEvent]:
        """Look at the timers: raise held-open once its threshold has passed."""
        with self._lock:
            now = self.clock.monotonic()
            if self._released_until is not None and now >= self._released_until:
                self._released_until = None
            if (
                self.position is DoorPosition.OPEN
                and self._held_deadline is not None
                and now >= self._held_deadline
            ):
                self.position = DoorPosition.HELD_OPEN
                self._held_deadline = None
                return [
                    self._event(
                        "door.held_open",
                        threshold_s=self.config.held_open_s,
                        opened_by=self._opened_by,
                    )
                ]
            return []

    def next_deadline(self) -> float | None:
        """When (monotonic) `tick` next has something to do, or None."""
        with self._lock:
            times = [t for t in (self._released_until, self._held_deadline) if t is not None]
            return min(times) if times else None

    @property
    def in_alarm(self) -> bool:
        return self.position in (DoorPosition.HELD_OPEN, DoorPosition.FORCED_OPEN)

    @property
    def released(self) -> bool:
        """Whether a grant or REX window is open now."""
        with self._lock:
            until = self._released_until
            return until is not None and self.clock.monotonic() < until

    # --- transitions -----------------------------------------------------------------------

    def _release(self, by: str) -> None:
        now = self.clock.monotonic()
        self._released_until = now + self.config.grant_time_s
        self._opened_by = by
        if self.position is DoorPosition.OPEN:
            # Someone else was let through the open door: the door is in legitimate use again.
            self._held_deadline = now + self.config.held_open_s

    def _opened(self, now: float) -> list[EdgeEvent]:
        if self.position is not DoorPosition.CLOSED:
            return []  # a repeated report of the same state
        events = [self._event("door.opened")]
        if self._released_until is not None and now < self._released_until:
            self.position = DoorPosition.OPEN
            self._held_deadline = now + self.config.held_open_s
        else:
            self.position = DoorPosition.FORCED_OPEN
            events.append(self._event("door.forced_open"))
        return events

    def _closed(self) -> list[EdgeEvent]:
        if self.position is DoorPosition.CLOSED:
            return []
        previous = self.position
        self.position = DoorPosition.CLOSED
        # Relock on close: one grant lets one person through, not everyone until the timer ends.
        self._released_until = None
        self._held_deadline = None
        events = [self._event("door.closed")]
        if previous is DoorPosition.HELD_OPEN:
            events.append(self._event("door.held_open_cleared"))
        elif previous is DoorPosition.FORCED_OPEN:
            events.append(self._event("door.forced_open_cleared"))
        return events

    def _event(self, kind: str, **detail: Any) -> EdgeEvent:
        return EdgeEvent(kind, self.clock.now(), door=self.config.door_id, detail=detail)
