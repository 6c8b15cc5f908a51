"""DiskQueue.batch(): fewer directory fsyncs, and still never an acknowledged message lost."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.mail.gateway import DiskQueue, Entry
from vaultdoor.mail.gateway import queue as queue_module
from vaultdoor.mail.gateway.queue import new_id


def _entry(n: int = 0) -> Entry:
    return Entry(id=new_id(), mail_from="a@x.example", rcpt_tos=[f"b{n}@y.example"],
                 data=b"Subject: hi\r\n\r\nbody\r\n")


@pytest.fixture
def fsyncs(monkeypatch):
    """The directory fsyncs, in order, with what was in incoming/ at each."""
    calls: list[tuple[str, set[str]]] = []
    real = queue_module._fsync_dir

    def spy(path):
        calls.append((path.name, {p.name for p in (path.parent / "incoming").iterdir()}))
        real(path)

    monkeypatch.setattr(queue_module, "_fsync_dir", spy)
    return calls


def test_outbound_entries_are_durable_before_their_incoming_entry_goes(tmp_path, fsyncs):
    queue = DiskQueue(tmp_path)
    incoming = [queue.put_incoming(_entry(n)) for n in range(3)]
    fsyncs.clear()
    with queue.batch():
        for n, path in enumerate(incoming):
            queue.put_outbound(Entry(id=f"{path.name}.0", mail_from="a@x.example",
                                     rcpt_tos=[f"b{n}@y.example"], data=b"x"))
            queue.remove(path)
            assert path.exists()  # removal waits for the end of the batch
        assert fsyncs == []  # nothing fsynced per message
    assert [name for name, _ in fsyncs] == ["outbound", "incoming"]
    # When outbound/ was synced the incoming entries were still there; then they went.
    assert fsyncs[0][1] == {p.name for p in incoming}
    assert fsyncs[1][1] == set()
    assert list(queue.incoming()) == [] and len(list(queue.outbound())) == 3


def test_outbound_removal_is_immediate_and_synced_at_the_end(tmp_path, fsyncs):
    queue = DiskQueue(tmp_path)
    paths = [queue.put_outbound(_entry(n)) for n in range(3)]
    fsyncs.clear()
    with queue.batch():
        for path in paths:
            queue.remove(path)
            assert not path.exists()  # a crashed process will not send it twice
        assert fsyncs == []
    assert [name for name, _ in fsyncs] == ["outbound"]


def test_an_error_inside_still_makes_everything_done_durable(tmp_path, fsyncs):
    queue = DiskQueue(tmp_path)
    path = queue.put_incoming(_entry())
    fsyncs.clear()
    with pytest.raises(RuntimeError), queue.batch():
        queue.put_outbound(_entry(1))
        queue.remove(path)
        raise RuntimeError("database down")
    assert [name for name, _ in fsyncs] == ["outbound", "incoming"]
    assert not path.exists()


def test_the_listener_thread_is_not_part_of_the_worker_batch(tmp_path, fsyncs):
    queue = DiskQueue(tmp_path)
    with queue.batch():
        fsyncs.clear()
        thread = threading.Thread(target=queue.put_incoming, args=(_entry(),))
        thread.start()
        thread.join()
        assert [name for name, _ in fsyncs] == ["incoming"]  # fsynced before the 250


def test_without_a_batch_every_write_and_removal_is_synced_at_once(tmp_path, fsyncs):
    queue = DiskQueue(tmp_path)
    path = queue.put_incoming(_entry())
    queue.remove(path)
    assert [name for name, _ in fsyncs] == ["incoming", "incoming"]
    assert not path.exists()


def _summary_of_whole_message(raw: bytes) -> dict[str, str]:
    # What summary_headers read before it cut the body off: the whole message parsed.
    from email import message_from_bytes, policy
    from email.header import decode_header, make_header

    message = message_from_bytes(raw[:256 * 1024], policy=policy.compat32)

    def text(name: str) -> str:
        try:
            value = str(make_header(decode_header(str(message.get(name, "")))))
        except Exception:  # the same fallback as summary_headers
            value = str(message.get(name, ""))
        return " ".join(value.split())[:300]

    return {"from": text("From"), "subject": text("Subject"), "message_id": text("Message-ID")}


_LINES = st.sampled_from([
    b"From: Owen <owen@harper.example>", b"Subject: =?utf-8?q?Caf=C3=A9?= news",
    b"Message-ID: <1@x>", b" continued", b"\tfolded", b"", b"no colon here", b"X-A: 1",
    b"Subject: second", b"body line", b"From: other@y.example",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINES, max_size=12), st.sampled_from([b"\n", b"\r\n"]))
def test_summary_headers_reads_only_the_header_section_the_same(lines, eol):
    from vaultdoor.mail.gateway.process import summary_headers

    raw = eol.join(lines) + eol
    assert summary_headers(raw) == _summary_of_whole_message(raw)
