"""Benchmark the edge's reader and door path, without the decision engine.

    .venv/bin/python benchmarks/bench_readers.py                 # ~30 s
    .venv/bin/python benchmarks/bench_readers.py --station 20000 --osdp 200

Two figures:

1. Station overhead: a card at a `SimulatedReader` -> `DoorStation` -> a constant decision
   function -> strike, LED and buzzer commands at the reader, and the decision event recorded
   (in memory). time.perf_counter_ns around each `present_badge`; this is what the edge adds to
   the engine's own decision time.
2. OSDP round trip: a real libosdp PeripheralDevice (secure channel, in-memory link) submits a
   card read; timed until its command callback receives the strike pulse. The PD answers
   within a millisecond, as reader hardware does; the edge's control panel refreshes every
   5 ms (`OsdpBus(refresh_s=...)`). This is mostly libosdp's poll cycle (a PD may only speak
   when polled), not vaultdoor; a 9600-baud serial line adds about 30 ms more.

The last line is the summary:

    readers: station p99 <X> us; osdp card-to-strike p50 <Y> ms, p99 <Z> ms
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import osdp

from vaultdoor.edge.doorio import DoorConfig, DoorStation
from vaultdoor.edge.readers import ReaderStatus, SimulatedReader
from vaultdoor.edge.readers.channels import memory_link
from vaultdoor.edge.readers.osdp import OsdpBus
from vaultdoor.engine.cards import encode

GRANT = {"decision": "grant", "reason": "granted", "person": "P-1", "door": "D-1",
         "zone": "Z-1", "warnings": []}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_station(count: int) -> list[float]:
    """Microseconds per card, station overhead only."""
    events: list[object] = []
    reader = SimulatedReader("R-1")
    station = DoorStation(DoorConfig("D-1"), reader, lambda swipe: GRANT, events.append)
    station.attach()
    reader.start()
    bits, data = encode("h10301", 42, 10231)
    timings = []
    for i in range(count):
        reader.commands.clear()
        if i % 1000 == 0:
            events.clear()
        start = time.perf_counter_ns()
        reader.present_card(bits, data)
        timings.append((time.perf_counter_ns() - start) / 1000)
    return timings


class _FastPD(osdp.PeripheralDevice):  # type: ignore[misc]
    """The test reader answering within a millisecond, as reader hardware does (the binding's
    own loop only looks every 20 ms)."""

    @staticmethod
    def refresh(event: threading.Event, lock: threading.Lock, ctx: object) -> None:
        while not event.is_set():
            with lock:
                ctx.refresh()  # type: ignore[attr-defined]
            event.wait(0.001)


def bench_osdp(count: int) -> list[float]:
    """Milliseconds from the PD submitting a card to the PD receiving the strike pulse."""
    key = secrets.token_bytes(16)
    with tempfile.TemporaryDirectory() as folder:
        key_path = Path(folder) / "r.scbk"
        key_path.write_text(key.hex())
        os.chmod(key_path, 0o600)
        cp_end, pd_end = memory_link()
        strike, beep = threading.Event(), threading.Event()

        def on_command(command: dict) -> tuple[int, None]:
            if command.get("command") == osdp.Command.Output:
                strike.set()
            elif command.get("command") == osdp.Command.Buzzer:
                beep.set()  # the last of the grant's three commands
            return 0, None

        pd = _FastPD(
            osdp.PDInfo(101, pd_end, scbk=key, flags=[osdp.LibFlag.EnforceSecure]),
            osdp.PDCapabilities([(osdp.Capability.OutputControl, 1, 1),
                                 (osdp.Capability.LEDControl, 1, 1),
                                 (osdp.Capability.AudibleControl, 1, 1)]),
            log_level=osdp.LogLevel.Error, command_handler=on_command,
        )
        bus = OsdpBus()
        reader = bus.add_reader("R-1", address=101, channel=cp_end, key=f"file:{key_path}")
        online = threading.Event()
        station = DoorStation(DoorConfig("D-1"), reader, lambda swipe: GRANT, lambda e: None)
        station.attach()

        def sink(event: object) -> None:
            if isinstance(event, ReaderStatus) and event.online:
                online.set()
            station.handle(event)  # type: ignore[arg-type]

        reader.attach(sink)
        pd.start()
        bus.start()
        try:
            if not online.wait(10):
                raise SystemExit("the reader did not come online")
            bits, data = encode("h10301", 42, 10231)
            timings = []
            for _ in range(count):
                strike.clear()
                beep.clear()
                start = time.perf_counter_ns()
                pd.submit_event({"event": osdp.Event.CardRead, "reader_no": 0, "direction": 0,
                                 "format": osdp.CardFormat.Wiegand, "length": bits,
                                 "data": data})
                if not strike.wait(5):
                    raise SystemExit("no strike pulse within 5 s")
                timings.append((time.perf_counter_ns() - start) / 1e6)
                if not beep.wait(5):  # LED and buzzer drained: the next card starts clean
                    raise SystemExit("no buzzer command within 5 s")
            return timings
        finally:
            bus.stop()
            pd.teardown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--station", type=int, default=20000, help="cards through the station")
    parser.add_argument("--osdp", type=int, default=200, help="cards through libosdp")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, libosdp 3.2.9")

    station = bench_station(args.station)
    print(f"station: {args.station} cards, p50 {statistics.median(station):.1f} us, "
          f"p99 {percentile(station, 0.99):.1f} us, max {max(station):.1f} us")

    trips = bench_osdp(args.osdp)
    print(f"osdp: {args.osdp} cards, p50 {statistics.median(trips):.1f} ms, "
          f"p99 {percentile(trips, 0.99):.1f} ms, max {max(trips):.1f} ms")
    print(f"readers: station p99 {percentile(station, 0.99):.1f} us; osdp card-to-strike "
          f"p50 {statistics.median(trips):.1f} ms, p99 {percentile(trips, 0.99):.1f} ms")


if __name__ == "__main__":
    main()
