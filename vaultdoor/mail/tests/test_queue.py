"""The disk queue and the processing step: durable, idempotent, never silently dropping."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from vaultdoor.mail.gateway import DiskQueue, Entry, GatewayConfig, parse_hostport
from vaultdoor.mail.gateway.queue import QueueError, new_id

from .conftest import ORG
from .test_gateway import PHISH, newsletter


def test_entry_round_trip_and_ids_sort_by_arrival(tmp_path):
    queue = DiskQueue(tmp_path)
    first, second = new_id(), new_id()
    assert first < second
    path = queue.put_incoming(Entry(id=first, mail_from="a@x.example", rcpt_tos=["b@y.example"],
                                    data=b"Subject: hi\r\n\r\nbody\r\n", smtputf8=True))
    entry = DiskQueue.read(path)
    assert entry.rcpt_tos == ["b@y.example"] and entry.smtputf8
    assert entry.data == b"Subject: hi\r\n\r\nbody\r\n"
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing half-written left behind
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_broken_entry_is_refused_with_a_clear_error(tmp_path):
    queue = DiskQueue(tmp_path)
    bad = tmp_path / "incoming" / "broken"
    bad.write_bytes(b"not json\nrest")
    with pytest.raises(QueueError, match="broken envelope"):
        DiskQueue.read(bad)
    assert queue.move_to_failed(bad).parent.name == "failed"


def test_parse_hostport():
    assert parse_hostport("127.0.0.1:2525") == ("127.0.0.1", 2525)
    assert parse_hostport("[::1]:25") == ("::1", 25)
    assert parse_hostport("mx.example") == ("mx.example", 25)
    for bad in ("", ":25", "host:port", "h:99999"):
        with pytest.raises(ValueError):
            parse_hostport(bad)


def test_gateway_cli_refuses_a_bad_next_hop():
    from vaultdoor.cli.mail import mail

    result = CliRunner().invoke(mail, ["gateway", "--next-hop", "nowhere:xx"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: --next-hop: not a host:port")
    assert "Traceback" not in result.output


@pytest.mark.django_db
def test_processing_twice_after_a_crash_duplicates_nothing(tmp_path):
    from vaultdoor.mail.gateway.process import Processor
    from vaultdoor.mail.models import Delivery, QuarantinedMessage

    queue = DiskQueue(tmp_path)
    config = GatewayConfig(queue_dir=tmp_path, next_hop=("127.0.0.1", 1), org_domains=(ORG,))
    processor = Processor(config, queue)
    entry = Entry(id=new_id(), mail_from="news@partner.example",
                  rcpt_tos=[f"rosa@{ORG}", f"omar@{ORG}"], data=newsletter(), peer="192.0.2.1")
    path = queue.put_incoming(entry)
    copy = tmp_path / "copy"
    shutil.copy(path, copy)
    assert processor.process(path) == "delivered"
    shutil.copy(copy, path)  # as if the gateway died before removing the incoming entry
    assert processor.process(path) == "delivered"
    assert sorted(p.name for p in queue.outbound()) == [f"{entry.id}.0", f"{entry.id}.1"]
    assert Delivery.objects.count() == 2
    phish = Entry(id=new_id(), mail_from="x@lakes1de-cs.example", rcpt_tos=[f"rosa@{ORG}"],
                  data=PHISH, peer="192.0.2.1")
    path = queue.put_incoming(phish)
    shutil.copy(path, copy)
    assert processor.process(path) == "quarantined"
    shutil.copy(copy, path)
    assert processor.process(path) == "quarantined"
    assert QuarantinedMessage.objects.count() == 1
    assert list(queue.incoming()) == []


@pytest.mark.django_db
def test_forged_org_sender_from_outside_teaches_nothing(tmp_path):
    from vaultdoor.mail.gateway.process import Processor
    from vaultdoor.mail.models import Correspondence

    queue = DiskQueue(tmp_path)
    config = GatewayConfig(queue_dir=tmp_path, next_hop=("127.0.0.1", 1), org_domains=(ORG,),
                           outbound_networks=("10.0.0.0/8",))
    forged = newsletter(sender=f"ceo@{ORG}", rcpt="friend@evil.example")
    queue.put_incoming(Entry(id=new_id(), mail_from=f"ceo@{ORG}", rcpt_tos=[f"rosa@{ORG}"],
                             data=forged, peer="198.51.100.7"))
    Processor(config, queue).process(next(queue.incoming()))
    assert not Correspondence.objects.exists()


@pytest.mark.django_db
def test_unreadable_message_is_quarantined_not_delivered(tmp_path):
    from vaultdoor.mail.gateway.process import Processor
    from vaultdoor.mail.models import QuarantinedMessage

    queue = DiskQueue(tmp_path)
    config = GatewayConfig(queue_dir=tmp_path, next_hop=("127.0.0.1", 1), org_domains=(ORG,))
    queue.put_incoming(Entry(id=new_id(), mail_from="x@outside.example",
                             rcpt_tos=[f"rosa@{ORG}"], data=b"\x00\x01\x02" * 10,
                             peer="192.0.2.1"))
    outcome = Processor(config, queue).process(next(queue.incoming()))
    assert outcome == "quarantined" and list(queue.outbound()) == []
    held = QuarantinedMessage.objects.get()
    assert held.verdict == "error" and held.reason.startswith("unreadable message")
