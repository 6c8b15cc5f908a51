"""A door station on a simulated reader: decisions, feedback, PIN entry, REX and alarms."""

from __future__ import annotations

import pytest

from vaultdoor.edge.doorio import DoorConfig, DoorStation, ManualClock, Ticker
from vaultdoor.edge.readers import Buzzer, Led, OutputPulse, ReaderOffline, SimulatedReader
from vaultdoor.engine.cards import encode

from .conftest import GOOD_PIN


@pytest.fixture
def clock():
    return ManualClock()


def make_station(decisions, recorder, clock, *, mode="card", exit_reader=None, **config):
    reader = SimulatedReader("R-IN")
    station = DoorStation(
        DoorConfig("D-1", mode=mode, **config), reader, decisions, recorder,
        exit_reader=exit_reader, clock=clock,
    )
    station.attach()
    reader.start()
    if exit_reader is not None:
        exit_reader.start()
    if mode == "card_and_pin":
        decisions.pin_doors.add("D-1")
    return station, reader


def test_grant_pulses_strike_and_shows_green(decisions, recorder, clock):
    station, reader = make_station(decisions, recorder, clock, grant_time_s=7)
    reader.present_badge(42, 10231)
    assert reader.commands == [
        OutputPulse(0, 7000), Led("green", 7000), Buzzer(200, 0, 1),
    ]
    assert decisions.swipes == [{
        "at": clock.now().isoformat(), "door": "D-1", "direction": "in",
        "card": {"bits": 26, "data": encode("h10301", 42, 10231)[1].hex().upper()},
    }]
    event = recorder.events[-1]
    assert event.kind == "access.decision"
    assert event.detail["decision"] == "grant" and event.detail["person"] == "P-1"
    assert event.detail["credential"] == "card h10301 42:10231"
    assert station.door.released


def test_deny_flashes_red_and_beeps_without_strike(decisions, recorder, clock):
    station, reader = make_station(decisions, recorder, clock)
    reader.present_badge(42, 999)
    assert reader.strike_pulses() == []
    assert reader.leds() == [Led("red", 2000, on_ms=200, off_ms=200)]
    assert reader.beeps() == [Buzzer(100, 100, 3)]
    assert recorder.events[-1].detail["reason"] == "unknown_credential"
    assert not station.door.released


def test_unreadable_card_is_decided_as_such(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock)
    reader.present_card(26, b"\xff\xff\xff\xc0")  # parity fails
    assert recorder.events[-1].detail["reason"] == "unreadable_card"
    assert recorder.events[-1].detail["credential"] == "card raw 26:FFFFFFC0"


def test_exit_reader_swipes_out(decisions, recorder, clock):
    exit_reader = SimulatedReader("R-OUT")
    _station, reader = make_station(decisions, recorder, clock, exit_reader=exit_reader)
    exit_reader.present_badge(42, 10231)
    assert decisions.swipes[-1]["direction"] == "out"
    assert exit_reader.strike_pulses() == [OutputPulse(0, 5000)]
    assert reader.commands == []


def test_card_and_pin(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock, mode="card_and_pin")
    reader.present_badge(42, 10231)
    assert decisions.swipes == []  # waiting for the PIN
    assert reader.leds()[-1].color == "amber"
    reader.key_in(GOOD_PIN[:2])
    reader.key_in(GOOD_PIN[2:] + "#")
    assert decisions.swipes[-1]["pin"] == GOOD_PIN
    assert reader.strike_pulses() == [OutputPulse(0, 5000)]
    detail = recorder.events[-1].detail
    assert detail["decision"] == "grant"
    assert GOOD_PIN not in repr(recorder.events[-1].to_dict())  # the PIN is never recorded


def test_card_and_pin_wrong_pin(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock, mode="card_and_pin")
    reader.present_badge(42, 10231)
    reader.key_in("0000#")
    assert recorder.events[-1].detail["reason"] == "wrong_pin"
    assert reader.strike_pulses() == []


def test_card_and_pin_timeout(decisions, recorder, clock):
    station, reader = make_station(decisions, recorder, clock, mode="card_and_pin")
    reader.present_badge(42, 10231)
    reader.key_in("48")
    clock.advance(9.9)
    station.tick()
    assert decisions.swipes == []
    clock.advance(0.1)
    station.tick()
    assert "pin" not in decisions.swipes[-1]
    detail = recorder.events[-1].detail
    assert detail["reason"] == "pin_required" and detail["pin_timed_out"] is True
    reader.key_in("21#")  # too late: no card is waiting any more
    assert len(decisions.swipes) == 1


def test_card_and_pin_unreadable_card_is_denied_at_once(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock, mode="card_and_pin")
    reader.present_card(12, b"\x00\x00")
    assert recorder.events[-1].detail["reason"] == "unreadable_card"


def test_pin_only_door(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock, mode="pin")
    reader.key_in(GOOD_PIN + "#")
    assert decisions.swipes[-1] == {
        "at": clock.now().isoformat(), "door": "D-1", "direction": "in", "pin": GOOD_PIN,
    }
    assert recorder.events[-1].detail["credential"] == "pin"
    assert reader.strike_pulses()


def test_rex_pulses_strike_and_authorises_opening(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock)
    reader.press_rex()
    assert reader.strike_pulses() == [OutputPulse(0, 5000)]
    reader.set_contact(True)
    reader.set_contact(False)
    assert recorder.kinds() == ["reader.online", "door.rex", "door.opened", "door.closed"]


def test_rex_without_unlock(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock, rex_unlocks=False)
    reader.press_rex()
    assert reader.strike_pulses() == []


def test_forced_open(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock)
    reader.set_contact(True)
    assert recorder.kinds()[-2:] == ["door.opened", "door.forced_open"]
    reader.set_contact(False)
    assert recorder.kinds()[-2:] == ["door.closed", "door.forced_open_cleared"]


def test_held_open_after_grant(decisions, recorder, clock):
    station, reader = make_station(decisions, recorder, clock, held_open_s=45)
    reader.present_badge(42, 10231)
    reader.set_contact(True)
    clock.advance(44)
    station.tick()
    assert "door.held_open" not in recorder.kinds()
    clock.advance(1)
    station.tick()
    assert recorder.kinds()[-1] == "door.held_open"
    reader.set_contact(False)
    assert recorder.kinds()[-2:] == ["door.closed", "door.held_open_cleared"]


def test_deny_then_open_is_forced(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock)
    reader.present_badge(1, 1)
    reader.set_contact(True)
    assert recorder.kinds()[-1] == "door.forced_open"


def test_supervision_events(decisions, recorder, clock):
    _station, reader = make_station(decisions, recorder, clock)
    reader.set_online(False, detail="cable cut")
    reader.set_online(False)  # no change, no event
    reader.set_online(True)
    assert recorder.kinds() == ["reader.online", "reader.offline", "reader.online"]
    assert recorder.events[1].detail["detail"] == "cable cut"


def test_offline_reader_refuses_commands():
    reader = SimulatedReader("R-X")
    with pytest.raises(ReaderOffline, match="R-X"):
        reader.send(Led("green", 100))


def test_decision_failure_fails_secure(recorder, clock):
    def broken(swipe):
        raise RuntimeError("snapshot missing")

    _station, reader = make_station(broken, recorder, clock)
    reader.present_badge(42, 10231)
    assert reader.strike_pulses() == []
    assert recorder.events[-1].detail["reason"] == "controller_error"


def test_ticker_runs_timers(decisions, recorder):
    from vaultdoor.edge.doorio import SystemClock

    station, reader = make_station(
        decisions, recorder, SystemClock(), mode="card_and_pin"
    )
    station._pinpads["R-IN"].timeout_s = 0.05
    ticker = Ticker([station], max_wait_s=0.01)
    ticker.start()
    try:
        reader.present_badge(42, 10231)
        event = recorder.wait("access.decision", timeout=5)
        assert event.detail["pin_timed_out"] is True
    finally:
        ticker.stop()


def test_tamper_and_power(decisions, recorder, clock):
    _, reader = make_station(decisions, recorder, clock)
    reader.set_tamper(True)
    reader.set_tamper(True)  # OSDP repeats the report: one alarm
    reader.set_tamper(True, power_failure=True)
    reader.set_tamper(False, power_failure=True)
    reader.set_tamper(False)
    assert recorder.kinds()[1:] == [
        "reader.tamper", "reader.power_failure", "reader.tamper_cleared",
        "reader.power_restored",
    ]
    assert recorder.events[1].is_alarm and recorder.events[1].reader == "R-IN"


def test_decision_is_recorded_before_the_door_moves(decisions, clock):
    order = []
    reader = SimulatedReader("R-IN")
    original_send = reader.send

    def send(command):
        order.append(type(command).__name__)
        original_send(command)

    reader.send = send
    station = DoorStation(DoorConfig("D-1"), reader, decisions,
                          lambda event: order.append(event.kind), clock=clock)
    station.attach()
    reader.start()
    reader.present_badge(42, 10231)
    assert order == ["reader.online", "access.decision", "OutputPulse", "Led", "Buzzer"]


def test_a_failing_recorder_never_blocks_the_door(decisions, clock):
    def broken(event):
        raise OSError("disk full")

    reader = SimulatedReader("R-IN")
    station = DoorStation(DoorConfig("D-1"), reader, decisions, broken, clock=clock)
    station.attach()
    reader.start()
    reader.present_badge(42, 10231)
    assert reader.strike_pulses() == [OutputPulse(0, 5000)]
    reader.set_contact(True)
    assert station.door.position.value == "open"
