"""The edge event spool: durable, ordered, hash-chained, acknowledged, never blocking."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from vaultdoor.edge.spool import Spool
from vaultdoor.engine.chain import ChainEvent, parse_time, verify_chain

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _chain(controller: str, events):
    for e in events:
        yield ChainEvent(
            seq=e.seq, at=parse_time(e.at), action=e.type, actor=f"controller:{controller}",
            target_type="door" if e.door else "", target_id=e.door,
            context={"id": e.id, **e.data}, prev_hash=e.prev_hash, hash=e.hash,
        )


@pytest.fixture
def spool(tmp_path):
    s = Spool(tmp_path / "spool.sqlite3", controller="ctl-1", clock=lambda: T0)
    yield s
    s.close()


def test_events_come_out_in_order_and_chain(spool):
    for i in range(10):
        spool.append("access.decision", door="D-MAIN", data={"n": i, "decision": "grant"})
    events = spool.pending(100)
    assert [e.seq for e in events] == list(range(1, 11))
    assert [e.data["n"] for e in events] == list(range(10))
    summary = verify_chain(_chain("ctl-1", events))
    assert summary.count == 10 and summary.head_hash == spool.head[1]


def test_ack_deletes_only_acknowledged(spool):
    for i in range(5):
        spool.append("reader.online", data={"n": i})
    assert spool.ack(3) == 3
    assert [e.seq for e in spool.pending()] == [4, 5]
    assert spool.depth == 2
    assert spool.ack(3) == 0  # a repeated ack is harmless


def test_survives_reopen_and_keeps_chaining(tmp_path):
    path = tmp_path / "spool.sqlite3"
    first = Spool(path, controller="ctl-1")
    first.append("a", data={})
    first.append("b", data={})
    first.ack(2)
    head = first.head
    first.close()
    again = Spool(path, controller="ctl-1")
    event = again.append("c", data={})
    assert event.seq == 3 and event.prev_hash == head[1]
    assert again.depth == 1
    again.close()


def test_wal_and_full_sync(spool):
    db = sqlite3.connect(spool.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    assert spool._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_full_spool_keeps_the_newest_and_alarms_once(tmp_path):
    spool = Spool(tmp_path / "s.sqlite3", controller="ctl-1", capacity=10)
    for i in range(30):
        spool.append("access.decision", data={"n": i})
    events = spool.pending(100)
    assert len(events) == 10
    assert spool.depth == 10
    assert events[-1].data == {"n": 29}
    assert [e.seq for e in events] == list(range(events[0].seq, events[0].seq + 10))
    assert spool.dropped > 0
    # One near-full alarm was written (it may since have been dropped as oldest).
    assert sum(1 for e in events if e.type == "spool.near_full") <= 1
    spool.close()


def test_near_full_alarm_is_spooled(tmp_path):
    spool = Spool(tmp_path / "s.sqlite3", controller="ctl-1", capacity=100)
    for i in range(90):
        spool.append("access.decision", data={"n": i})
    alarms = [e for e in spool.pending(1000) if e.type == "spool.near_full"]
    assert len(alarms) == 1 and alarms[0].data["capacity"] == 100
    spool.close()


def test_data_is_normalised_before_hashing(spool):
    event = spool.append("x", data={"t": (1, 2), "f": 2.0})
    assert event.data == {"t": [1, 2], "f": 2}
