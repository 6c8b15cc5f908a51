"""Property tests of the import row validator and the webhook signature."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.vetting.services.importer import CheckImportError, read_csv, validate_rows
from vaultdoor.vetting.services.webhook import WebhookRefused, signature_header, verify

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=10,
)
columns = st.sampled_from(["person", "site", "provider", "reference", "scope", "requested",
                           "completed", "status", "findings", "notes", "other"])


@pytest.mark.django_db
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(columns, json_values | st.sampled_from(
    ["E1001", "cleared", "pending", "2026-11-20", "fraud;other", ["fraud"], "Acme"])),
    max_size=5))
def test_any_webhook_checks_validate_or_fail_with_issues(site, checks):
    try:
        rows = validate_rows(list(enumerate(checks, start=1)))
    except CheckImportError as exc:
        assert exc.issues
        assert all(1 <= issue.row <= len(checks) for issue in exc.issues)
    else:
        assert len(rows) == len(checks)


@pytest.mark.django_db
@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_csv_text_validates_or_fails_with_issues(site, text):
    try:
        validate_rows(read_csv(text))
    except CheckImportError as exc:
        assert exc.issues


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.binary(min_size=16, max_size=64),
       st.integers(min_value=0, max_value=10**11), st.integers(min_value=0, max_value=1599))
def test_signature_verifies_and_any_flipped_bit_is_refused(body, key, timestamp, bit):
    header = signature_header(key, timestamp, body)
    assert verify(key, header, body, now=timestamp)
    if body:
        flipped = bytearray(body)
        flipped[(bit // 8) % len(body)] ^= 1 << (bit % 8)
        with pytest.raises(WebhookRefused):
            verify(key, header, bytes(flipped), now=timestamp)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_any_header_is_refused_cleanly(header):
    with pytest.raises(WebhookRefused):
        verify(b"k" * 32, header, b"{}", now=0)
