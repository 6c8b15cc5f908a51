"""The edge daemon against a live server: enrol, snapshot, local decisions, events into the
audit log, a revocation reaching the edge, and the doors working while the server is away.

Waits are bounded polls (never timed assertions): a condition either becomes true within a
generous bound or the test fails naming it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from vaultdoor.audit import testing as audit_testing

pytestmark = pytest.mark.django_db(transaction=True)

# Transactional tests end with a flush that the append-only audit triggers refuse unless the
# audit test plugin lets it through; make sure it is on however this file is run.
audit_testing.pytest_configure(None)

SITE_FILE = (Path(__file__).parents[2] / "vaultdoor" / "controllers" / "tests" / "data"
             / "example-site.yaml")


def wait_for(condition, what: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def server_site(transactional_db):
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.access.services.snapshots import clear_snapshot_cache
    from vaultdoor.controllers.services import compiler

    clear_snapshot_cache()
    compiler._site_at.cache_clear()
    import_site_text(SITE_FILE.read_text(), actor="test")
    yield
    clear_snapshot_cache()
    compiler._site_at.cache_clear()


@pytest.fixture
def edge_dir(server_site, live_server, tmp_path):
    """A controller for D-MAIN, D-VAULT and D-TRAINING, enrolled over HTTP."""
    from vaultdoor.controllers.services.enrolment import add_controller
    from vaultdoor.edge.store import EdgeStore
    from vaultdoor.edge.sync import enroll
    from vaultdoor.facilities.models import Site

    _, code = add_controller("ctl-1", site=Site.objects.get(code="northgate"),
                             doors=["D-MAIN", "D-VAULT", "D-TRAINING"], actor="test")
    enroll(live_server.url, code, EdgeStore(tmp_path / "edge"))
    return tmp_path / "edge"


@pytest.fixture
def daemon(edge_dir):
    from vaultdoor.edge.daemon import EdgeDaemon

    d = EdgeDaemon(edge_dir, long_poll_s=2.0, heartbeat_s=1.0, timeout_s=5.0)
    d.start()
    wait_for(lambda: d.controller.version >= 1, "the first snapshot")
    yield d
    d.stop()


def test_spent_code_cannot_enrol_a_second_unit(server_site, live_server, tmp_path):
    from vaultdoor.controllers.services.enrolment import add_controller
    from vaultdoor.edge.store import EdgeStore
    from vaultdoor.edge.sync import ServerRefused, enroll
    from vaultdoor.facilities.models import Site

    _, code = add_controller("ctl-9", site=Site.objects.get(code="northgate"),
                             doors=["D-LOCKERS"], actor="test")
    enroll(live_server.url, code, EdgeStore(tmp_path / "a"))
    with pytest.raises(ServerRefused) as refused:
        enroll(live_server.url, code, EdgeStore(tmp_path / "b"))
    assert refused.value.status == 403


def test_swipe_decides_locally_and_reaches_the_audit_log(daemon):
    from vaultdoor.audit.models import AuditEvent

    decision = daemon.swipe({"door": "D-MAIN", "card": "42:10231"})
    assert (decision["decision"], decision["person"]) == ("grant", "E1001")
    daemon.swipe({"door": "D-VAULT", "card": "42:10232", "pin": "7315"})
    rows = wait_for(
        lambda: list(AuditEvent.objects.filter(action="access.decision").order_by("seq")) or None,
        "decisions in the audit log",
    )
    wait_for(lambda: AuditEvent.objects.filter(action="access.decision").count() == 2,
             "both decisions in the audit log")
    rows = list(AuditEvent.objects.filter(action="access.decision").order_by("seq"))
    assert [r.context["person"] for r in rows] == ["E1001", "E1002"]
    assert rows[1].context["reason"] == "awaiting_second_person"
    assert "pin" not in rows[1].context
    wait_for(lambda: daemon.spool.depth == 0, "the spool to drain")


def test_local_socket(daemon):
    from vaultdoor.edge.daemon import request

    answer = request(daemon.store.root, {"op": "swipe", "door": "D-TRAINING", "pin": "4821"})
    assert answer["ok"] and answer["decision"]["person"] == "E1001"
    refused = request(daemon.store.root, {"op": "swipe", "door": "D-LOCKERS", "card": "42:1"})
    assert not refused["ok"] and "not driven" in refused["error"]


def test_revocation_reaches_the_edge(daemon):
    from vaultdoor.people.models import Card

    assert daemon.swipe({"door": "D-MAIN", "card": "42:10231"})["decision"] == "grant"
    card = Card.objects.get(facility=42, number=10231)
    card.status = "lost"
    card.save()
    wait_for(lambda: daemon.swipe({"door": "D-MAIN", "card": "42:10231"})["reason"]
             == "credential_inactive", "the lost card to be refused at the edge")


def test_doors_keep_working_without_the_server(edge_dir, live_server):
    from vaultdoor.edge.daemon import EdgeDaemon

    first = EdgeDaemon(edge_dir, long_poll_s=1.0)
    first.start()
    wait_for(lambda: first.controller.version >= 1, "the first snapshot")
    first.swipe({"door": "D-MAIN", "card": "42:10231"})  # E1001 into the lobby
    first.stop()
    # Restart pointing at a server that is not there: the cached, verified snapshot decides.
    offline = EdgeDaemon(edge_dir, long_poll_s=1.0, timeout_s=1.0)
    offline.client.base = "http://127.0.0.1:9/api/v1/controllers/"
    offline.start(socket=False)
    try:
        assert offline.controller.version >= 1
        # Who is where came back with the controller (anti-passback, occupancy).
        assert offline.controller.state.location("E1001") == "lobby"
        decision = offline.swipe({"door": "D-MAIN", "card": "42:10231"})
        assert decision["decision"] == "grant"
        assert offline.spool.depth >= 1  # kept for when the server is back
    finally:
        offline.stop()


def test_revoked_controller_is_refused(daemon):
    from vaultdoor.controllers.models import Controller
    from vaultdoor.controllers.services.enrolment import revoke_controller
    from vaultdoor.edge.sync import ServerRefused

    revoke_controller(Controller.objects.get(name="ctl-1"))
    with pytest.raises(ServerRefused) as refused:
        daemon.client.snapshot()
    assert refused.value.status == 401
