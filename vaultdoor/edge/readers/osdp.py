"""OSDP readers through libosdp: the edge is the control panel (CP), each reader a PD.

One `OsdpBus` owns one libosdp ControlPanel and the readers on it. Every reader has its own
secure channel base key (SCBK), read from a file reference (see `keys.py`); the secure channel
is enforced, so a reader with the wrong key never comes online and is never sent a command.

libosdp calls back from its own refresh thread while holding the panel's lock, so the bus only
queues what arrives there; a dispatcher thread turns it into `ReaderEvent`s for each reader's
sink. That is also where supervision happens: the bus polls the panel's online and secure
channel bitmasks and reports changes as `ReaderStatus`, and retries an offline reader every
`retry_s` seconds instead of waiting out libosdp's five-minute back-off.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import osdp  # type: ignore[import-untyped]

from .base import (
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
    ReaderOffline,
    ReaderStatus,
)
from .keys import load_scbk

__all__ = ["LED_COLORS", "OsdpBus", "OsdpReader", "keys_from_osdp"]

log = logging.getLogger(__name__)

LED_COLORS = {
    "off": osdp.CommandLEDColor.Black,
    "red": osdp.CommandLEDColor.Red,
    "green": osdp.CommandLEDColor.Green,
    "amber": osdp.CommandLEDColor.Amber,
    "blue": osdp.CommandLEDColor.Blue,
}

# OSDP counts LED, buzzer and output times in units of 100 ms; libosdp's Python binding carries
# them in one byte, so the longest single pulse is 25.5 s.
_TICK_MS = 100
_MAX_TICKS = 255

# OSDP output control codes (SIA OSDP 2.2, osdp_OUT): 6 = temporarily on, then back to the
# permanent state when the timer runs out. LED temporary control 2 = set and start the timer.
_OUTPUT_TEMPORARY_ON = 6
_LED_TEMPORARY_SET = 2
_BUZZER_DEFAULT_TONE = 2

# OSDP keypad data: ASCII digits, with 0x7F for `*` and 0x0D for `#` (many readers send ASCII).
_KEYS = {0x7F: "*", 0x0D: "#", ord("*"): "*", ord("#"): "#"}


def _ticks(ms: int) -> int:
    """Milliseconds as OSDP 100 ms units, at least one, at most what the binding carries."""
    return max(1, min(_MAX_TICKS, round(ms / _TICK_MS)))


def keys_from_osdp(data: bytes) -> str:
    """Keypad bytes as the characters 0-9, `*` and `#`; anything else is dropped."""
    out = []
    for byte in data:
        if 0x30 <= byte <= 0x39:
            out.append(chr(byte))
        elif byte in _KEYS:
            out.append(_KEYS[byte])
    return "".join(out)


def command_to_osdp(command: ReaderCommand) -> dict[str, object]:
    """The libosdp command dict for one reader command."""
    if isinstance(command, Led):
        if command.color not in LED_COLORS:
            raise ReaderError(f"LED colour {command.color!r} is not one of {sorted(LED_COLORS)}")
        steady = command.off_ms == 0
        return {
            "command": osdp.Command.LED,
            "reader": 0,
            "led_number": command.led_no,
            "temporary": True,
            "control_code": _LED_TEMPORARY_SET,
            "on_color": LED_COLORS[command.color],
            "off_color": LED_COLORS["off"],
            "on_count": _ticks(command.duration_ms if steady else command.on_ms),
            "off_count": 0 if steady else _ticks(command.off_ms),
            "timer_count": _ticks(command.duration_ms),
        }
    if isinstance(command, Buzzer):
        return {
            "command": osdp.Command.Buzzer,
            "reader": 0,
            "control_code": _BUZZER_DEFAULT_TONE,
            "on_count": _ticks(command.on_ms),
            "off_count": _ticks(command.off_ms) if command.off_ms else 0,
            "rep_count": max(1, min(_MAX_TICKS, command.repeat)),
        }
    if isinstance(command, OutputPulse):
        return {
            "command": osdp.Command.Output,
            "output_no": command.output_no,
            "control_code": _OUTPUT_TEMPORARY_ON,
            "timer_count": _ticks(command.duration_ms),
        }
    raise ReaderError(f"not a reader command: {command!r}")


class OsdpReader(Reader):
    """One OSDP reader (a PD at `address` on a bus). Create it with `OsdpBus.add_reader`."""

    def __init__(self, bus: OsdpBus, reader_id: str, address: int) -> None:
        super().__init__(reader_id)
        self.bus = bus
        self.address = address
        self.secure = False
        self.last_error = ""
        self._inputs: bytes | None = None

    def send(self, command: ReaderCommand) -> None:
        self.bus.submit(self, command_to_osdp(command))

    def _inputs_changed(self, report: bytes) -> list[InputChanged]:
        """InputChanged for each input whose state differs from the last report (all of them
        on the first report, so the door layer learns the initial state)."""
        before = self._inputs
        self._inputs = bytes(report)
        return [
            InputChanged(self.reader_id, index, bool(state))
            for index, state in enumerate(report)
            if before is None or index >= len(before) or bool(before[index]) != bool(state)
        ]


@dataclass
class _Slot:
    reader: OsdpReader
    info: osdp.PDInfo
    offline_since: float
    last_retry: float = 0.0


class _Panel(osdp.ControlPanel):  # type: ignore[misc]  # libosdp ships no type hints
    """libosdp's ControlPanel with a faster refresh loop.

    The binding's own loop sleeps 20 ms between refreshes, which on its own adds about 100 ms
    from card to strike; every 5 ms costs little CPU (one C call) and cuts that by half or
    more (docs/performance.md). Relies on the binding's `event`/`lock`/`thread`/`ctx`
    attributes, which is why libosdp is pinned."""

    refresh_s = 0.005
    thread: threading.Thread | None
    event: threading.Event
    lock: threading.Lock
    ctx: Any

    def start(self) -> None:
        if self.thread:
            raise ReaderError("the OSDP control panel is already running")
        self.event = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._refresh_loop, name="osdp-cp", daemon=True)
        self.thread.start()

    def _refresh_loop(self) -> None:
        while not self.event.is_set():
            with self.lock:
                self.ctx.refresh()
            self.event.wait(self.refresh_s)


class OsdpBus:
    """An OSDP control panel driving one or more readers, with supervision and retries."""

    def __init__(
        self,
        *,
        retry_s: float = 5.0,
        poll_s: float = 0.05,
        refresh_s: float = 0.005,
        log_level: int = osdp.LogLevel.Error,
    ) -> None:
        self.retry_s = retry_s
        self.poll_s = poll_s
        self.refresh_s = refresh_s
        self.log_level = log_level
        self._slots: list[_Slot] = []
        self._cp: _Panel | None = None
        self._inbox: queue.Queue[tuple[int, dict[str, Any]]] = queue.Queue()
        self._stopping = threading.Event()
        self._dispatcher: threading.Thread | None = None

    @property
    def readers(self) -> list[OsdpReader]:
        return [slot.reader for slot in self._slots]

    def add_reader(
        self, reader_id: str, *, address: int, channel: osdp.Channel, key: str
    ) -> OsdpReader:
        """Declare a reader at OSDP `address` (0-126) on `channel`, with its SCBK file `key`."""
        if self._cp is not None:
            raise ReaderError("add every reader before starting the bus")
        if not 0 <= address <= 126:
            raise ReaderError(f"reader {reader_id}: OSDP address must be 0 to 126, not {address}")
        if any(slot.reader.address == address for slot in self._slots):
            raise ReaderError(f"reader {reader_id}: OSDP address {address} is already in use")
        scbk = load_scbk(key)
        # Each link gets its own channel id: libosdp treats PDs on one id as one multidrop line.
        channel.id = len(self._slots) + 1
        info = osdp.PDInfo(
            address,
            channel,
            scbk=scbk,
            name=reader_id,
            flags=[osdp.LibFlag.EnforceSecure, osdp.LibFlag.EnableNotification],
        )
        reader = OsdpReader(self, reader_id, address)
        self._slots.append(_Slot(reader, info, offline_since=time.monotonic()))
        return reader

    def start(self) -> None:
        """Open the control panel and start supervising the readers."""
        if self._cp is not None:
            raise ReaderError("the OSDP bus is already running")
        if not self._slots:
            raise ReaderError("an OSDP bus needs at least one reader")
        self._stopping.clear()
        self._cp = _Panel(
            [slot.info for slot in self._slots],
            log_level=self.log_level,
            event_handler=self._on_event,
        )
        self._cp.refresh_s = self.refresh_s
        self._cp.start()
        self._dispatcher = threading.Thread(
            target=self._run, name="osdp-dispatch", daemon=True
        )
        self._dispatcher.start()

    def stop(self) -> None:
        """Stop supervising and close the control panel; readers report offline."""
        if self._cp is None:
            return
        self._stopping.set()
        if self._dispatcher is not None:
            self._dispatcher.join(timeout=5)
        self._cp.teardown()
        self._cp = None
        for slot in self._slots:
            slot.reader.secure = False
            slot.reader._emit(ReaderStatus(slot.reader.reader_id, False, detail="bus stopped"))

    def submit(self, reader: OsdpReader, command: dict[str, object]) -> None:
        """Queue a libosdp command for `reader`; `ReaderOffline` if it cannot be sent."""
        cp = self._cp
        if cp is None or not reader.online:
            raise ReaderOffline(f"reader {reader.reader_id} is offline; command not sent")
        if not cp.submit_command(reader.address, command):
            raise ReaderOffline(f"reader {reader.reader_id} refused the command (offline?)")

    # --- inside libosdp's refresh thread: queue only ---------------------------------------

    def _on_event(self, pd: int, event: dict[str, Any]) -> int:
        self._inbox.put((pd, event))
        return 0

    # --- the dispatcher thread -------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                pd, event = self._inbox.get(timeout=self.poll_s)
            except queue.Empty:
                pass
            else:
                self._dispatch_safely(pd, event)
            self._supervise()

    def _dispatch_safely(self, pd: int, event: dict[str, Any]) -> None:
        try:
            self._dispatch(self._slots[pd].reader, event)
        except Exception:  # a faulty sink must not stop every other reader on the bus
            log.exception("OSDP event from PD %s could not be handled: %r", pd, event)

    def _dispatch(self, reader: OsdpReader, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == osdp.Event.CardRead:
            data = bytes(event.get("data", b""))
            raw = event.get("format") in (osdp.CardFormat.Wiegand, osdp.CardFormat.Unspecified)
            # An ASCII (non-raw) read is no card format we know: zero bits makes it unreadable.
            bits = int(event.get("length", 0)) if raw else 0
            reader._emit(CardRead(reader.reader_id, bits, data))
        elif kind == osdp.Event.KeyPress:
            keys = keys_from_osdp(bytes(event.get("data", b"")))
            if keys:
                reader._emit(KeyPress(reader.reader_id, keys))
        elif kind == osdp.Event.Status and event.get("type") == osdp.StatusReportType.Input:
            for change in reader._inputs_changed(bytes(event.get("report", b""))):
                reader._emit(change)
        elif kind == osdp.Event.Status and event.get("type") == osdp.StatusReportType.Local:
            # osdp_LSTATR: byte 0 the tamper switch, byte 1 the power supply (1 = failure).
            report = bytes(event.get("report", b"")) + b"\0\0"
            reader._emit(LocalStatus(reader.reader_id, bool(report[0]), bool(report[1])))
        elif (
            kind == osdp.Event.Notification
            and event.get("type") == osdp.EventNotification.SecureChannelStatus
            and not event.get("arg0")
        ):
            reader.last_error = (
                "secure channel could not be established or was lost "
                "(wrong key for this reader, or the line dropped)"
            )

    def _supervise(self) -> None:
        cp = self._cp
        if cp is None:
            return
        with cp.lock:
            online_mask = cp.ctx.status()
            secure_mask = cp.ctx.sc_status()
        now = time.monotonic()
        for index, slot in enumerate(self._slots):
            reader = slot.reader
            online = bool(online_mask & (1 << index)) and bool(secure_mask & (1 << index))
            if online != reader.online:
                reader.secure = online
                if online:
                    reader.last_error = ""
                    reader._inputs = None  # ask afresh: the door may have moved meanwhile
                else:
                    slot.offline_since = now
                    slot.last_retry = now
                detail = "secure channel established" if online else reader.last_error
                reader._emit(ReaderStatus(reader.reader_id, online, secure=online, detail=detail))
            elif not online and now - max(slot.offline_since, slot.last_retry) >= self.retry_s:
                # libosdp waits minutes before probing an offline PD again; a door reader that
                # was power-cycled should be back within seconds.
                slot.last_retry = now
                with cp.lock:
                    cp.ctx.disable_pd(index)
                    cp.ctx.enable_pd(index)
