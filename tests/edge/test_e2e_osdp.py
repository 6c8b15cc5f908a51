"""End to end: a real libosdp PeripheralDevice is the reader at D-MAIN. A card read at the
reader reaches the edge over OSDP (secure channel, in-memory link), the edge decides from its
signed snapshot, the reader gets its strike and LED commands, and the decision appears in the
server's audit log."""

from __future__ import annotations

import osdp
import pytest

from vaultdoor.edge.doorio import DoorConfig, DoorStation
from vaultdoor.engine.cards import encode

from .test_daemon import edge_dir, server_site, wait_for  # noqa: F401 - fixtures
from .test_osdp import Link

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def osdp_daemon(edge_dir, tmp_path):  # noqa: F811 - the imported fixture
    from vaultdoor.edge.daemon import EdgeDaemon

    daemon = EdgeDaemon(edge_dir, long_poll_s=2.0, heartbeat_s=1.0, timeout_s=5.0)
    link = Link(tmp_path)
    try:
        daemon.start(socket=False)
        wait_for(lambda: daemon.controller.version >= 1, "the first snapshot")
        link.start()  # online, secure channel up (the link's own sink sees it)
        # Then the door station takes over as the reader's sink, as the daemon's would.
        station = DoorStation(DoorConfig("D-MAIN", mode="card"), link.reader,
                              daemon._decide, daemon._record)
        station.attach()
        daemon.stations["D-MAIN"] = station
        yield daemon, link
    finally:
        link.close()
        daemon.stop()


def test_card_at_an_osdp_reader_is_decided_at_the_edge_and_audited(osdp_daemon):
    from vaultdoor.audit.models import AuditEvent

    _daemon, link = osdp_daemon
    link.fake.present_card(*encode("h10301", 42, 10231))
    (pulse,) = link.fake.wait_for(osdp.Command.Output)
    assert pulse["output_no"] == 0 and pulse["timer_count"] > 0  # the strike, for grant time
    leds = link.fake.wait_for(osdp.Command.LED)
    assert leds[0]["on_color"] == osdp.CommandLEDColor.Green
    wait_for(lambda: AuditEvent.objects.filter(action="access.decision").exists(),
             "the decision in the audit log")
    event = AuditEvent.objects.get(action="access.decision")
    assert event.actor == "controller:ctl-1"
    assert (event.context["person"], event.context["decision"]) == ("E1001", "grant")
    assert event.context["presented"] == "card h10301 42:10231"


def test_an_unknown_card_is_refused_at_the_reader(osdp_daemon):
    _daemon, link = osdp_daemon
    link.fake.present_card(*encode("h10301", 7, 7))
    leds = link.fake.wait_for(osdp.Command.LED)
    assert leds[0]["on_color"] == osdp.CommandLEDColor.Red
    assert not link.fake.received(osdp.Command.Output)  # no strike
