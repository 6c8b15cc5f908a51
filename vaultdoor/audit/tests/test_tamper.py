"""Tampering that goes around the triggers is caught by `vaultdoor audit verify` (database).

Each test switches the triggers off (as an attacker with the database owner's rights would),
changes rows with raw SQL, and checks that verification names the first bad sequence number.
The same tests run on SQLite and, in CI, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.db import connection

from vaultdoor.audit import record
from vaultdoor.audit.models import AuditEvent
from vaultdoor.audit.recorder import checkpoint, signing_key
from vaultdoor.audit.testing import triggers_off
from vaultdoor.audit.verify import verify_database
from vaultdoor.cli import main
from vaultdoor.engine.chain import ChainBroken, ChainEvent

pytestmark = pytest.mark.django_db

EDITED = "hash mismatch (row edited or reordered)"
DELETED = "missing (row deleted)"
INSERTED = "unexpected (row inserted)"
SHIFT = 1_000_000  # moves rows out of the way: seq is unique and must stay positive


@pytest.fixture
def chain():
    return [record("access.decision", target_type="door", target_id="D-1", n=n) for n in
            range(30)]


def sql(statement: str, params=()) -> None:
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify():
    return verify_database(trusted_keys=[signing_key().public_key()])


def failure() -> ChainBroken:
    with pytest.raises(ChainBroken) as info:
        verify()
    return info.value


def cli_verify():
    return CliRunner().invoke(main, ["audit", "verify", "--no-progress"])


def test_intact_chain_verifies_with_cli(chain):
    result = cli_verify()
    assert result.exit_code == 0, result.output
    assert result.output == f"ok: 30 events, head {chain[-1].hash}\n"


def test_empty_log_verifies():
    result = cli_verify()
    assert result.exit_code == 0
    assert result.output == f"ok: 0 events, head {'0' * 64}\n"


def test_edited_row(chain):
    sql("UPDATE audit_auditevent SET actor = 'mallory' WHERE seq = 17")
    error = failure()
    assert (error.seq, error.reason) == (17, EDITED)
    result = cli_verify()
    assert result.exit_code == 1
    assert f"audit chain broken at seq 17: {EDITED}" in result.output


def test_edited_context(chain):
    sql("UPDATE audit_auditevent SET context = %s WHERE seq = 5", ['{"n": 4, "x": 1}'])
    assert (failure().seq, failure().reason) == (5, EDITED)


def test_deleted_row(chain):
    sql("DELETE FROM audit_auditevent WHERE seq = 17")
    assert (failure().seq, failure().reason) == (17, DELETED)
    result = cli_verify()
    assert result.exit_code == 1
    assert f"audit chain broken at seq 17: {DELETED}" in result.output


def test_deleted_row_and_renumbered(chain):
    sql("DELETE FROM audit_auditevent WHERE seq = 17")
    sql("UPDATE audit_auditevent SET seq = seq + %s WHERE seq > 17", [SHIFT])
    sql("UPDATE audit_auditevent SET seq = seq - %s - 1 WHERE seq > %s", [SHIFT, SHIFT])
    assert (failure().seq, failure().reason) == (17, DELETED)


def test_inserted_row(chain):
    sql("UPDATE audit_auditevent SET seq = seq + %s WHERE seq >= 17", [SHIFT])
    sql("UPDATE audit_auditevent SET seq = seq - %s + 1 WHERE seq > %s", [SHIFT, SHIFT])
    forged = ChainEvent(
        seq=17, at=chain[16].at, action="access.decision", actor="system", target_type="door",
        target_id="D-1", context={"n": "forged"}, prev_hash=chain[15].hash,
    ).sealed()  # the attacker knows the algorithm and links the forged row in properly
    AuditEvent(
        seq=17, at=forged.at, action=forged.action, actor=forged.actor,
        target_type=forged.target_type, target_id=forged.target_id, context=forged.context,
        prev_hash=forged.prev_hash, hash=forged.hash,
    ).save()
    assert (failure().seq, failure().reason) == (17, INSERTED)
    result = cli_verify()
    assert result.exit_code == 1
    assert f"audit chain broken at seq 17: {INSERTED}" in result.output


def test_reordered_rows(chain):
    sql("UPDATE audit_auditevent SET seq = %s WHERE seq = 17", [SHIFT])
    sql("UPDATE audit_auditevent SET seq = 17 WHERE seq = 18")
    sql("UPDATE audit_auditevent SET seq = 18 WHERE seq = %s", [SHIFT])
    assert (failure().seq, failure().reason) == (17, EDITED)


def test_rewritten_chain_is_caught_by_a_checkpoint(chain):
    checkpoint()  # signs seq 30
    # Edit seq 10 and recompute every hash after it: the chain links up again...
    rows = list(AuditEvent.objects.order_by("seq"))
    prev = rows[8].hash
    for row in rows[9:]:
        event = row.to_chain_event()
        if row.seq == 10:
            event = ChainEvent(**{**_fields(event), "actor": "mallory"})
        event = ChainEvent(**{**_fields(event), "prev_hash": prev}).sealed()
        sql("UPDATE audit_auditevent SET actor = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [event.actor, event.prev_hash, event.hash, row.seq])
        prev = event.hash
    error = failure()  # ...but no longer meets the signed checkpoint
    assert error.seq == 30
    assert "signed checkpoint" in error.reason


def test_truncated_tail_below_a_checkpoint(chain):
    checkpoint()  # signs seq 30
    sql("DELETE FROM audit_auditevent WHERE seq > 25")
    error = failure()
    assert error.seq == 26
    assert "tail truncated" in error.reason
    result = cli_verify()
    assert result.exit_code == 1
    assert "audit chain broken at seq 26: missing" in result.output


def test_forged_checkpoint_signature(chain):
    checkpoint()
    sql("UPDATE audit_auditcheckpoint SET head_hash = %s", [chain[10].hash])
    error = failure()
    assert "checkpoint signature bad" in error.reason


def test_checkpoint_by_an_unknown_key(chain):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vaultdoor.audit.models import AuditCheckpoint
    from vaultdoor.audit.signing import sign_checkpoint

    fake = sign_checkpoint(Ed25519PrivateKey.generate(), 30, chain[-1].hash, chain[-1].at)
    AuditCheckpoint(seq=fake.seq, head_hash=fake.head_hash, at=fake.at, key_id=fake.key_id,
                    signature=fake.signature, reason="manual").save()
    assert "unknown key" in failure().reason


def _fields(event: ChainEvent) -> dict:
    return {name: getattr(event, name) for name in ChainEvent.__slots__}


def test_old_key_given_with_public_key_is_trusted(chain, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vaultdoor.audit.models import AuditCheckpoint
    from vaultdoor.audit.signing import public_key_pem, sign_checkpoint

    old = Ed25519PrivateKey.generate()  # the key before a rotation
    signed = sign_checkpoint(old, 30, chain[-1].hash, chain[-1].at)
    AuditCheckpoint(seq=signed.seq, head_hash=signed.head_hash, at=signed.at,
                    key_id=signed.key_id, signature=signed.signature, reason="manual").save()
    pem = tmp_path / "old.pem"
    pem.write_text(public_key_pem(old.public_key()))
    assert cli_verify().exit_code == 1
    result = CliRunner().invoke(main, ["audit", "verify", "--public-key", str(pem)])
    assert result.exit_code == 0, result.output


def test_dropped_triggers_do_not_hide_a_deletion(chain):
    from vaultdoor.audit import triggers

    # What a database owner can always do; the test's transaction rolls the DDL back.
    with connection.cursor() as cursor:
        for statement in triggers._sql_uninstall(connection.vendor):
            cursor.execute(statement)
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 12")
    assert (failure().seq, failure().reason) == (12, DELETED)
