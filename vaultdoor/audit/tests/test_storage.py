"""Whatever context goes in, the stored row still hashes to the recorded hash (both databases)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.audit import record
from vaultdoor.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=20) | (
    st.floats(allow_nan=False, allow_infinity=False)
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=10,
)
# Context keys must not collide with record()'s own keyword arguments.
keys = st.text(max_size=8).filter(
    lambda k: k not in {"action", "actor", "target_type", "target_id", "request"})


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(keys, values, max_size=4), st.text(max_size=30))
def test_stored_events_hash_to_their_recorded_hash(context, target_id):
    event = record("access.decision", target_type="door", target_id=target_id, **context)
    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.to_chain_event().compute_hash() == event.hash


def test_names_are_cleaned_and_cut_to_their_columns():
    event = record("auth.login", actor="a\x00" + "x" * 400, target_type="t" * 100,
                   target_id="\ud800" + "i" * 300)
    stored = AuditEvent.objects.get(seq=event.seq)
    assert (len(stored.actor), len(stored.target_type), len(stored.target_id)) == (150, 64, 128)
    assert stored.actor.startswith("a\ufffd") and stored.target_id.startswith("\ufffd")
    assert stored.to_chain_event().compute_hash() == event.hash
