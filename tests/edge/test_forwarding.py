"""The forwarder and a batch the server refuses whole: halves until the events before the
bad one are through, and the bad one stays at the head of the spool (never dropped)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from vaultdoor.edge.daemon import EdgeDaemon
from vaultdoor.edge.store import EdgeConfig, EdgeStore
from vaultdoor.edge.sync import ServerRefused


class FussyServer:
    """Refuses (400) a batch of more than `limit` events, or any holding a 'bad' event."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.stored: list[int] = []
        self.calls: list[int] = []

    def post_events(self, events, status):
        self.calls.append(len(events))
        if len(events) > self.limit:
            raise ServerRefused(400, "request body too large")
        if any(e["data"].get("bad") for e in events):
            raise ServerRefused(400, "events[0]: hash does not match its content")
        self.stored += [e["seq"] for e in events]
        return {"acked": events[-1]["seq"]}


@pytest.fixture
def daemon(tmp_path):
    store = EdgeStore(tmp_path / "edge")
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    store.save_enrolment(EdgeConfig(server="http://127.0.0.1:9", controller="ctl-1", site="hq",
                                    doors=("D-MAIN",), server_key=base64.b64encode(raw).decode(),
                                    server_key_id="i"),
                         token="vdc_x", pin_key=b"p" * 32)
    d = EdgeDaemon(tmp_path / "edge", batch=8)
    yield d
    d.spool.close()
    d.door_state.close()


def drain(daemon, rounds=100):
    for _ in range(rounds):
        try:
            daemon.forward_once()
        except ServerRefused:
            return True
        if not daemon.spool.depth:
            return False
    raise AssertionError("the forwarder made no progress")


def test_a_too_large_batch_is_sent_in_smaller_ones_then_grows_again(daemon):
    server = FussyServer(limit=3)
    daemon.client = server
    for n in range(20):
        daemon.spool.append("access.decision", door="D-MAIN", data={"n": n})
    assert drain(daemon) is False
    assert server.stored == list(range(1, 21))  # each once, in order
    assert max(server.calls) == 8 and any(c <= 3 for c in server.calls)
    for n in range(3):
        daemon.spool.append("access.decision", door="D-MAIN", data={"n": n})
    server.limit = 100
    drain(daemon)
    assert server.calls[-1] == 3  # the size came back up


def test_events_before_a_bad_one_arrive_and_the_bad_one_stays(daemon):
    server = FussyServer(limit=100)
    daemon.client = server
    for n in range(10):
        daemon.spool.append("access.decision", door="D-MAIN", data={"n": n, "bad": n == 6})
    assert drain(daemon) is True  # finally refused with a single event
    assert server.stored == [1, 2, 3, 4, 5, 6]
    assert [e.seq for e in daemon.spool.pending(100)] == [7, 8, 9, 10]
    assert server.calls[-1] == 1
