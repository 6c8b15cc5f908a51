"""The door state machine: grant windows, REX, held-open and forced-open, on a manual clock."""

from __future__ import annotations

import pytest

from vaultdoor.edge.doorio import DoorConfig, DoorMonitor, DoorPosition, ManualClock


def kinds(events):
    return [e.kind for e in events]


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def door(clock):
    return DoorMonitor(DoorConfig("D-1", grant_time_s=5, held_open_s=30), clock)


def test_opening_without_grant_is_forced_and_clears_on_close(door):
    assert kinds(door.contact(True)) == ["door.opened", "door.forced_open"]
    assert door.position is DoorPosition.FORCED_OPEN and door.in_alarm
    assert kinds(door.contact(False)) == ["door.closed", "door.forced_open_cleared"]
    assert door.position is DoorPosition.CLOSED and not door.in_alarm


def test_opening_within_grant_is_authorised(door, clock):
    door.grant("P-1")
    clock.advance(4.9)
    assert kinds(door.contact(True)) == ["door.opened"]
    assert door.position is DoorPosition.OPEN
    assert kinds(door.contact(False)) == ["door.closed"]


def test_opening_after_grant_window_is_forced(door, clock):
    door.grant("P-1")
    clock.advance(5.0)
    assert door.tick() == []
    assert kinds(door.contact(True)) == ["door.opened", "door.forced_open"]


def test_held_open_exactly_at_threshold_then_cleared(door, clock):
    door.grant()
    door.contact(True)
    clock.advance(29.9)
    assert door.tick() == []
    clock.advance(0.1)
    events = door.tick()
    assert kinds(events) == ["door.held_open"]
    assert events[0].detail["threshold_s"] == 30
    assert door.tick() == []  # raised once, not on every tick
    assert kinds(door.contact(False)) == ["door.closed", "door.held_open_cleared"]


def test_per_door_threshold(clock):
    door = DoorMonitor(DoorConfig("D-2", held_open_s=120), clock)
    door.grant()
    door.contact(True)
    clock.advance(119)
    assert door.tick() == []
    clock.advance(1)
    assert kinds(door.tick()) == ["door.held_open"]


def test_default_threshold_is_thirty_seconds():
    assert DoorConfig("D-3").held_open_s == 30


def test_rex_authorises_exit(door, clock):
    assert kinds(door.rex()) == ["door.rex"]
    clock.advance(1)
    assert kinds(door.contact(True)) == ["door.opened"]
    assert not door.in_alarm


def test_relocks_on_close(door, clock):
    door.grant()
    door.contact(True)
    door.contact(False)
    assert not door.released
    assert kinds(door.contact(True)) == ["door.opened", "door.forced_open"]


def test_grant_while_open_restarts_the_held_timer(door, clock):
    door.grant()
    door.contact(True)
    clock.advance(25)
    door.grant("P-2")
    clock.advance(25)
    assert door.tick() == []
    clock.advance(5)
    assert kinds(door.tick()) == ["door.held_open"]


def test_repeated_reports_are_ignored(door):
    door.grant()
    assert kinds(door.contact(True)) == ["door.opened"]
    assert door.contact(True) == []
    door.contact(False)
    assert door.contact(False) == []


def test_next_deadline(door, clock):
    assert door.next_deadline() is None
    door.grant()
    assert door.next_deadline() == 5
    door.contact(True)
    assert door.next_deadline() == 5
    clock.advance(5)
    door.tick()
    assert door.next_deadline() == 30


def test_events_carry_door_and_clock_time(door, clock):
    clock.advance(60)
    (opened, forced) = door.contact(True)
    assert opened.door == "D-1"
    assert opened.at == clock.now()
    assert forced.to_dict()["kind"] == "door.forced_open"


@pytest.mark.parametrize(
    "kwargs",
    [{"grant_time_s": 0}, {"grant_time_s": 30}, {"held_open_s": 0}, {"rex_input": 0}],
)
def test_bad_config_is_refused(kwargs):
    with pytest.raises(ValueError, match="D-9"):
        DoorConfig("D-9", **kwargs)
