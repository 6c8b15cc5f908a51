"""Evidence is tamper-evident: the audit chain verifies and a signed checkpoint is recent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from vaultdoor.audit import record
from vaultdoor.audit.recorder import checkpoint
from vaultdoor.audit.testing import triggers_off
from vaultdoor.compliance.controls import FAIL, PASS, WARN, audit_chain
from vaultdoor.compliance.controls.audit_chain import TamperEvidentLog

pytestmark = pytest.mark.django_db


def _events(n: int) -> None:
    for i in range(n):
        record("access.decision", target_type="door", target_id="D-1", n=i)


def _tamper(seq: int) -> None:
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = %s", [seq])


def test_a_verified_chain_with_a_recent_checkpoint_passes():
    _events(5)
    checkpoint()
    result = TamperEvidentLog().evaluate()
    assert (result.status, result.score) == (PASS, 100)
    assert "whole chain" in dict((e.label, e.value) for e in result.evidence)["Verified"]


def test_no_checkpoint_or_an_old_one_warns(monkeypatch):
    _events(3)
    assert TamperEvidentLog().evaluate().status == WARN
    checkpoint()
    monkeypatch.setattr(audit_chain, "CHECKPOINT_MAX_AGE", dt.timedelta(0))
    result = TamperEvidentLog().evaluate()
    assert result.status == WARN and "days old" in result.summary


def test_an_edited_event_fails():
    _events(5)
    checkpoint()
    _tamper(3)
    result = TamperEvidentLog().evaluate()
    assert (result.status, result.score) == (FAIL, 0)
    assert "seq 3" in result.summary


def test_big_logs_verify_from_the_last_signed_checkpoint(monkeypatch):
    monkeypatch.setattr(audit_chain, "FULL_VERIFY_LIMIT", 0)
    _events(4)
    cp = checkpoint()
    _events(3)
    result = TamperEvidentLog().evaluate()
    assert result.status == PASS
    verified = dict((e.label, e.value) for e in result.evidence)["Verified"]
    assert verified == f"3 events (the events after the signed checkpoint at seq {cp.seq})"
    _tamper(cp.seq + 2)
    assert TamperEvidentLog().evaluate().status == FAIL


def test_a_forged_checkpoint_fails(monkeypatch):
    from vaultdoor.audit.models import AuditCheckpoint

    monkeypatch.setattr(audit_chain, "FULL_VERIFY_LIMIT", 0)
    _events(4)
    cp = checkpoint()
    table = AuditCheckpoint._meta.db_table
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET signature = %s WHERE id = %s",  # noqa: S608
                       ["00" * 64, cp.pk])
    result = TamperEvidentLog().evaluate()
    assert result.status == FAIL and "signature" in result.summary
