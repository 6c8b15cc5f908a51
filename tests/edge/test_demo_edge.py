"""The demo's promise, checked end to end with real processes: `vaultdoor serve` and
`vaultdoor controller demo-edge` (as `make demo` starts them) on a seeded demo centre. Killing
the server leaves the demo doors deciding as before, and the events made meanwhile reach the
server's audit log once each, in order, when it is back; the audit chain verifies.

Slow (half a minute or more); `-m "not slow"` leaves it out.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from .test_fault import VAULTDOOR, Server, free_port, run, wait_for

pytestmark = pytest.mark.slow

CARDS = [f"42:{10001 + i}" for i in range(8)]
OFFLINE_SWIPES = 40


def test_demo_doors_work_without_the_server_and_their_events_arrive_later(tmp_path):
    from vaultdoor.edge.daemon import request

    data = tmp_path / "server"
    env = {**os.environ, "VAULTDOOR_DATA_DIR": str(data)}
    env.pop("VAULTDOOR_TEST_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run(env, "init")
    run(env, "demo", "seed", "--if-empty")
    port = free_port()
    server = Server(env, port)
    server.start()
    edge_dir = data / "edge"
    log = (tmp_path / "demo-edge.log").open("wb")
    edge = subprocess.Popen(  # our own command, as `make demo` runs it
        [VAULTDOOR, "controller", "demo-edge", "--server", f"http://127.0.0.1:{port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )

    def status() -> dict | None:
        try:
            answer = request(edge_dir, {"op": "status"}, timeout=5)
        except (ConnectionError, OSError, ValueError):
            return None
        return answer.get("status")

    def swipe(door: str, card: str) -> dict:
        answer = request(edge_dir, {"op": "swipe", "door": door, "card": card}, timeout=10)
        assert answer["ok"], answer
        return answer["decision"]

    try:
        wait_for(lambda: (status() or {}).get("snapshot_version", 0) >= 1,
                 "the demo controller to enrol and install its snapshot", 180)
        doors = status()["doors"]
        assert doors
        online = {(door, card): swipe(door, card) for door in doors[:3] for card in CARDS}
        # Decided from the snapshot (whatever the demo's schedules say at this hour).
        assert not {d["reason"] for d in online.values()} & {
            "no_snapshot", "offline_fail_secure", "offline_fail_safe", "unknown_door"}
        wait_for(lambda: status()["spool_depth"] == 0, "the online events to be forwarded", 60)

        server.kill()
        pairs = list(online)
        offline = []
        for i in range(OFFLINE_SWIPES):
            door, card = pairs[i % len(pairs)]
            decision = swipe(door, card)
            # The doors decide as they did online, from the cached snapshot, not by failure mode.
            assert (decision["decision"], decision["reason"]) == (
                online[(door, card)]["decision"], online[(door, card)]["reason"])
            offline.append(decision)
        assert status()["spool_depth"] >= OFFLINE_SWIPES

        server.start()
        wait_for(lambda: (status() or {}).get("spool_depth") == 0,
                 "the offline events to reach the restarted server", 180)
    finally:
        os.killpg(edge.pid, signal.SIGTERM)
        try:
            edge.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(edge.pid, signal.SIGKILL)
        server.kill()
        log.close()

    out = tmp_path / "audit.jsonl"
    run(env, "audit", "export", str(out))
    assert run(env, "audit", "verify").startswith("ok:")
    events = [json.loads(line) for line in out.read_text().splitlines()]
    decisions = [e for e in events if e.get("type") == "event"
                 and e.get("action") == "access.decision"
                 and e.get("actor") == "controller:demo-edge"]
    seqs = [e["context"]["edge_seq"] for e in decisions]
    assert len(decisions) == len(online) + OFFLINE_SWIPES
    assert len({e["context"]["event_id"] for e in decisions}) == len(decisions)
    assert seqs == sorted(seqs)
    # The last ones are the offline swipes, in the order they were made.
    tail = decisions[-OFFLINE_SWIPES:]
    assert [(e["target_id"], e["context"]["reason"]) for e in tail] == [
        (d["door"], d["reason"]) for d in offline]
    assert Path(edge_dir, "spool.sqlite3").exists()
