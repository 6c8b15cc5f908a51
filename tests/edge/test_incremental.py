"""A people-only delta patches the compiled snapshot; it must decide exactly like a full
compile of the same state."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultdoor.edge.controller import EdgeController
from vaultdoor.edge.wire import SiteState
from vaultdoor.engine import MemoryState, PinHasher, compile_site, decide, parse_swipe

from .test_edge_decisions import header, state
from .test_sync import PIN_KEY, example_site

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CARDS = [("h10301", 42, n) for n in (10231, 10232, 10234, 10235, 10236, 10901, 10902)] + [
    ("h10304", 1042, 300001)]
DOORS = ["D-MAIN", "D-VAULT", "D-LOCKERS", "D-FLOOR-1", "D-TRAINING", "D-STAIRS-B"]
HASHER = PinHasher(PIN_KEY)

person_changes = st.fixed_dictionaries({
    "person": st.sampled_from(["E1001", "E1002", "E1003", "E1004", "E1005", "E1006", "C2001"]),
    "status": st.sampled_from(["active", "suspended", "terminated"]),
    "card_status": st.sampled_from(["active", "lost", "revoked"]),
    "vetting": st.sampled_from(["cleared", "pending", "adverse"]),
    "drop": st.booleans(),
})


def change(site, edits):
    people = list(site.people)
    for edit in edits:
        for i, p in enumerate(people):
            if p.id != edit["person"]:
                continue
            if edit["drop"]:
                people.pop(i)
                break
            cards = tuple(dataclasses.replace(c, status=edit["card_status"]) for c in p.cards)
            people[i] = dataclasses.replace(
                p, status=edit["status"], cards=cards,
                vetting=dataclasses.replace(p.vetting, status=edit["vetting"]))
            break
    return dataclasses.replace(site, people=tuple(people))


def decisions(snapshot, pins=("4821", "7315", "2290", None)):
    out = []
    for fmt, facility, number in CARDS:
        for door in DOORS:
            for pin in pins:
                swipe = {"at": NOW.isoformat(), "door": door, "pin": pin,
                         "card": {"format": fmt, "facility": facility, "number": number}}
                parsed = parse_swipe({k: v for k, v in swipe.items() if v is not None},
                                     snapshot)
                out.append(decide(snapshot, MemoryState(), parsed, HASHER).to_dict())
    for pin in ("4821", "5550", "0000"):
        parsed = parse_swipe({"at": NOW.isoformat(), "door": "D-TRAINING", "pin": pin}, snapshot)
        out.append(decide(snapshot, MemoryState(), parsed, HASHER).to_dict())
    return out


@settings(max_examples=25, deadline=None)
@given(st.lists(person_changes, min_size=1, max_size=4))
def test_patched_snapshot_decides_like_a_full_compile(edits):
    site = example_site()
    ctl = EdgeController(pin_hasher=HASHER, last_contact=NOW)
    first = state(site)
    ctl.install(first, header(1))
    newer = state(change(site, edits))
    via_delta = first.apply(first.diff(newer))  # as the synchroniser makes it
    assert via_delta.fingerprint() == newer.fingerprint()
    ctl.install(via_delta, header(2))
    scanned = EdgeController(pin_hasher=HASHER, last_contact=NOW)
    scanned.install(first, header(1))
    scanned.install(newer, header(2))  # no delta at hand: found by comparing states
    full = compile_site(SiteState.from_payload(json.loads(json.dumps(newer.to_payload())))
                        .to_site(), version=2)
    assert ctl.snapshot.site is not full.site
    assert decisions(ctl.snapshot) == decisions(full)
    assert decisions(scanned.snapshot) == decisions(full)


def test_a_people_change_takes_the_patch_path(monkeypatch):
    import vaultdoor.edge.controller as controller_module

    calls = []
    real = controller_module.compile_site
    monkeypatch.setattr(controller_module, "compile_site",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    site = example_site()
    ctl = EdgeController(pin_hasher=HASHER, last_contact=NOW)
    ctl.install(state(site), header(1))
    ctl.install(state(change(site, [{"person": "E1001", "status": "suspended",
                                     "card_status": "active", "vetting": "cleared",
                                     "drop": False}])), header(2))
    assert calls == [1]  # only the first, full install compiled the site
    assert ctl.version == 2


def test_other_changes_compile_the_whole_site(monkeypatch):
    import vaultdoor.edge.controller as controller_module

    calls = []
    real = controller_module.compile_site
    monkeypatch.setattr(controller_module, "compile_site",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    site = example_site()
    ctl = EdgeController(pin_hasher=HASHER, last_contact=NOW)
    ctl.install(state(site), header(1))
    doors = tuple(dataclasses.replace(d, mode="locked") if d.id == "D-MAIN" else d
                  for d in site.doors)
    ctl.install(state(dataclasses.replace(site, doors=doors)), header(2))
    assert calls == [1, 1]


def test_the_edge_keeps_people_only_in_compiled_form():
    """Installed and patched snapshots hold no engine `Person` trees (memory), yet decide
    like a full compile that does."""
    site = example_site()
    ctl = EdgeController(pin_hasher=HASHER, last_contact=NOW)
    first = state(site)
    ctl.install(first, header(1))
    assert ctl.snapshot.site.people == ()
    assert set(ctl.snapshot.people) == {p.id for p in site.people}
    assert "people" not in first.parsed or not first.parsed["people"]
    edits = [{"person": "E1002", "status": "active", "card_status": "lost",
              "vetting": "cleared", "drop": False},
             {"person": "E1003", "status": "active", "card_status": "active",
              "vetting": "cleared", "drop": True}]
    newer = state(change(site, edits))
    ctl.install(first.apply(first.diff(newer)), header(2))
    assert ctl.snapshot.site.people == ()
    assert "E1003" not in ctl.snapshot.people
    assert decisions(ctl.snapshot) == decisions(compile_site(newer.to_site(), version=2))
