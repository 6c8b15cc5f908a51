"""Snapshot sync at the edge: signed, versioned, refused when tampered or replayed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vaultdoor.edge.envelope import (
    BadSignature,
    SnapshotRefused,
    key_id,
    public_key_text,
    sign_update,
)
from vaultdoor.edge.store import EdgeConfig, EdgeStore
from vaultdoor.edge.sync import ChainGap, ReplayedSnapshot, Synchroniser
from vaultdoor.edge.wire import SiteState
from vaultdoor.engine import PinHasher, load_site

SITE_FILE = (Path(__file__).parents[2] / "vaultdoor" / "controllers" / "tests" / "data"
             / "example-site.yaml")
PIN_KEY = b"k" * 32
SETTINGS = {"name": "ctl-1", "offline_grace_s": 604800,
            "failure_modes": {"D-MAIN": "safe", "D-VAULT": "safe"}}


def example_site():
    return load_site(SITE_FILE.read_text(), pin_hasher=PinHasher(PIN_KEY))


def with_person_status(site, person_id: str, status: str):
    people = tuple(dataclasses.replace(p, status=status) if p.id == person_id else p
                   for p in site.people)
    return dataclasses.replace(site, people=people)


class FakeServer:
    """Builds the signed chain the way the server does (full snapshots and deltas)."""

    def __init__(self, controller: str = "ctl-1", key: Ed25519PrivateKey | None = None):
        self.key = key or Ed25519PrivateKey.generate()
        self.controller = controller
        self.version = 0
        self.state: SiteState | None = None
        self.delta_log: dict[int, dict] = {}
        self.full_updates: dict[int, dict] = {}

    def publish(self, site) -> None:
        state = SiteState.from_site(site, controller=SETTINGS)
        prev, self.version = self.version, self.version + 1
        common = dict(controller=self.controller, version=self.version, prev_version=prev,
                      fingerprint=state.fingerprint(), issued_at="2026-12-01T08:00:00+00:00")
        if self.state is not None:
            self.delta_log[self.version] = sign_update(
                self.key, kind="delta", payload=self.state.diff(state), **common).to_dict()
        self.full_updates[self.version] = sign_update(
            self.key, kind="full", payload=state.to_payload(), **common).to_dict()
        self.state = state

    # the client interface the synchroniser calls
    def snapshot(self):
        return self.full_updates[self.version]

    def deltas_since(self, since: int):
        return [self.delta_log[v] for v in range(since + 1, self.version + 1)]

    def deltas(self, since: int, wait: float = 0.0):
        return {"version": self.version, "updates": self.deltas_since(since)}


@pytest.fixture
def server():
    s = FakeServer()
    s.publish(example_site())
    return s


@pytest.fixture
def store(tmp_path, server):
    store = EdgeStore(tmp_path)
    config = EdgeConfig(server="http://server.invalid", controller="ctl-1", site="northgate",
                        doors=("D-MAIN", "D-VAULT"),
                        server_key=public_key_text(server.key.public_key()),
                        server_key_id=key_id(server.key.public_key()))
    store.save_enrolment(config, token="vdc_x", pin_key=PIN_KEY)
    return store


@pytest.fixture
def installed():
    return []


@pytest.fixture
def sync(store, server, installed):
    return Synchroniser(store, store.config(), server,
                        install=lambda state, header: installed.append(header.version))


def test_full_snapshot_then_deltas(sync, server, installed):
    assert sync.sync_once() == 1
    assert sync.version == 1
    server.publish(with_person_status(example_site(), "E1001", "suspended"))
    assert sync.sync_once() == 1
    assert sync.version == 2 and installed == [1, 2]
    person = json.loads(sync.state.entities["people"]["E1001"])
    assert person["status"] == "suspended"


def test_delta_carries_only_the_change(server):
    server.publish(with_person_status(example_site(), "E1001", "suspended"))
    payload = server.delta_log[2]["payload"]
    assert list(payload["upsert"]) == ["people"]
    assert [p["id"] for p in payload["upsert"]["people"]] == ["E1001"]
    assert payload["remove"] == {}


def test_tampered_payload_is_refused(sync, server):
    update = json.loads(json.dumps(server.snapshot()))
    people = update["payload"]["entities"]["people"]
    person = json.loads(people["E1006"])
    person["status"] = "active"  # the suspended night agent, active again
    people["E1006"] = json.dumps(person)
    with pytest.raises(SnapshotRefused, match="altered"):
        sync.apply(update)
    assert sync.version == 0


def test_tampered_header_is_refused(sync, server):
    update = dict(server.snapshot(), version=99)
    with pytest.raises(BadSignature):
        sync.apply(update)


def test_snapshot_signed_by_another_key_is_refused(sync, store):
    forger = FakeServer(key=Ed25519PrivateKey.generate())
    forger.publish(example_site())
    with pytest.raises(BadSignature):
        sync.apply(forger.snapshot())


def test_snapshot_for_another_controller_is_refused(sync, server):
    other = FakeServer(controller="ctl-2", key=server.key)
    other.publish(example_site())
    with pytest.raises(SnapshotRefused, match="ctl-2"):
        sync.apply(other.snapshot())


def test_replayed_older_snapshot_is_refused(sync, server):
    old = server.snapshot()
    sync.apply(old)
    server.publish(with_person_status(example_site(), "E1001", "suspended"))
    sync.sync_once()
    with pytest.raises(ReplayedSnapshot):
        sync.apply(old)
    assert sync.version == 2


def test_replayed_delta_is_refused(sync, server):
    sync.apply(server.snapshot())
    server.publish(with_person_status(example_site(), "E1001", "suspended"))
    delta = server.delta_log[2]
    sync.apply(delta)
    with pytest.raises(ReplayedSnapshot):
        sync.apply(delta)


def test_replay_is_refused_after_a_restart(store, server, sync):
    old = server.snapshot()
    sync.apply(old)
    server.publish(with_person_status(example_site(), "E1001", "suspended"))
    sync.sync_once()
    again = Synchroniser(store, store.config(), server, install=lambda s, h: None)
    assert again.load_cached() and again.version == 2
    with pytest.raises(ReplayedSnapshot):
        again.apply(old)


def test_a_gap_resynchronises_with_a_full_snapshot(sync, server):
    sync.apply(server.snapshot())
    site = example_site()
    server.publish(with_person_status(site, "E1001", "suspended"))
    server.publish(with_person_status(site, "E1002", "suspended"))
    with pytest.raises(ChainGap):
        sync.apply(server.delta_log[3])  # skips version 2
    # The next round notices the gap itself and takes the full snapshot.
    server.deltas_since = lambda since: [server.delta_log[3]]
    sync.sync_once()
    assert sync.version == 3
    assert sync.state.fingerprint() == server.state.fingerprint()


def test_a_delta_that_does_not_produce_the_signed_state_is_refused(sync, server):
    sync.apply(server.snapshot())
    state = server.state
    newer = SiteState.from_site(with_person_status(example_site(), "E1001", "suspended"),
                                controller=SETTINGS)
    wrong = sign_update(server.key, controller="ctl-1", kind="delta", version=2, prev_version=1,
                        fingerprint=state.fingerprint(),  # the fingerprint of the OLD state
                        issued_at="2026-12-01T08:00:00+00:00", payload=state.diff(newer))
    with pytest.raises(SnapshotRefused, match="fingerprint"):
        sync.apply(wrong.to_dict())


def _edit_cached_person(store, person_id, **changes):
    import sqlite3

    db = sqlite3.connect(store.snapshot_path)
    (text,) = db.execute("SELECT text FROM snapshot_entities WHERE coll = 'people' AND id = ?",
                         (person_id,)).fetchone()
    person = {**json.loads(text), **changes}
    db.execute("UPDATE snapshot_entities SET text = ? WHERE coll = 'people' AND id = ?",
               (json.dumps(person), person_id))
    db.commit()
    db.close()


def _reload(store, server):
    notes = []
    again = Synchroniser(store, store.config(), server, install=lambda s, h: None,
                         record=lambda t, d: notes.append(t))
    return again.load_cached(), notes, again


def test_edited_cache_on_disk_is_refused(sync, server, store):
    sync.apply(server.snapshot())
    assert _reload(store, server)[0] is True
    _edit_cached_person(store, "E1001", access_levels=["it-vault"])
    loaded, notes, _ = _reload(store, server)
    assert loaded is False
    assert notes == ["snapshot.refused"]


def test_a_delta_rewrites_only_what_it_changed_in_the_cache(sync, server, store):
    sync.apply(server.snapshot())
    # Mark an entity the coming delta does not touch: an incremental write leaves it as it
    # is (so the cache is refused when read back); a full rewrite would have cleaned it.
    _edit_cached_person(store, "E1002", name="marker")
    server.publish(with_person_status(example_site(), "E1001", "suspended"))
    sync.sync_once()
    assert sync.version == 2
    assert _reload(store, server)[0] is False
    # Untouched, an incremental cache reads back as exactly the signed state.
    server.publish(with_person_status(example_site(), "E1001", "active"))
    fresh = Synchroniser(store, store.config(), server, install=lambda s, h: None)
    assert fresh.sync_once() >= 1  # nothing held: the full snapshot, written whole
    server.publish(with_person_status(example_site(), "E1003", "suspended"))
    assert fresh.sync_once() == 1  # a delta on top of it, written incrementally
    loaded, notes, again = _reload(store, server)
    assert (loaded, notes) == (True, [])
    assert again.version == server.version
    assert again.state.fingerprint() == server.state.fingerprint()


def test_a_cache_from_before_sqlite_is_read_then_replaced(sync, server, store):
    from vaultdoor.edge.envelope import SignedHeader

    sync.apply(server.snapshot())
    header = SignedHeader.from_dict(server.snapshot())
    body = {"header": header.to_dict(), "state": server.state.to_payload()}
    store._forget_snapshot()
    store.legacy_snapshot_path.write_text(json.dumps(body))
    loaded, _, again = _reload(store, server)
    assert loaded is True and again.version == 1
    server.publish(with_person_status(example_site(), "E1001", "suspended"))
    again.sync_once()
    assert not store.legacy_snapshot_path.exists() and store.snapshot_path.exists()
    assert _reload(store, server)[2].version == 2


def test_an_entity_under_another_id_is_refused(sync, server):
    # Even signed by the server: a text filed under an id it does not carry is not installed.
    state = server.state
    texts = dict(state.entities["people"])
    texts["E1001"], texts["E1002"] = texts["E1002"], texts["E1001"]
    swapped = SiteState(header=state.header, entities={**state.entities, "people": texts})
    update = sign_update(server.key, controller="ctl-1", kind="full", version=5,
                         prev_version=0, fingerprint=swapped.fingerprint(),
                         issued_at="2026-12-01T08:00:00+00:00", payload=swapped.to_payload())
    sync.install = lambda st, h: st.to_site()
    with pytest.raises(SnapshotRefused, match="does not carry this id"):
        sync.apply(update.to_dict())


def test_wire_round_trip_keeps_the_site(server):
    site = example_site()
    state = SiteState.from_site(site, controller=SETTINGS)
    back = SiteState.from_payload(json.loads(json.dumps(state.to_payload())))
    assert back.fingerprint() == state.fingerprint()
    rebuilt = back.to_site()
    assert {p.id: p for p in rebuilt.people} == {p.id: p for p in site.people}
    assert {d.id for d in rebuilt.doors} == {d.id for d in site.doors}


def test_the_snapshot_cache_is_owner_only(sync, server, store):
    sync.apply(server.snapshot())
    server.publish(with_person_status(example_site(), "E1001", "suspended"))
    sync.sync_once()
    files = [p for p in store.root.iterdir() if p.name.startswith("snapshot.sqlite3")]
    assert store.snapshot_path in files
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {"0o600"}
