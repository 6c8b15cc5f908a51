"""Everything at a controller's doors, built from the wiring file: buses, readers, stations.

The daemon's one call: `DoorRig.build(wiring, door_modes, decide, record)`, then `start()` and
`stop()`. OSDP readers on the same serial line share one `OsdpBus`; simulated readers are kept
by door for the demo and `vaultdoor edge swipe` (`rig.simulated(door_id)`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..readers.base import Reader, ReaderError
from ..readers.simulated import SimulatedReader
from ..readers.wiring import ReaderWiring, Wiring, WiringError
from .clock import Clock, SystemClock
from .door import DoorConfig
from .station import DecideFn, DoorStation, RecordFn, Ticker

__all__ = ["DoorRig"]

ChannelFactory = Callable[[str, int], Any]
"""(serial device, baud) -> a libosdp channel; tests pass pty or in-memory links."""


def _serial(line: str, baud: int) -> Any:
    from ..readers.channels import SerialChannel

    return SerialChannel(line, baud)


@dataclass
class DoorRig:
    """The stations of one controller, their readers and the buses they hang on."""

    stations: dict[str, DoorStation]
    readers: dict[str, Reader]
    buses: list[Any] = field(default_factory=list)
    ticker: Ticker | None = None

    @classmethod
    def build(
        cls,
        wiring: Wiring,
        *,
        door_modes: Mapping[str, str],
        decide: DecideFn,
        record: RecordFn,
        clock: Clock | None = None,
        record_decisions: bool = True,
        pin_timeout_s: float = 10.0,
        channel_factory: ChannelFactory = _serial,
        osdp_options: Mapping[str, Any] | None = None,
    ) -> DoorRig:
        """Build (not start) every reader and station. A door the wiring names but the
        snapshot does not know is kept `locked`: the engine denies it anyway."""
        clock = clock or SystemClock()
        readers: dict[str, Reader] = {}
        buses: dict[str, Any] = {}
        channels: dict[str, Any] = {}
        for item in wiring.readers:
            if item.driver == "simulated":
                readers[item.id] = SimulatedReader(item.id)
                continue
            from ..readers.osdp import OsdpBus  # only where OSDP is wired

            if item.line not in buses:
                buses[item.line] = OsdpBus(**dict(osdp_options or {}))
                channels[item.line] = channel_factory(item.line, item.baud)
            readers[item.id] = buses[item.line].add_reader(
                item.id, address=item.address, channel=channels[item.line], key=item.key
            )
        stations: dict[str, DoorStation] = {}
        issues: list[tuple[str, str]] = []
        for door_id in wiring.door_ids:
            entry = _side(wiring.readers, door_id, "in")
            exit_ = _side(wiring.readers, door_id, "out")
            try:
                config = DoorConfig(
                    door_id, mode=door_modes.get(door_id, "locked"),
                    **_vars_of(wiring.door(door_id)),
                )
            except ValueError as exc:
                issues.append((f"doors.{door_id}", str(exc)))
                continue
            assert entry is not None  # parse_wiring guarantees an `in` reader per door
            stations[door_id] = DoorStation(
                config, readers[entry.id], decide, record,
                exit_reader=readers[exit_.id] if exit_ else None, clock=clock,
                pin_timeout_s=pin_timeout_s, record_decisions=record_decisions,
            )
        if issues:
            raise WiringError(issues)
        return cls(stations, readers, list(buses.values()))

    def start(self) -> None:
        """Attach the stations, bring the readers up and start the door timers."""
        for station in self.stations.values():
            station.attach()
        for reader in self.readers.values():
            if isinstance(reader, SimulatedReader):
                reader.start()
        for bus in self.buses:
            bus.start()
        self.ticker = Ticker(self.stations.values())
        self.ticker.start()

    def stop(self) -> None:
        if self.ticker is not None:
            self.ticker.stop()
            self.ticker = None
        for bus in self.buses:
            bus.stop()
        for reader in self.readers.values():
            if isinstance(reader, SimulatedReader):
                reader.stop()

    def update_modes(self, door_modes: Mapping[str, str]) -> None:
        """A new snapshot arrived: doors take their (possibly changed) modes."""
        for door_id, station in self.stations.items():
            station.set_mode(door_modes.get(door_id, "locked"))

    def simulated(self, door_id: str, direction: str = "in") -> SimulatedReader:
        """The simulated reader on one side of a door (for the demo and `edge swipe`)."""
        station = self.stations.get(door_id)
        if station is None:
            raise ReaderError(f"door {door_id} is not wired to this controller")
        reader = station.reader if direction == "in" else station.exit_reader
        if not isinstance(reader, SimulatedReader):
            raise ReaderError(f"door {door_id} has no simulated `{direction}` reader")
        return reader


def _side(readers: tuple[ReaderWiring, ...], door_id: str, direction: str) -> ReaderWiring | None:
    return next((r for r in readers if r.door == door_id and r.direction == direction), None)


def _vars_of(door: Any) -> dict[str, Any]:
    return {name: getattr(door, name) for name in door.__slots__}
