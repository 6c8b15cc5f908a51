"""Canary scan: customers with planted values go in through the CSV import and the reveal and
export paths; no canary is found in the raw database file (SQLite, and a `pg_dump` on
PostgreSQL), the logs, the command output or the audit export."""

from __future__ import annotations

import io
import logging
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import connection

from vaultdoor.audit.export import export_log
from vaultdoor.cli.customers import customers
from vaultdoor.vault.models import Customer
from vaultdoor.vault.services.erasure import subject_access_export
from vaultdoor.vault.services.reveal import masked_view, reveal_field

pytestmark = pytest.mark.django_db(transaction=True)

# Distinctive values, each in the forms they could leak in.
CANARIES = {
    "name": ["Quillon Canarysmythe", "Canarysmythe"],
    "phone": ["7544654321", "07544 654321", "07544654321"],
    "email": ["quillon.canary-c4e1@example.net", "canary-c4e1"],
    "address": ["Canarybrook Mews"],
    "dob": ["1968-02-29"],
    "account": ["73194628"],
    "card": ["4556737586899855", "4556 7375 8689 9855"],
    "notes": ["canarynote-5d2b"],
}
CSV = (
    "queue,name,phones,email,postal_address,date_of_birth,account_number,card_number,"
    "card_expiry,notes\n"
    "billing,Quillon Canarysmythe,07544 654321;+44 20 7946 0999,"
    "Quillon.Canary-C4E1@example.net,\"4 Canarybrook Mews, Reading RG1 2AB\",1968-02-29,"
    "73194628,4556 7375 8689 9855,12/30,canarynote-5d2b\n"
    "billing,Plain Person,07911 111222,plain@example.net,,,,,,\n"
)


def _needles() -> list[bytes]:
    found = []
    for forms in CANARIES.values():
        for form in forms:
            found += [form.encode(), form.lower().encode(), form.encode("utf-16-le")]
    return found


def _leaks(blob: bytes) -> list[str]:
    lowered = blob.lower()
    return sorted({n.decode("latin-1") for n in _needles() if n.lower() in lowered})


def test_no_canary_in_database_logs_or_audit(queue, make_user, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    source = tmp_path / "customers.csv"
    source.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(customers, ["import", str(source)])
    assert result.exit_code == 0, result.output
    assert Customer.objects.count() == 2

    # every read path runs once: masked view, a reveal, a subject-access export
    agent = make_user("agent", queues=[queue])
    supervisor = make_user("supervisor", supervises=[queue])
    row = Customer.objects.exclude(card_bidx="").get()
    masked = masked_view(agent, row)
    assert "Canarysmythe" not in str(masked)
    assert reveal_field(agent, row, "account_number", "customer asked about the account",
                        stepped_up=True) == "73194628"
    assert reveal_field(supervisor, row, "card_number", "customer asked to confirm the card",
                        stepped_up=True) == "4556737586899855"
    assert subject_access_export(supervisor, row, reason="subject access request 7",
                                 stepped_up=True)["fields"]["notes"] == "canarynote-5d2b"

    # the audit export
    out = io.StringIO()
    export_log(out)
    audit_text = out.getvalue()
    assert "vault.reveal" in audit_text and "vault.import" in audit_text
    assert _leaks(audit_text.encode()) == []
    # the logs and the command's own output
    assert _leaks(caplog.text.encode()) == []
    assert _leaks(result.output.encode()) == []

    # the database itself, byte for byte
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        database = Path(settings["NAME"])
        raw = b"".join(p.read_bytes() for p in (database, Path(f"{database}-wal"))
                       if p.exists())
        assert len(raw) > 0
        assert _leaks(raw) == []
    else:
        assert connection.vendor == "postgresql"
        env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
        dump = subprocess.run(
            ["pg_dump", "--data-only", "-h", settings.get("HOST") or "127.0.0.1",
             "-p", str(settings.get("PORT") or 5432), "-U", settings.get("USER") or "postgres",
             settings["NAME"]],
            capture_output=True, env=env, check=True, timeout=120).stdout
        assert b"vault_customer" in dump
        assert _leaks(dump) == []


def test_a_canary_would_be_found(tmp_path):
    """The scanner itself works: a planted plaintext is reported."""
    assert _leaks(b"xx" + "Quillon Canarysmythe".encode("utf-16-le")) != []
    assert _leaks(b"... 4556737586899855 ...") == ["4556737586899855"]
