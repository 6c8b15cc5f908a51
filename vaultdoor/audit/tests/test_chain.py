"""The pure hash chain (vaultdoor/engine/chain.py): canonical encoding, hashing, diagnosis."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.engine.chain import (
    GENESIS_HASH,
    ChainBroken,
    ChainEvent,
    canonical_json,
    encode_event,
    format_time,
    normalize_json,
    parse_time,
    verify_chain,
)

json_scalars = st.none() | st.booleans() | st.integers() | st.text() | st.floats(
    allow_nan=False, allow_infinity=False
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
contexts = st.dictionaries(st.text(max_size=10), json_values, max_size=5)
times = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))]),
)
# The machine is shared: judge the properties, not the speed of generating examples.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
events = st.builds(
    ChainEvent,
    seq=st.integers(min_value=1, max_value=2**62),
    at=times,
    action=st.sampled_from(["access.decision", "site.import", "auth.login"]),
    actor=st.text(max_size=12),
    target_type=st.text(max_size=8),
    target_id=st.text(max_size=12),
    context=contexts.map(normalize_json),
    prev_hash=st.sampled_from([GENESIS_HASH, "ab" * 32]),
)


@relaxed
@given(contexts)
def test_any_context_round_trips_to_the_same_bytes(context):
    normal = normalize_json(context)
    text = canonical_json(normal)
    assert canonical_json(normalize_json(json.loads(text))) == text
    assert normalize_json(json.loads(text)) == normal


@relaxed
@given(events)
def test_event_encoding_round_trips_through_export(event):
    sealed = event.sealed()
    again = ChainEvent.from_dict(json.loads(json.dumps(sealed.to_dict())))
    assert encode_event(again) == encode_event(sealed)
    assert again.compute_hash() == sealed.hash


@relaxed
@given(events, events)
def test_different_events_give_different_encodings(a, b):
    same_fields = (a.seq, a.at, a.action, a.actor, a.target_type, a.target_id, a.context) == (
        b.seq, b.at, b.action, b.actor, b.target_type, b.target_id, b.context)
    assert (encode_event(a) == encode_event(b)) == same_fields


def test_encoding_is_sorted_compact_utf8():
    event = ChainEvent(
        seq=7, at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        action="access.decision", context={"zone": "café", "b": 1, "a": [1, 2]},
    )
    assert encode_event(event) == (
        '{"action":"access.decision","actor":"system","at":"2026-12-01T08:30:00.000000Z",'
        '"context":{"a":[1,2],"b":1,"zone":"café"},"seq":7,"target_id":"","target_type":"",'
        '"v":1}'
    ).encode()


def test_hash_is_sha256_of_previous_hash_bytes_and_encoding():
    import hashlib

    event = ChainEvent(seq=1, at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), action="auth.login")
    expected = hashlib.sha256(bytes(32) + encode_event(event)).hexdigest()
    assert event.sealed().hash == expected


def test_times_are_utc_with_microseconds():
    local = dt.datetime(2026, 3, 29, 2, 30, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert format_time(local) == "2026-03-29T00:30:00.000005Z"
    assert parse_time(format_time(local)) == local
    with pytest.raises(ValueError, match="timezone-aware"):
        format_time(dt.datetime(2026, 1, 1))


@pytest.mark.parametrize(("value", "expected"), [
    (1.0, 1), (1e16, 10**16), (-0.0, 0), (0.5, 0.5), ((1, "a"), [1, "a"]),
    ("nul\x00", "nul\ufffd"), ("lone\ud800", "lone\ufffd"), ({3: "x"}, {"3": "x"}),
])
def test_normalize_makes_values_storable(value, expected):
    assert normalize_json(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), object()])
def test_normalize_refuses_what_json_cannot_hold(value):
    with pytest.raises((ValueError, TypeError)):
        normalize_json(value)


# --- diagnosis: the first bad seq and what happened ---------------------------------------------


def make_chain(n: int) -> list[ChainEvent]:
    chain, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        event = ChainEvent(
            seq=seq, at=dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC) + dt.timedelta(seconds=seq),
            action="access.decision", context={"n": seq}, prev_hash=prev,
        ).sealed()
        chain.append(event)
        prev = event.hash
    return chain


def broken(chain, **kwargs) -> ChainBroken:
    with pytest.raises(ChainBroken) as info:
        verify_chain(chain, **kwargs)
    return info.value


def test_intact_chain_verifies():
    chain = make_chain(30)
    summary = verify_chain(chain)
    assert (summary.count, summary.head_seq, summary.head_hash) == (30, 30, chain[-1].hash)
    assert verify_chain([]).head_hash == GENESIS_HASH


def test_edit_in_place():
    chain = make_chain(30)
    chain[16] = replace(chain[16], context={"n": 999})
    error = broken(chain)
    assert (error.seq, error.reason) == (17, "hash mismatch (row edited or reordered)")


def test_edit_and_rehash():
    chain = make_chain(30)
    chain[16] = replace(chain[16], context={"n": 999}).sealed()
    error = broken(chain)
    assert (error.seq, error.reason) == (17, "hash mismatch (row edited or reordered)")


def test_rewritten_tail_is_caught_by_an_anchor():
    chain = make_chain(30)
    anchors = {20: chain[19].hash}
    prev = chain[15].hash
    for i in range(16, 30):  # edit 17 and rehash everything after it
        chain[i] = replace(chain[i], prev_hash=prev, context={"n": -i}).sealed()
        prev = chain[i].hash
    verify_chain(chain)  # a full rewrite links up...
    error = broken(chain, anchors=anchors)  # ...but not with the signed checkpoint
    assert error.seq == 20 and "signed checkpoint" in error.reason


def test_delete_leaves_a_gap():
    chain = make_chain(30)
    del chain[16]
    error = broken(chain)
    assert (error.seq, error.reason) == (17, "missing (row deleted)")


def test_delete_and_renumber():
    chain = make_chain(30)
    del chain[16]
    chain[16:] = [replace(e, seq=e.seq - 1) for e in chain[16:]]
    error = broken(chain)
    assert (error.seq, error.reason) == (17, "missing (row deleted)")


def test_insert_and_renumber():
    chain = make_chain(30)
    forged = ChainEvent(
        seq=17, at=chain[16].at, action="access.decision", context={"n": "forged"},
        prev_hash=chain[15].hash,
    ).sealed()
    chain = [*chain[:16], forged, *(replace(e, seq=e.seq + 1) for e in chain[16:])]
    error = broken(chain)
    assert (error.seq, error.reason) == (17, "unexpected (row inserted)")


def test_duplicate_seq_is_an_insert():
    chain = make_chain(30)
    chain.insert(17, chain[16])
    error = broken(chain)
    assert (error.seq, error.reason) == (17, "unexpected (row inserted)")


def test_reorder_two_rows():
    chain = make_chain(30)
    a, b = chain[16], chain[17]
    chain[16], chain[17] = replace(b, seq=17), replace(a, seq=18)
    error = broken(chain)
    assert (error.seq, error.reason) == (17, "hash mismatch (row edited or reordered)")


def test_first_row_edited():
    chain = make_chain(3)
    chain[0] = replace(chain[0], actor="mallory")
    assert broken(chain).seq == 1


def test_export_form_refuses_fields_the_hash_does_not_cover():
    data = make_chain(1)[0].to_dict()
    assert ChainEvent.from_dict(data) == make_chain(1)[0]
    with pytest.raises(ValueError, match="unexpected fields"):
        ChainEvent.from_dict({**data, "note": "added later"})
