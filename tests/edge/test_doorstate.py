"""The edge's door state survives a restart: locations, occupancy and two-person waits are
read back from `<data dir>/doorstate.sqlite3` exactly as they were."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultdoor.edge.controller import EdgeController
from vaultdoor.edge.doorstate import EdgeDoorState, StateFileError
from vaultdoor.engine import MemoryState, Pending, PinHasher
from vaultdoor.engine.model import OUTSIDE

from .test_edge_decisions import NOW, Clock, header, state, swipe
from .test_sync import PIN_KEY

PEOPLE = ["E1", "E2", "E3", "C1"]
ZONES = [OUTSIDE, "lobby", "vault", "call-floor-1"]
DOORS = ["D-MAIN", "D-VAULT"]

operations = st.lists(st.one_of(
    st.tuples(st.just("move"), st.sampled_from(PEOPLE), st.sampled_from(ZONES)),
    st.tuples(st.just("pending"), st.sampled_from(DOORS),
              st.one_of(st.none(), st.tuples(st.sampled_from(PEOPLE),
                                             st.integers(min_value=0, max_value=10**6)))),
), max_size=40)


def apply(target, ops):
    for op in ops:
        if op[0] == "move":
            target.move(op[1], op[2])
        else:
            _, door, waiting = op
            target.set_pending(door, None if waiting is None else Pending(
                waiting[0], NOW + dt.timedelta(microseconds=waiting[1])))


def snapshot_of(target):
    return ({p: target.location(p) for p in PEOPLE}, {z: target.occupancy(z) for z in ZONES},
            {d: target.pending(d) for d in DOORS})


@settings(max_examples=40, deadline=None)
@given(operations, operations)
def test_reopened_state_is_the_state_that_was_written(tmp_path_factory, first, second):
    path = tmp_path_factory.mktemp("state") / "doorstate.sqlite3"
    memory = MemoryState()
    saved = EdgeDoorState(path)
    apply(memory, first)
    apply(saved, first)
    assert snapshot_of(saved) == snapshot_of(memory)
    saved.close()
    again = EdgeDoorState(path)  # a restart
    assert snapshot_of(again) == snapshot_of(memory)
    apply(memory, second)
    apply(again, second)
    again.close()
    assert snapshot_of(EdgeDoorState(path)) == snapshot_of(memory)


def test_decisions_after_a_restart_remember_who_is_where(tmp_path):
    """Soft anti-passback on call floor 1: entering it again without having left is flagged,
    also when the controller restarted in between."""
    path = tmp_path / "doorstate.sqlite3"
    modes = {"D-MAIN": "secure", "D-FLOOR-1": "secure"}

    def controller(door_state):
        ctl = EdgeController(pin_hasher=PinHasher(PIN_KEY), clock=Clock(NOW),
                             last_contact=NOW, state=door_state)
        ctl.install(state(modes=modes), header())
        return ctl

    first = controller(EdgeDoorState(path))
    entered = first.decide(swipe("D-FLOOR-1"))
    assert (entered["decision"], entered["warnings"]) == ("grant", [])
    first.state.close()
    restarted = controller(EdgeDoorState(path))
    assert restarted.state.location("E1001") == "call-floor-1"
    assert restarted.state.occupancy("call-floor-1") == 1
    again = restarted.decide(swipe("D-FLOOR-1"))
    forgetful = controller(MemoryState())  # what a restart used to give
    fresh = forgetful.decide(swipe("D-FLOOR-1"))
    assert again["decision"] == fresh["decision"] == "grant"
    assert again["warnings"] == ["anti_passback"]
    assert fresh["warnings"] == []


def test_an_unreadable_state_file_is_one_clear_error(tmp_path):
    path = tmp_path / "doorstate.sqlite3"
    path.write_bytes(b"not a database" * 100)
    try:
        EdgeDoorState(path)
    except StateFileError as exc:
        assert str(path) in str(exc)
    else:
        raise AssertionError("a garbage state file was accepted")


def test_enrolling_another_controller_forgets_the_state_the_same_one_keeps_it(tmp_path):
    from vaultdoor.edge.store import EdgeConfig, EdgeStore

    store = EdgeStore(tmp_path / "edge")

    def enrol(controller: str) -> None:
        store.save_enrolment(EdgeConfig(server="http://s", controller=controller, site="hq",
                                        doors=("D-MAIN",), server_key="k", server_key_id="i"),
                             token="vdc_x", pin_key=b"p" * 32)

    def someone_inside() -> str:
        door_state = EdgeDoorState(store.doorstate_path)
        try:
            return door_state.location("E1")
        finally:
            door_state.close()

    enrol("ctl-1")
    door_state = EdgeDoorState(store.doorstate_path)
    door_state.move("E1", "lobby")
    door_state.close()
    enrol("ctl-1")  # a new credential for the same unit
    assert someone_inside() == "lobby"
    enrol("ctl-2")  # the unit now serves another controller
    assert someone_inside() == OUTSIDE
