"""A door station: one door with its reader(s), contact and REX, wired to a decision function.

The station is each reader's event sink. A card (with its PIN at a card-and-PIN door) becomes a
swipe in the spec's format (`{"at", "door", "direction", "card": {"bits", "data"}, "pin"}`) for
the decision function; the decision drives the reader (strike pulse for the door's grant time,
green or red LED, buzzer) and the door state machine, and everything that happened is handed
to `record` as an `EdgeEvent`. The decision function is the edge's engine call, and `record`
the event spool; both are plain callables, so tests and the demo pass their own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from vaultdoor.engine.cards import UnreadableCard

from ..pinpad import PinEntry, PinPad
from ..readers.base import (
    Buzzer,
    CardRead,
    InputChanged,
    KeyPress,
    Led,
    LocalStatus,
    OutputPulse,
    Reader,
    ReaderCommand,
    ReaderError,
    ReaderEvent,
    ReaderStatus,
    card_label,
    decode_card,
)
from .clock import Clock, SystemClock
from .door import DoorConfig, DoorMonitor
from .events import EdgeEvent

__all__ = ["DecideFn", "DoorStation", "Feedback", "RecordFn", "Ticker"]

log = logging.getLogger(__name__)

DecideFn = Callable[[dict[str, Any]], Mapping[str, Any]]
"""Takes a swipe (site-format.md) and returns the decision object (`decision`, `reason`, ...)."""
RecordFn = Callable[[EdgeEvent], None]
"""Takes every event the station produces, in order (the spool, later)."""


@dataclass(frozen=True, slots=True)
class Feedback:
    """What the reader shows and sounds for each outcome."""

    grant_beep_ms: int = 200
    deny_led_ms: int = 2000
    deny_flash_ms: int = 200
    deny_beeps: int = 3
    deny_beep_ms: int = 100
    pending_led_ms: int = 5000
    pin_prompt_flash_ms: int = 250

    def for_decision(self, decision: str, grant_time_ms: int) -> list[ReaderCommand]:
        if decision == "grant":
            return [Led("green", grant_time_ms), Buzzer(self.grant_beep_ms, 0, 1)]
        if decision == "pending":  # two-person rule: waiting for the second person
            return [Led("amber", self.pending_led_ms), Buzzer(self.grant_beep_ms, 0, 1)]
        return [
            Led("red", self.deny_led_ms, on_ms=self.deny_flash_ms, off_ms=self.deny_flash_ms),
            Buzzer(self.deny_beep_ms, self.deny_beep_ms, self.deny_beeps),
        ]

    def pin_prompt(self, timeout_ms: int) -> list[ReaderCommand]:
        """Flashing amber while the reader waits for a PIN."""
        flash = self.pin_prompt_flash_ms
        return [Led("amber", timeout_ms, on_ms=flash, off_ms=flash)]


class DoorStation:
    """One door: its entry reader (and optional exit reader), contact, REX and strike."""

    def __init__(
        self,
        config: DoorConfig,
        reader: Reader,
        decide: DecideFn,
        record: RecordFn,
        *,
        exit_reader: Reader | None = None,
        clock: Clock | None = None,
        feedback: Feedback | None = None,
        pin_timeout_s: float = 10.0,
        record_decisions: bool = True,
    ) -> None:
        self.config = config
        self.reader = reader
        self.exit_reader = exit_reader
        self.decide = decide
        self.record = record
        self.clock = clock or SystemClock()
        self.feedback = feedback or Feedback()
        self.door = DoorMonitor(config, self.clock)
        # False when `decide` records its decisions itself (the edge controller spools each
        # decision before it returns), so a decision is never stored twice.
        self.record_decisions = record_decisions
        card_first = config.mode != "pin"
        self._pinpads = {
            r.reader_id: PinPad(timeout_s=pin_timeout_s, card_first=card_first, clock=self.clock)
            for r in self.readers
        }
        self._local_state: dict[str, tuple[bool, bool]] = {}  # reader -> (tamper, power)
        self._lock = threading.RLock()

    def set_mode(self, mode: str) -> None:
        """The door's mode changed (a new snapshot): later cards follow the new mode."""
        with self._lock:
            if mode == self.config.mode:
                return
            self.config = replace(self.config, mode=mode)
            for pinpad in self._pinpads.values():
                pinpad.reset(card_first=mode != "pin")

    @property
    def readers(self) -> list[Reader]:
        return [r for r in (self.reader, self.exit_reader) if r is not None]

    def attach(self) -> None:
        """Make this station the event sink of its readers."""
        for reader in self.readers:
            reader.attach(self.handle)

    # --- reader events ---------------------------------------------------------------------

    def handle(self, event: ReaderEvent) -> None:
        """The readers' sink: act on one event (thread-safe, one event at a time)."""
        with self._lock:
            if isinstance(event, ReaderStatus):
                self._status(event)
            elif isinstance(event, CardRead):
                self._card(event)
            elif isinstance(event, KeyPress):
                entry = self._pinpads[event.reader].keys(event.keys)
                if entry is not None:
                    self._decide_entry(entry, event.reader)
            elif isinstance(event, InputChanged) and event.reader == self.reader.reader_id:
                self._input(event)
            elif isinstance(event, LocalStatus):
                self._local(event)

    def tick(self) -> None:
        """Run the timers: held-open alarms and PIN timeouts."""
        with self._lock:
            self._record_all(self.door.tick())
            for reader_id, pinpad in self._pinpads.items():
                entry = pinpad.tick()
                if entry is not None:
                    self._decide_entry(entry, reader_id)

    def next_deadline(self) -> float | None:
        times = [self.door.next_deadline()] + [p.next_deadline() for p in self._pinpads.values()]
        present = [t for t in times if t is not None]
        return min(present) if present else None

    # --- handlers --------------------------------------------------------------------------

    def _status(self, status: ReaderStatus) -> None:
        kind = "reader.online" if status.online else "reader.offline"
        detail = {"secure": status.secure, "detail": status.detail}
        self._emit(kind, reader=status.reader, at=status.at, **detail)

    def _local(self, status: LocalStatus) -> None:
        """Tamper and power changes, each reported once per change (OSDP repeats them)."""
        before = self._local_state.get(status.reader, (False, False))
        now = (status.tamper, status.power_failure)
        self._local_state[status.reader] = now
        if now[0] != before[0]:
            kind = "reader.tamper" if now[0] else "reader.tamper_cleared"
            self._emit(kind, reader=status.reader, at=status.at)
        if now[1] != before[1]:
            kind = "reader.power_failure" if now[1] else "reader.power_restored"
            self._emit(kind, reader=status.reader, at=status.at)

    def _card(self, read: CardRead) -> None:
        direction = self._direction(read.reader)
        if self.config.mode == "card_and_pin" and direction == "in" and _readable(read):
            abandoned = self._pinpads[read.reader].card(read)
            if abandoned is not None:
                self._decide_entry(abandoned, read.reader)
            timeout_ms = int(self._pinpads[read.reader].timeout_s * 1000)
            self._send(self._reader(read.reader), self.feedback.pin_prompt(timeout_ms))
            return
        self._decide(read, None, read.reader)

    def _decide_entry(self, entry: PinEntry, reader_id: str) -> None:
        self._decide(entry.card, entry.pin, reader_id, pin_timed_out=entry.timed_out)

    def _input(self, change: InputChanged) -> None:
        if change.input_no == self.config.contact_input:
            self._record_all(self.door.contact(change.active))
        elif change.input_no == self.config.rex_input and change.active:
            self._record_all(self.door.rex())
            if self.config.rex_unlocks:
                self._send(self.reader, [self._strike()])

    # --- deciding --------------------------------------------------------------------------

    def _decide(
        self, card: CardRead | None, pin: str | None, reader_id: str, *, pin_timed_out: bool = False
    ) -> None:
        direction = self._direction(reader_id)
        swipe: dict[str, Any] = {
            "at": self.clock.now().isoformat(),
            "door": self.config.door_id,
            "direction": direction,
        }
        if card is not None:
            swipe["card"] = card.swipe_card()
        if pin is not None:
            swipe["pin"] = pin
        try:
            decision = dict(self.decide(swipe))
        except Exception:  # fail secure: whatever went wrong, this door stays shut
            log.exception("decision failed at door %s", self.config.door_id)
            decision = {"decision": "deny", "reason": "controller_error", "person": None,
                        "door": self.config.door_id, "warnings": []}
        detail = {
            **{k: v for k, v in decision.items() if k != "pin"},
            "direction": direction,
            "credential": card_label(card) if card is not None else "pin",
        }
        if pin_timed_out:
            detail["pin_timed_out"] = True
        if self.record_decisions:
            # Recorded before the door moves, so no door opens without its event on record.
            self._emit("access.decision", reader=reader_id, **detail)
        outcome = str(decision.get("decision"))
        commands = self.feedback.for_decision(outcome, self._grant_ms())
        if outcome == "grant":
            self.door.grant(decision.get("person"))
            commands.insert(0, self._strike())  # the strike first: the person is waiting
        self._send(self._reader(reader_id), commands)

    # --- helpers ---------------------------------------------------------------------------

    def _direction(self, reader_id: str) -> str:
        if self.exit_reader is not None and reader_id == self.exit_reader.reader_id:
            return "out"
        return "in"

    def _reader(self, reader_id: str) -> Reader:
        for reader in self.readers:
            if reader.reader_id == reader_id:
                return reader
        raise ReaderError(f"reader {reader_id} does not belong to door {self.config.door_id}")

    def _grant_ms(self) -> int:
        return int(self.config.grant_time_s * 1000)

    def _strike(self) -> OutputPulse:
        return OutputPulse(self.config.strike_output, self._grant_ms())

    def _send(self, reader: Reader, commands: Iterable[ReaderCommand]) -> None:
        for command in commands:
            try:
                reader.send(command)
            except ReaderError as exc:
                # The decision stands and is recorded; a reader that cannot show it is
                # already being reported offline by supervision.
                log.warning("door %s: %s", self.config.door_id, exc)

    def _emit(self, kind: str, *, reader: str = "", at: Any = None, **detail: Any) -> None:
        event = EdgeEvent(
            kind, at or self.clock.now(), door=self.config.door_id, reader=reader, detail=detail
        )
        self._record_all([event])

    def _record_all(self, events: Iterable[EdgeEvent]) -> None:
        for event in events:
            try:
                self.record(event)
            except Exception:
                # A failing spool must never block a door; the spool raises its own alarm.
                log.exception("door %s: could not record %s", self.config.door_id, event.kind)


def _readable(read: CardRead) -> bool:
    """Whether the bits are a card at all: an unreadable card is denied at once, no PIN asked."""
    try:
        decode_card(read)
    except UnreadableCard:
        return False
    return True


class Ticker:
    """Runs the stations' timers on a background thread, every `max_wait_s` seconds."""

    def __init__(self, stations: Iterable[DoorStation], *, max_wait_s: float = 0.1) -> None:
        self.stations = list(stations)
        self.max_wait_s = max_wait_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="door-ticker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.max_wait_s):
            for station in self.stations:
                try:
                    station.tick()
                except Exception:  # one faulty door must not stop the others' alarms
                    log.exception("timers failed at door %s", station.config.door_id)
