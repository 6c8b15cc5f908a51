"""Edge events: every kind is declared, the public API does not drift, events reach the spool."""

from __future__ import annotations

import pytest

import vaultdoor.edge.doorio as doorio
import vaultdoor.edge.readers as readers
from vaultdoor.edge.doorio import (
    EVENT_KINDS,
    DoorConfig,
    DoorStation,
    EdgeEvent,
    ManualClock,
    spool_recorder,
)
from vaultdoor.edge.readers import SimulatedReader
from vaultdoor.edge.spool import Spool

from .conftest import Recorder


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown edge event kind"):
        EdgeEvent("door.exploded", ManualClock().now())


@pytest.mark.parametrize("module", [doorio, readers])
def test_public_api_is_exactly_all(module):
    public = {name for name in vars(module) if not name.startswith("_")}
    submodules = {name for name in public if type(vars(module)[name]).__name__ == "module"}
    assert sorted(public - submodules) == sorted(module.__all__)


def test_every_kind_a_station_emits_is_declared(decisions):
    clock = ManualClock()
    recorder = Recorder()
    reader = SimulatedReader("R-1")
    station = DoorStation(DoorConfig("D-1", held_open_s=10), reader, decisions, recorder,
                          clock=clock)
    station.attach()
    reader.start()
    reader.present_badge(42, 10231)
    reader.set_contact(True)
    clock.advance(11)
    station.tick()
    reader.set_contact(False)
    reader.set_contact(True)
    reader.set_contact(False)
    reader.press_rex()
    reader.set_tamper(True, power_failure=True)
    reader.set_tamper(False)
    reader.stop()
    emitted = set(recorder.kinds())
    assert emitted == EVENT_KINDS


def test_station_events_reach_the_spool(tmp_path, decisions):
    clock = ManualClock()
    spool = Spool(tmp_path / "spool.db", controller="C-1", clock=clock.now)
    try:
        reader = SimulatedReader("R-1")
        station = DoorStation(DoorConfig("D-1"), reader, decisions, spool_recorder(spool),
                              clock=clock)
        station.attach()
        reader.start()
        reader.present_badge(42, 10231)
        reader.set_contact(True)
        events = spool.pending()
        assert [e.type for e in events] == ["reader.online", "access.decision", "door.opened"]
        decision = events[1]
        assert decision.door == "D-1"
        assert decision.data["reader"] == "R-1"
        assert decision.data["decision"] == "grant"
        assert decision.data["credential"] == "card h10301 42:10231"
    finally:
        spool.close()


def test_decisions_recorded_elsewhere_are_not_recorded_twice(decisions):
    recorder = Recorder()
    reader = SimulatedReader("R-1")
    station = DoorStation(DoorConfig("D-1"), reader, decisions, recorder,
                          record_decisions=False)
    station.attach()
    reader.start()
    reader.present_badge(42, 10231)
    assert recorder.kinds() == ["reader.online"]
    assert reader.strike_pulses()  # the door still opens
