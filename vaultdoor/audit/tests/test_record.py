"""`record()`: events chain, secrets stay out, requests are described, actions are checked."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import RequestFactory

from vaultdoor.audit import record
from vaultdoor.audit.actions import UnknownAuditAction
from vaultdoor.audit.models import AuditCheckpoint, AuditEvent
from vaultdoor.audit.redaction import REDACTED
from vaultdoor.engine.chain import GENESIS_HASH, verify_chain

pytestmark = pytest.mark.django_db


def test_events_chain_from_genesis():
    first = record("site.import", actor="alice", target_type="site", target_id="hq", created=3)
    second = record("access.decision", target_type="door", target_id="D-MAIN", decision="grant")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    stored = [e.to_chain_event() for e in AuditEvent.objects.order_by("seq")]
    summary = verify_chain(stored)
    assert (summary.count, summary.head_hash) == (2, second.hash)


def test_stored_row_hashes_to_what_was_recorded():
    event = record("access.decision", door="D-1", ratio=0.25, big=1e16, when=None, items=(1, 2))
    fresh = AuditEvent.objects.get(seq=event.seq)
    assert fresh.to_chain_event().compute_hash() == fresh.hash == event.hash
    assert fresh.context["big"] == 10**16  # integral floats are stored as ints


def test_secrets_are_redacted_at_any_depth():
    event = record(
        "access.decision",
        swipe={"door": "D-VAULT", "pin": "4821", "card": {"facility": 42, "number": 7}},
        password="hunter2",
        people=[{"id": "E1", "pin_hash": "pin1:abc"}],
        keypad="K1",
        reason="wrong_pin",
    )
    ctx = AuditEvent.objects.get(seq=event.seq).context
    assert ctx["swipe"]["pin"] == REDACTED
    assert ctx["swipe"]["card"] == {"facility": 42, "number": 7}
    assert ctx["password"] == REDACTED
    assert ctx["people"][0]["pin_hash"] == REDACTED
    assert ctx["keypad"] == "K1"
    assert ctx["reason"] == "wrong_pin"
    assert "4821" not in str(ctx) and "hunter2" not in str(ctx)


def test_request_gives_ip_agent_and_user():
    user = get_user_model().objects.create_user("carol", password="x" * 16)
    request = RequestFactory().post(
        "/login", HTTP_USER_AGENT="Mozilla/5.0", REMOTE_ADDR="192.0.2.7",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    request.user = user
    event = record("auth.login", request=request)
    assert event.actor == "carol"
    assert event.context["request"] == {
        "ip": "192.0.2.7", "user_agent": "Mozilla/5.0", "method": "POST", "path": "/login",
        "user": "carol",
    }


def test_unknown_action_is_refused():
    with pytest.raises(UnknownAuditAction, match=r"add it to vaultdoor/audit/actions\.py"):
        record("access.opened_by_magic")
    assert not AuditEvent.objects.exists()


def test_event_rolls_back_with_the_callers_transaction():
    record("site.import", created=1)

    class ImportFailed(Exception):
        pass

    with pytest.raises(ImportFailed), transaction.atomic():
        record("site.import", created=2)
        raise ImportFailed
    record("site.import", created=3)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "context__created")) == [
        (1, 1), (2, 3),
    ]


def test_automatic_checkpoint_every_n_events(settings):
    settings.VAULTDOOR_AUDIT_CHECKPOINT_EVERY = 3
    events = [record("access.decision", n=i) for i in range(7)]
    checkpoints = list(AuditCheckpoint.objects.order_by("seq"))
    assert [(c.seq, c.head_hash) for c in checkpoints] == [
        (3, events[2].hash), (6, events[5].hash),
    ]
    assert all(c.reason == AuditCheckpoint.Reason.AUTOMATIC for c in checkpoints)


def test_unreadable_signing_key_skips_the_checkpoint_not_the_event(settings, tmp_path, caplog):
    settings.VAULTDOOR_AUDIT_CHECKPOINT_EVERY = 2
    settings.VAULTDOOR_AUDIT_SIGNING_KEY = f"file:{tmp_path}/missing.pem"
    record("access.decision", n=1)
    event = record("access.decision", n=2)
    assert event.seq == 2
    assert not AuditCheckpoint.objects.exists()
    assert "audit checkpoint at seq 2 skipped" in caplog.text


@pytest.mark.django_db
def test_a_capability_in_the_url_never_reaches_the_log(rf):
    """A click or report link's token (`/m/c/<token>`) acts for whoever holds it: the event
    keeps the route, not the token; ordinary ids stay."""
    from django.urls import ResolverMatch

    from vaultdoor.audit import record
    from vaultdoor.audit.models import AuditEvent

    token = "q7Yc2vXrZb9Lk3Ns"
    request = rf.get(f"/m/c/{token}")
    request.resolver_match = ResolverMatch(lambda r: None, (), {"token": token},
                                           route="m/c/<str:token>")
    record("auth.login_failed", request=request)
    other = rf.get("/people/42/")
    other.resolver_match = ResolverMatch(lambda r: None, (), {"pk": 42}, route="people/<int:pk>/")
    record("auth.login_failed", request=other)
    first, second = AuditEvent.objects.order_by("seq")
    assert token not in str(first.context)
    assert first.context["request"]["path"] == "/m/c/[redacted]"
    assert second.context["request"]["path"] == "/people/42/"
