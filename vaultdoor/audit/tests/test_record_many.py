"""`record_many()`: a batch is the same chain as that many `record()` calls in a row."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.audit import AuditEntry, record, record_many
from vaultdoor.audit.actions import UnknownAuditAction
from vaultdoor.audit.models import AuditCheckpoint, AuditEvent
from vaultdoor.audit.recorder import signing_key
from vaultdoor.audit.redaction import REDACTED
from vaultdoor.audit.verify import verify_database
from vaultdoor.cli import main
from vaultdoor.engine.chain import verify_chain

pytestmark = pytest.mark.django_db

AWKWARD = {
    "ratio": 0.25, "big": 1e16, "when": dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
    "items": (1, 2), "text": "nul\x00 and é ☃", "nested": {"b": [1, {"z": None}], "a": True},
}


def _entries(n: int, **extra) -> list[AuditEntry]:
    return [AuditEntry("access.decision", actor=f"controller:c{i % 2}", target_type="door",
                       target_id=f"D-{i}", context={"n": i, **AWKWARD, **extra})
            for i in range(n)]


def test_batch_chains_on_from_the_head_and_verifies():
    first = record("site.import", created=3)
    links = record_many(_entries(5))
    last = record("auth.login", actor="alice")
    assert [e.seq for e in links] == [2, 3, 4, 5, 6]
    assert links[0].prev_hash == first.hash
    assert last.prev_hash == links[-1].hash
    stored = [e.to_chain_event() for e in AuditEvent.objects.order_by("seq")]
    # Each stored row (as the database gives it back) hashes to what was returned.
    assert [e.hash for e in stored[1:6]] == [e.hash for e in links]
    assert verify_chain(stored).count == 7
    assert verify_database(trusted_keys=[signing_key().public_key()]).count == 7


def test_stored_context_is_what_record_stores():
    links = record_many(_entries(1))
    single = record("access.decision", actor="controller:c0", target_type="door",
                    target_id="D-0", n=0, **AWKWARD)
    rows = {r.seq: r for r in AuditEvent.objects.all()}
    assert rows[links[0].seq].context == rows[single.seq].context
    assert rows[single.seq].context["big"] == 10**16
    assert rows[single.seq].context["text"] == "nul\ufffd and é ☃"


def test_same_hashes_as_record_calls_at_the_same_time(monkeypatch):
    """Record three events one by one (then roll them back), then as one batch at the same
    clock: the same chain, hash for hash."""
    at = dt.datetime(2026, 11, 29, 8, 0, 0, 123456, tzinfo=dt.UTC)
    monkeypatch.setattr("vaultdoor.audit.recorder.timezone.now", lambda: at)
    record("auth.login")
    entries = _entries(3)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        singles = [record(e.action, actor=e.actor, target_type=e.target_type,
                          target_id=e.target_id, **e.context) for e in entries]
        raise Undo
    links = record_many(entries)
    assert [e.hash for e in links] == [e.hash for e in singles]
    for link in links:
        row = AuditEvent.objects.get(seq=link.seq)
        assert row.to_chain_event().compute_hash() == row.hash == link.hash


def test_secrets_are_redacted_and_actions_checked():
    (link,) = record_many([AuditEntry("access.decision", context={"pin": "1234", "ok": 1})])
    assert AuditEvent.objects.get(seq=link.seq).context == {"pin": REDACTED, "ok": 1}
    with pytest.raises(UnknownAuditAction):
        record_many([AuditEntry("access.decision"), AuditEntry("no.such_action")])
    assert AuditEvent.objects.count() == 1  # nothing of the bad batch was written
    with pytest.raises(TypeError):
        record_many([AuditEntry("access.decision", context={"x": object()})])
    assert AuditEvent.objects.count() == 1


def test_empty_batch_writes_nothing():
    assert record_many([]) == []
    assert not AuditEvent.objects.exists()


def test_checkpoints_where_the_interval_falls(settings):
    settings.VAULTDOOR_AUDIT_CHECKPOINT_EVERY = 4
    record("auth.login")
    links = record_many(_entries(9))  # seqs 2..10: checkpoints at 4 and 8
    record_many(_entries(2))  # 11, 12: checkpoint at 12
    checkpoints = [(c.seq, c.head_hash, c.reason) for c in AuditCheckpoint.objects.order_by("seq")]
    by_seq = {e.seq: e.hash for e in links}
    assert checkpoints[:2] == [(4, by_seq[4], "automatic"), (8, by_seq[8], "automatic")]
    assert [c[0] for c in checkpoints] == [4, 8, 12]
    result = verify_database(trusted_keys=[signing_key().public_key()])
    assert (result.count, result.checkpoints, result.last_checkpoint_seq) == (12, 3, 12)


def test_rolled_back_with_the_callers_transaction():
    record("auth.login")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        record_many(_entries(3))
        raise Boom
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1]
    assert record_many(_entries(1))[0].seq == 2


def test_a_large_batch_spans_several_statements():
    links = record_many(_entries(1234))
    assert [e.seq for e in links] == list(range(1, 1235))
    assert AuditEvent.objects.count() == 1234
    assert verify_database(trusted_keys=[signing_key().public_key()]).head_hash == links[-1].hash


def test_audit_verify_command_passes_after_a_batch():
    record("auth.login")
    record_many(_entries(50))
    record("auth.logout")
    result = CliRunner().invoke(main, ["audit", "verify", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "52" in result.output


# Any text, NUL and lone surrogates included (the recorder stores U+FFFD for them).
any_text = st.text(st.characters() | st.sampled_from(["\x00", "\ud800", "\udfff"]), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False) | any_text,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
entries_strategy = st.lists(
    st.builds(
        AuditEntry,
        action=st.sampled_from(["access.decision", "edge.event", "auth.login"]),
        actor=any_text, target_type=any_text, target_id=any_text,
        # Keys other than record()'s own keyword names (which its **context cannot take).
        context=st.dictionaries(
            any_text.filter(
                lambda k: k not in {"action", "actor", "target_type", "target_id", "request"}),
            json_values, max_size=5),
    ),
    min_size=1, max_size=6,
)


class _Undo(Exception):
    pass


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(entries=entries_strategy)
def test_any_batch_hashes_as_record_calls_and_reads_back_intact(entries, monkeypatch):
    at = dt.datetime(2026, 11, 29, 8, 0, 0, 654321, tzinfo=dt.UTC)
    monkeypatch.setattr("vaultdoor.audit.recorder.timezone.now", lambda: at)
    with pytest.raises(_Undo), transaction.atomic():
        singles = [record(e.action, actor=e.actor, target_type=e.target_type,
                          target_id=e.target_id, **e.context) for e in entries]
        raise _Undo
    with pytest.raises(_Undo), transaction.atomic():
        links = record_many(entries)
        rows = [AuditEvent.objects.get(seq=link.seq) for link in links]
        raise _Undo
    assert [e.hash for e in links] == [e.hash for e in singles]
    assert [r.to_chain_event().compute_hash() for r in rows] == [r.hash for r in rows]
    assert [r.hash for r in rows] == [e.hash for e in links]
