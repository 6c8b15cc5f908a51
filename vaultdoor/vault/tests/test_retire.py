"""`vaultdoor vault retire-key`: refused while any record is wrapped under the version (or it
is the newest), otherwise the key file is destroyed and the retirement audited; a backup taken
before the rotation no longer decrypts, while live records do; a retired version never wraps
again."""

from __future__ import annotations

import json
import uuid

import pytest
from click.testing import CliRunner

from vaultdoor.audit.models import AuditEvent
from vaultdoor.cli.customers import customers
from vaultdoor.cli.vault import vault
from vaultdoor.vault.keys import VaultKeyError, reset_keys
from vaultdoor.vault.models import Customer, RetiredKey
from vaultdoor.vault.services.erasure import erase_customer
from vaultdoor.vault.services.records import create_customer, decrypt_customer

from .conftest import CANARY, add_kek, canary_data

pytestmark = pytest.mark.django_db

HEADER = ("queue,name,phones,email,postal_address,date_of_birth,account_number,card_number,"
          "card_expiry,notes\n")
ROWS = ("billing,Ann Example,07911 123456,ann@example.org,,1980-01-02,1234,4929123456789015,"
        "01/35,\nbilling,Bob Example,020 7946 0999,bob@example.org,,,,,,\n")


def _retire(*args):
    return CliRunner().invoke(vault, ["retire-key", *args])


def test_retire_after_rotation_makes_old_backups_unreadable(tmp_path, queue, make_user,
                                                            monkeypatch):
    (tmp_path / "in.csv").write_text(HEADER + ROWS, encoding="utf-8")
    imported = CliRunner().invoke(customers, ["import", str(tmp_path / "in.csv")])
    assert imported.exit_code == 0, imported.output
    erased = create_customer(queue, canary_data(), actor="test")
    # the backup: every row as it is stored today (wrapped keys under version 1)
    backup = list(Customer.objects.all())
    assert decrypt_customer(next(b for b in backup if b.pk == erased.pk),
                            ["name"])["name"] == CANARY["name"]
    erase_customer(make_user("supervisor", supervises=[queue]), erased, reason="erasure 12")

    refused = _retire("1", "--reason", "quarterly retirement")
    assert refused.exit_code == 2 and "is the newest" in refused.output

    add_kek(monkeypatch, tmp_path, 2)
    refused = _retire("1", "--reason", "quarterly retirement")
    assert refused.exit_code == 2
    assert "2 record(s) are still wrapped under vault key version 1" in refused.output
    assert "Traceback" not in refused.output
    assert not RetiredKey.objects.exists() and (tmp_path / "kek1").exists()

    assert CliRunner().invoke(vault, ["rotate-keys"]).exit_code == 0
    assert _retire("1").exit_code == 2  # --reason is required
    done = _retire("1", "--reason", "quarterly retirement")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output.splitlines()[0]) == {
        "retired_version": 1, "file": str(tmp_path / "kek1"), "file_destroyed": True}
    assert "remove 1=... from VAULTDOOR_VAULT_KEYS" in done.output
    assert not (tmp_path / "kek1").exists()
    [event] = AuditEvent.objects.filter(action="vault.key_retired")
    assert event.target_id == "1" and event.actor == "cli"
    assert RetiredKey.objects.get().file_destroyed

    # the operator removes version 1 from the configuration, as told
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"2=file:{tmp_path / 'kek2'}")
    reset_keys()
    for row in backup:  # every record of the backup, the erased customer's included
        with pytest.raises(VaultKeyError, match="version 1 is not loaded"):
            decrypt_customer(row)
    live = Customer.objects.filter(erased=False)
    assert sorted(decrypt_customer(c, ["name"])["name"] for c in live) == [
        "Ann Example", "Bob Example"]
    status = json.loads(CliRunner().invoke(vault, ["status"]).output)
    assert status["retired_versions"] == [1] and status["warnings"] == []
    assert status["key_source"] == "VAULTDOOR_VAULT_KEYS"
    assert "already retired" in _retire("1", "--reason", "once more").output


def test_nothing_changes_when_the_key_file_cannot_be_destroyed(tmp_path, queue, monkeypatch):
    add_kek(monkeypatch, tmp_path, 2)
    monkeypatch.setattr("vaultdoor.vault.keys.os.access", lambda *a, **k: False)
    result = _retire("1", "--reason", "retire the old key")
    assert result.exit_code == 2 and "no permission to overwrite and remove" in result.output
    assert (tmp_path / "kek1").read_bytes() == bytes([1]) * 32
    assert not RetiredKey.objects.exists()
    assert not AuditEvent.objects.filter(action="vault.key_retired").exists()
    # a key kept in a key manager: record the retirement only
    marked = _retire("1", "--reason", "destroyed in the HSM", "--mark-only")
    assert marked.exit_code == 0, marked.output
    assert RetiredKey.objects.get(version=1).file_destroyed is False


def test_a_retired_version_never_wraps_again(tmp_path, queue, monkeypatch):
    add_kek(monkeypatch, tmp_path, 2)
    assert _retire("1", "--reason", "no records under it", "--mark-only").exit_code == 0
    # a process started before version 2 was added still holds version 1 as its newest
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"1=file:{tmp_path / 'kek1'}")
    reset_keys()
    with pytest.raises(VaultKeyError, match="version 1 is retired"):
        create_customer(queue, canary_data(), actor="test")
    (tmp_path / "in.csv").write_text(HEADER + ROWS, encoding="utf-8")
    result = CliRunner().invoke(customers, ["import", str(tmp_path / "in.csv")])
    assert result.exit_code == 1 and "version 1 is retired" in result.output
    assert not Customer.objects.exists()


def test_development_keys_in_the_data_directory(tmp_path, queue, monkeypatch):
    monkeypatch.delenv("VAULTDOOR_VAULT_KEYS")
    monkeypatch.setenv("VAULTDOOR_DATA_DIR", str(tmp_path / "data"))
    reset_keys()
    row = create_customer(queue, canary_data(), actor="test")  # generates vault-kek-1
    secrets = tmp_path / "data" / "secrets"
    assert (secrets / "vault-kek-1").exists()
    assert json.loads(CliRunner().invoke(vault, ["new-key"]).output)["version"] == 2
    assert CliRunner().invoke(vault, ["rotate-keys"]).exit_code == 0
    assert _retire("1", "--reason", "development rotation").exit_code == 0
    assert not (secrets / "vault-kek-1").exists() and (secrets / "vault-kek-2").exists()
    reset_keys()
    row.refresh_from_db()
    assert decrypt_customer(row, ["name"])["name"] == CANARY["name"]
    status = json.loads(CliRunner().invoke(vault, ["status"]).output)
    assert status["loaded_versions"] == [2]
    assert status["key_source"].startswith("development key files in ")
    assert "out of backups" in status["key_source"]


def _restore(row: Customer) -> None:
    """Put a row back as a backup held it (a database restored from that backup)."""
    columns = {f.attname: getattr(row, f.attname) for f in Customer._meta.concrete_fields
               if f.attname != "id"}
    Customer.objects.filter(pk=row.pk).update(**columns)


def test_erasures_reapplied_after_a_restore(tmp_path, queue, make_user):
    from vaultdoor.audit.export import export_log
    from vaultdoor.cli.audit import audit

    kept = create_customer(queue, canary_data(name="Kept Customer"), actor="test")
    gone = create_customer(queue, canary_data(), actor="test")
    backup = Customer.objects.get(pk=gone.pk)
    erase_customer(make_user("supervisor", supervises=[queue]), gone, reason="erasure 99")
    export = tmp_path / "audit.jsonl"
    with open(export, "w", encoding="utf-8", newline="\n") as out:
        export_log(out)
    key = tmp_path / "audit.pem"
    assert CliRunner().invoke(audit, ["public-key", "-o", str(key)]).exit_code == 0

    _restore(backup)  # the restore brings the erased customer back
    gone.refresh_from_db()
    assert not gone.erased and decrypt_customer(gone, ["name"])["name"] == CANARY["name"]

    # a tampered export changes nothing
    forged = tmp_path / "forged.jsonl"
    forged.write_text(export.read_text().replace("erasure 99", "erasure 98"), encoding="utf-8")
    bad = CliRunner().invoke(vault, ["reapply-erasures", str(forged), "--public-key", str(key)])
    assert bad.exit_code == 2 and "does not verify, nothing was erased" in bad.output
    gone.refresh_from_db()
    assert not gone.erased

    done = CliRunner().invoke(vault, ["reapply-erasures", str(export), "--public-key", str(key)])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output) == {"erasures_in_export": 1, "erased_now": [str(gone.pk)],
                                       "already_erased": 0, "not_in_database": 0}
    gone.refresh_from_db()
    assert gone.erased and gone.wrapped_key is None and gone.name_ct is None
    kept.refresh_from_db()
    assert not kept.erased
    reapplied = AuditEvent.objects.filter(action="vault.erase").order_by("-seq").first()
    assert reapplied.actor == "cli" and reapplied.target_id == str(gone.pk)
    again = CliRunner().invoke(vault, ["reapply-erasures", str(export), "--public-key", str(key)])
    assert json.loads(again.output)["already_erased"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_backup_file_reads_until_its_key_is_retired(tmp_path, queue, make_user,
                                                          monkeypatch):
    """The guarantee as docs/vault.md states it, on a real copy of the SQLite database: after
    an erasure alone, the backup still reads the erased customer (erasure does not reach
    backups by itself); after rotate-keys and retire-key, nothing in the backup reads."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("VACUUM INTO is SQLite's online backup")
    gone = create_customer(queue, canary_data(), actor="test")
    create_customer(queue, canary_data(name="Kept Customer"), actor="test")
    backup_file = tmp_path / "backup.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(backup_file)])
    erase_customer(make_user("supervisor", supervises=[queue]), gone, reason="erasure 31")

    def backup_rows() -> list[Customer]:
        with sqlite3.connect(backup_file) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM vault_customer").fetchall()
        fields = {f.column: f.attname for f in Customer._meta.concrete_fields}
        # sqlite3.Row iterates over values: its column names come from keys()
        return [Customer(**{**{fields[k]: row[k] for k in row.keys() if k in fields},  # noqa: SIM118
                            "id": uuid.UUID(row["id"])})
                for row in rows]

    # 1. erasure alone: the backup still holds the erased customer, readable with KEK 1
    assert CANARY["name"] in [decrypt_customer(c, ["name"])["name"] for c in backup_rows()]

    # 2. rotate, retire version 1: nothing in the backup unwraps any more
    add_kek(monkeypatch, tmp_path, 2)
    assert CliRunner().invoke(vault, ["rotate-keys"]).exit_code == 0
    assert _retire("1", "--reason", "monthly retirement").exit_code == 0
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"2=file:{tmp_path / 'kek2'}")
    reset_keys()
    rows = backup_rows()
    assert len(rows) == 2
    for row in rows:
        with pytest.raises(VaultKeyError, match="version 1 is not loaded"):
            decrypt_customer(row)
    assert not (tmp_path / "kek1").exists()
    raw = backup_file.read_bytes()
    assert CANARY["name"].encode() not in raw and b"Kept Customer" not in raw
