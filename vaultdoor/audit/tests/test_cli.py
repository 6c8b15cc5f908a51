"""`vaultdoor audit checkpoint | public-key | tail | verify --progress` through the click runner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vaultdoor.audit import record
from vaultdoor.audit.models import AuditCheckpoint
from vaultdoor.cli import main

pytestmark = pytest.mark.django_db


def run(*args: str):
    return CliRunner().invoke(main, ["audit", *args])


def test_checkpoint_signs_the_head():
    events = [record("auth.login", actor=f"user{n}") for n in range(3)]
    result = run("checkpoint")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"checkpoint at seq 3, head {events[-1].hash}, key ")
    row = AuditCheckpoint.objects.get()
    assert (row.seq, row.head_hash, row.reason) == (3, events[-1].hash, "manual")


def test_public_key_prints_pem():
    result = run("public-key")
    assert result.exit_code == 0
    assert result.output.startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in result.output


def test_tail_shows_latest_events_oldest_first():
    for n in range(5):
        record("access.decision", target_type="door", target_id=f"D-{n}", n=n)
    record("auth.login", actor="erin")
    result = run("tail", "-n", "2", "--action", "access.decision")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert "door:D-3" in lines[0] and "door:D-4" in lines[1]
    as_json = run("tail", "-n", "1", "--json")
    assert json.loads(as_json.output)["actor"] == "erin"
    assert run("tail", "--action", "auth.").output.count("auth.login") == 1


def test_verify_with_progress_bar():
    for n in range(3):
        record("access.decision", n=n)
    result = run("verify", "--progress")
    assert result.exit_code == 0
    assert "verifying" in result.stderr
    assert result.stdout.startswith("ok: 3 events, head ")


def test_bad_signing_key_reference_is_one_line(settings, tmp_path):
    settings.VAULTDOOR_AUDIT_SIGNING_KEY = f"file:{tmp_path}/missing.pem"
    result = run("checkpoint")
    assert result.exit_code == 2
    assert result.output.startswith("error: VAULTDOOR_AUDIT_SIGNING_KEY: cannot read")
    assert "Traceback" not in result.output


def test_signing_key_from_a_file_reference(settings, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vaultdoor.audit.signing import key_id

    key = Ed25519PrivateKey.generate()
    pem = tmp_path / "signing.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    settings.VAULTDOOR_AUDIT_SIGNING_KEY = f"file:{pem}"
    result = run("checkpoint")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith(f"key {key_id(key.public_key())}")


def test_generated_signing_key_is_private_and_kept(settings, tmp_path):
    from vaultdoor.audit.signing import load_or_create_signing_key

    first = load_or_create_signing_key(None, tmp_path)
    path = tmp_path / "secrets" / "audit-signing-key.pem"
    assert path.stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" in path.read_bytes()
    again = load_or_create_signing_key(None, tmp_path)
    assert again.public_key().public_bytes_raw() == first.public_key().public_bytes_raw()


def test_missing_tables_are_one_line(monkeypatch):
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("no such table: audit_auditevent")

    monkeypatch.setattr("vaultdoor.audit.verify.verify_database", broken)
    result = run("verify", "--no-progress")
    assert result.exit_code == 1
    assert result.output == ("error: cannot use the audit log: the database is not set up "
                             "(no such table: audit_auditevent): run `vaultdoor init` first\n")
