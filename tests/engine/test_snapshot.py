"""The compiled snapshot: immutable, indexed, fingerprinted."""

from __future__ import annotations

import dataclasses

import pytest

from tests.engine.sites import HASHER, base, load, person, snapshot
from vaultdoor.engine import MemoryState, compile_site


def test_snapshot_is_immutable() -> None:
    snap = snapshot()
    with pytest.raises(AttributeError):
        snap.version = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        snap.doors["D-NEW"] = snap.doors["D-IN"]  # type: ignore[index]
    assert not hasattr(snap.cards, "clear")
    with pytest.raises(AttributeError):
        snap.people["P1"].active = False  # type: ignore[misc]
    with pytest.raises((AttributeError, dataclasses.FrozenInstanceError)):
        snap.doors["D-IN"].mode = "unlocked"  # type: ignore[misc]
    assert isinstance(snap.holidays, frozenset)


def test_indexes() -> None:
    snap = snapshot()
    assert snap.cards[("h10301", 1, 1)].person.id == "P1"
    assert snap.cards[("h10304", 1000, 300000)].person.id == "P3"
    assert snap.pins[HASHER.digest("2222")].id == "P2"  # type: ignore[union-attr]
    assert snap.people["DAY"].zone_schedules == {"lobby": ("office",), "office": ("office",)}
    assert snap.doors["D-VAULT"].to_zone.id == "vault"
    assert snap.schedules["office"].closed_on_holidays


def test_people_with_the_same_levels_share_one_table() -> None:
    data = base()
    data["people"][1]["access_levels"] = ["day"]
    data["people"][2]["access_levels"] = ["day"]
    snap = snapshot(data)
    assert snap.people["P1"].zone_schedules is snap.people["P4"].zone_schedules
    assert snap.people["P2"].zone_schedules is snap.people["P3"].zone_schedules
    assert snap.people["P1"].zone_schedules is not snap.people["P2"].zone_schedules
    assert snap.people["P2"].zone_schedules["office"] == ("always", "office")


def test_levels_without_a_role_and_nothing_at_all() -> None:
    data = base()
    data["people"].append({"id": "N", "name": "Nobody", "kind": "visitor", "status": "active"})
    snap = snapshot(data)
    assert dict(snap.people["N"].zone_schedules) == {}
    assert dict(snap.people["DAY"].zone_schedules) == {"lobby": ("office",), "office": ("office",)}


def test_no_pin_index_without_a_keypad_door() -> None:
    data = base()
    data["doors"] = [d for d in data["doors"] if d.get("mode") != "pin"]
    assert len(snapshot(data).pins) == 0


def test_fingerprint_is_stable_and_content_sensitive() -> None:
    first = snapshot()
    assert first.fingerprint == snapshot().fingerprint
    assert len(first.fingerprint) == 64
    data = base()
    person(data, "P1")["status"] = "suspended"
    assert snapshot(data).fingerprint != first.fingerprint


def test_version_is_the_callers_revision() -> None:
    site = load(base())
    assert compile_site(site).version == 0
    assert compile_site(site, version=7).version == 7
    assert "v7" in repr(compile_site(site, version=7))


def test_memory_state_counts() -> None:
    state = MemoryState()
    assert state.location("x") == "outside"
    state.move("x", "lobby")
    state.move("y", "lobby")
    state.move("x", "lobby")
    assert state.occupancy("lobby") == 2
    state.move("x", "office")
    assert (state.occupancy("lobby"), state.occupancy("office")) == (1, 1)
    state.move("x", "outside")
    assert state.occupancy("office") == 0
    assert state.location("x") == "outside"


def test_fingerprint_ignores_the_order_of_lists() -> None:
    data = base()
    data["people"].reverse()
    data["zones"].reverse()
    data["access_levels"][0]["zones"].reverse()
    assert snapshot(data).fingerprint == snapshot().fingerprint


def test_people_compiler_matches_compile_site() -> None:
    from vaultdoor.engine.snapshot import PeopleCompiler

    site = load(base())
    snap = compile_site(site)
    compiler = PeopleCompiler(site)
    for someone in site.people:
        compiled = compiler.person(someone)
        assert compiled == snap.people[someone.id]
        for key, entry in compiler.card_entries(someone, compiled):
            assert entry == snap.cards[key]
