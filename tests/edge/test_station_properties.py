"""Property tests: whatever happens at a door, in any order, the station keeps its promises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.edge.doorio import DoorConfig, DoorStation, ManualClock
from vaultdoor.edge.readers import OutputPulse, SimulatedReader

from .conftest import GOOD_PIN, Recorder, StubDecisions

actions = st.lists(
    st.one_of(
        st.tuples(st.just("good"), st.none()),
        st.tuples(st.just("bad"), st.integers(0, 255)),
        st.tuples(st.just("raw"), st.tuples(st.integers(0, 40), st.binary(max_size=6))),
        st.tuples(st.just("keys"), st.sampled_from(["#", "*", GOOD_PIN + "#", "12", "0000#"])),
        st.tuples(st.just("contact"), st.booleans()),
        st.tuples(st.just("rex"), st.none()),
        st.tuples(st.just("wait"), st.floats(0, 60, allow_nan=False)),
        st.tuples(st.just("tamper"), st.booleans()),
    ),
    max_size=40,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(actions, st.sampled_from(["card", "card_and_pin", "pin"]))
def test_station_invariants(steps, mode):
    clock = ManualClock()
    decisions = StubDecisions()
    decisions.pin_doors.add("D-1")
    recorder = Recorder()
    reader = SimulatedReader("R-1")
    station = DoorStation(DoorConfig("D-1", mode=mode, held_open_s=30), reader, decisions,
                          recorder, clock=clock)
    station.attach()
    reader.start()
    rex_presses = 0
    for action, arg in steps:
        if action == "good":
            reader.present_badge(42, 10231)
        elif action == "bad":
            reader.present_badge(7, arg)
        elif action == "raw":
            reader.present_card(*arg)
        elif action == "keys":
            reader.key_in(arg)
        elif action == "contact":
            reader.set_contact(arg)
        elif action == "rex":
            reader.press_rex()
            rex_presses += 1
        elif action == "wait":
            clock.advance(arg)
            station.tick()
        elif action == "tamper":
            reader.set_tamper(arg)

    events = recorder.events
    grants = [e for e in events if e.kind == "access.decision" and e.detail["decision"] == "grant"]
    # The strike moves only for a grant or a REX press, once each.
    assert len(reader.strike_pulses()) == len(grants) + rex_presses
    assert all(p == OutputPulse(0, 5000) for p in reader.strike_pulses())
    # Only the good card (with its PIN where one is needed) is ever granted.
    for grant in grants:
        assert grant.detail["credential"] in ("card h10301 42:10231", "pin")
    # No event ever carries a PIN.
    assert not any("pin" in e.detail for e in events)
    # Contact events alternate, and every alarm is raised while open and cleared on closing.
    is_open, alarm = False, None
    for event in events:
        if event.kind == "door.opened":
            assert not is_open
            is_open = True
        elif event.kind == "door.closed":
            assert is_open
            is_open = False
        elif event.kind in ("door.forced_open", "door.held_open"):
            assert is_open and alarm is None
            alarm = event.kind
        elif event.kind.endswith("_cleared") and event.kind.startswith("door."):
            assert not is_open and event.kind == f"{alarm}_cleared"
            alarm = None
    assert (alarm is not None) == station.door.in_alarm
