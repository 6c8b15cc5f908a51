"""The queue seen by operators: counts, refused messages with why, retry and delete (console
and `vaultdoor mail queue`), each audited; and the worker noting why a message failed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vaultdoor.audit.models import AuditEvent
from vaultdoor.cli import main as cli
from vaultdoor.mail.gateway.queue import DiskQueue, Entry, QueueError, new_id

from .conftest import ORG, wait_for
from .test_console import grant
from .test_gateway import newsletter, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VAULTDOOR_MAIL_QUEUE_DIR", str(tmp_path / "queue"))
    return tmp_path / "queue"


def _failed(queue_dir, reason="the next hop refused it: 550 no such user") -> str:
    queue = DiskQueue(queue_dir)
    entry = Entry(id=new_id(), mail_from="news@partner.example", rcpt_tos=[f"gone@{ORG}"],
                  data=b"Subject: hi\r\n\r\nbody\r\n")
    queue.move_to_failed(queue.put_outbound(entry), reason)
    return entry.id


@pytest.fixture
def operator(django_user_model):
    user = django_user_model.objects.create_user("postmaster")
    grant(user, "mail.view_delivery", "mail.change_delivery")
    return user


def test_failed_entry_keeps_why_and_when(tmp_path):
    queue = DiskQueue(tmp_path)
    entry_id = _failed(tmp_path)
    kept = DiskQueue.read(next(queue.failed()))
    assert kept.id == entry_id and kept.data == b"Subject: hi\r\n\r\nbody\r\n"
    assert kept.extra["failed_reason"].startswith("the next hop refused it: 550")
    assert kept.extra["failed_at"] > 0
    assert list(queue.outbound()) == [] and list((tmp_path / "tmp").iterdir()) == []


def test_retry_puts_it_back_and_delete_removes_it(tmp_path):
    queue = DiskQueue(tmp_path)
    first, second = _failed(tmp_path), _failed(tmp_path)
    queue.retry_failed(first)
    assert [p.name for p in queue.outbound()] == [first]
    assert queue.delete_failed(second).mail_from == "news@partner.example"
    assert list(queue.failed()) == []
    for bad in (first, "../outbound/" + first, "", ".hidden", "a\\b"):
        with pytest.raises(QueueError):
            queue.retry_failed(bad)


def test_console_page_lists_counts_and_refused_messages(client, operator, queue_dir):
    entry_id = _failed(queue_dir)
    DiskQueue(queue_dir).put_outbound(Entry(id=new_id(), mail_from="a@x.example",
                                            rcpt_tos=[f"rosa@{ORG}"], data=b"x"))
    client.force_login(operator)
    page = client.get("/mail/queue/")
    body = page.content.decode()
    assert page.status_code == 200
    assert entry_id in body and "550 no such user" in body and f"gone@{ORG}" in body
    assert "Waiting for the next hop</dt><dd>1" in body and "Refused for good</dt><dd>1" in body
    assert ">Retry</button>" in body


def test_console_retry_and_delete_are_audited(client, operator, queue_dir):
    first, second = _failed(queue_dir), _failed(queue_dir)
    client.force_login(operator)
    assert client.post(f"/mail/queue/{first}/retry/").status_code == 302
    assert [p.name for p in DiskQueue(queue_dir).outbound()] == [first]
    assert AuditEvent.objects.filter(action="mail.queue_retry", target_id=first,
                                     actor="postmaster").count() == 1
    # a delete needs a reason; without one nothing happens
    client.post(f"/mail/queue/{second}/delete/", {"reason": "  "})
    assert len(list(DiskQueue(queue_dir).failed())) == 1
    client.post(f"/mail/queue/{second}/delete/", {"reason": "mailbox closed for good"})
    assert list(DiskQueue(queue_dir).failed()) == []
    event = AuditEvent.objects.get(action="mail.queue_delete", target_id=second)
    assert event.context["reason"] == "mailbox closed for good"
    assert event.context["recipients"] == [f"gone@{ORG}"]
    # again: not there any more, nothing audited twice
    page = client.post(f"/mail/queue/{second}/delete/", {"reason": "again"}, follow=True)
    assert "not there" in page.content.decode() or "no refused message" in page.content.decode()
    assert AuditEvent.objects.filter(action="mail.queue_delete").count() == 1


def test_console_queue_needs_permissions(client, django_user_model, queue_dir):
    entry_id = _failed(queue_dir)
    viewer = django_user_model.objects.create_user("viewer")
    grant(viewer, "mail.view_delivery")
    client.force_login(viewer)
    page = client.get("/mail/queue/")
    assert page.status_code == 200 and ">Retry</button>" not in page.content.decode()
    assert client.post(f"/mail/queue/{entry_id}/retry/").status_code == 403
    assert client.get(f"/mail/queue/{entry_id}/retry/").status_code in (403, 405)
    assert len(list(DiskQueue(queue_dir).failed())) == 1
    nobody = django_user_model.objects.create_user("nobody")
    client.force_login(nobody)
    assert client.get("/mail/queue/").status_code == 403


def test_cli_queue_status_retry_and_delete(queue_dir, django_user_model):
    first, second = _failed(queue_dir), _failed(queue_dir)
    runner = CliRunner()
    shown = runner.invoke(cli, ["mail", "queue"])
    assert shown.exit_code == 0, shown.output
    assert "refused for good: 2" in shown.output and first in shown.output
    data = json.loads(runner.invoke(cli, ["mail", "queue", "--json"]).output)
    assert data["status"]["failed"] == 2 and data["failed"][0]["id"] == first
    assert runner.invoke(cli, ["mail", "queue", "retry", first]).exit_code == 0
    missing = runner.invoke(cli, ["mail", "queue", "retry", first])
    assert missing.exit_code == 2 and "no refused message" in missing.output
    no_reason = runner.invoke(cli, ["mail", "queue", "delete", second])
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    assert runner.invoke(cli, ["mail", "queue", "delete", second, "--reason",
                               "bounced for good"]).exit_code == 0
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "mail.queue_retry", "mail.queue_delete"}
    assert list(DiskQueue(queue_dir).failed()) == []


@pytest.mark.django_db(transaction=True)
def test_a_permanent_refusal_is_kept_with_the_hop_answer(make_gateway, sink):
    async def refuse(server, session, envelope):
        return "550 5.1.1 no such user here"

    sink.handle_DATA = refuse  # the hop refuses everything for good
    gateway = make_gateway()
    send(gateway.port, "news@partner.example", [f"rosa@{ORG}"], newsletter())
    assert wait_for(lambda: len(list(gateway.queue.failed())) == 1)
    kept = DiskQueue.read(next(gateway.queue.failed()))
    assert "550" in kept.extra["failed_reason"] and "no such user" in kept.extra["failed_reason"]
