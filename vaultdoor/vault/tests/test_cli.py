"""`vaultdoor customers import` (row-by-row errors, exit 2, all or nothing) and `vaultdoor
vault` (status, rotate-keys interrupted and resumed, queues)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vaultdoor.cli.customers import customers
from vaultdoor.cli.vault import vault
from vaultdoor.vault.models import Customer, Queue

from .conftest import add_kek

pytestmark = pytest.mark.django_db

HEADER = ("queue,name,phones,email,postal_address,date_of_birth,account_number,card_number,"
          "card_expiry,notes\n")
GOOD = "billing,Ann Example,07911 123456,ann@example.org,,1980-01-02,1234,4929123456789015,01/35,\n"


def _write(tmp_path, text):
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_reports_every_error_and_imports_nothing(tmp_path, queue):
    bad = (HEADER + GOOD
           + "billing,Bad Card,07911 123456,b@example.org,,,,4929123456789016,01/35,\n"
           + "nowhere,Old Card,12,not-an-email,,31/12/1990,,4929123456789015,01/20,\n")
    result = CliRunner().invoke(customers, ["import", _write(tmp_path, bad)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("in.csv:")]
    assert lines == [
        "in.csv: line 3, card_number: card number fails the Luhn check",
        "in.csv: line 4, queue: no such queue (create it first)",
        "in.csv: line 4, phones: phone 1: not a valid phone number (read in region GB)",
        "in.csv: line 4, email: not an email address",
        "in.csv: line 4, date_of_birth: date of birth must be YYYY-MM-DD",
        "in.csv: line 4, card_expiry: card has expired",
    ]
    assert "4929123456789016" not in result.output
    assert "6 error(s) in in.csv; nothing was imported" in result.output
    assert not Customer.objects.exists()


def test_import_and_missing_columns(tmp_path, queue):
    result = CliRunner().invoke(customers, ["import", _write(tmp_path, HEADER + GOOD + GOOD)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[-1]) == {"imported": 2,
                                                          "by_queue": {"billing": 2}}
    result = CliRunner().invoke(customers, ["import", _write(tmp_path, "name,colour\nA,red\n")])
    assert result.exit_code == 2 and "line 1, queue: missing column" in result.output
    assert "line 1, colour: unknown column" in result.output
    assert CliRunner().invoke(customers, ["import", str(tmp_path / "absent.csv")]).exit_code == 2


def test_rotate_keys_interrupted_then_resumed(tmp_path, queue, monkeypatch):
    CliRunner().invoke(customers, ["import", _write(tmp_path, HEADER + GOOD * 5)])
    add_kek(monkeypatch, tmp_path, 2)
    status = json.loads(CliRunner().invoke(vault, ["status"]).output)
    assert status["records_by_version"] == {"1": 5} and status["current_version"] == 2
    stopped = CliRunner().invoke(vault, ["rotate-keys", "--batch-size", "2", "--stop-after", "2"])
    assert stopped.exit_code == 1 and "stopped after 2 records" in stopped.output
    assert "Traceback" not in stopped.output
    status = json.loads(CliRunner().invoke(vault, ["status"]).output)
    assert status["rotation_in_progress"] == {"target_version": 2, "rewrapped": 2}
    done = CliRunner().invoke(vault, ["rotate-keys"])
    assert done.exit_code == 0, done.output
    body = json.loads(done.output.splitlines()[-1])
    assert body == {"target_version": 2, "rewrapped": 3, "rewrapped_total": 5, "resumed": True}


def test_rotate_with_a_missing_old_key_fails_clearly(tmp_path, queue, monkeypatch):
    CliRunner().invoke(customers, ["import", _write(tmp_path, HEADER + GOOD)])
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"2=file:{tmp_path / 'kek1'}")  # wrong as v2
    from vaultdoor.vault.keys import reset_keys

    reset_keys()
    result = CliRunner().invoke(vault, ["rotate-keys"])
    assert result.exit_code == 1
    assert "vault key version 1 is not loaded" in result.output and "Traceback" not in (
        result.output)


def test_queues(django_user_model):
    django_user_model.objects.create_user("amy")
    assert CliRunner().invoke(vault, ["queue", "add", "retention", "Retention",
                                      "--kind", "campaign"]).exit_code == 0
    result = CliRunner().invoke(vault, ["queue", "assign", "retention", "--agent", "amy"])
    assert json.loads(result.output)["agents"] == ["amy"]
    assert Queue.objects.get(code="retention").kind == "campaign"
    assert CliRunner().invoke(vault, ["queue", "assign", "retention", "--agent",
                                      "nobody"]).exit_code == 2


def test_errors_name_the_line_a_record_starts_on_and_progress_counts_records(tmp_path, queue):
    """A quoted note may span lines: the error names the file's line, not the record's."""
    from vaultdoor.vault.services.importer import count_rows

    text = (HEADER
            + 'billing,Ann Example,07911 123456,ann@example.org,,,,,,"two\nline note"\n'
            + "billing,Bad Mail,07911 123456,not-an-email,,,,,,\n")
    result = CliRunner().invoke(customers, ["import", _write(tmp_path, text)])
    assert result.exit_code == 2
    assert "in.csv: line 4, email: not an email address" in result.output
    assert count_rows(text) == 2 and count_rows(HEADER) == 0 and count_rows("") == 0



def test_rows_with_extra_fields_or_broken_csv_are_errors_not_lost_data(tmp_path, queue):
    shifted = (HEADER + GOOD
               + "billing,Ann Example,07911 123456,ann@example.org,,,,,,,surplus\n"
               + "billing,Bad Mail,07911 123456,not-an-email,,,,,,\n")
    result = CliRunner().invoke(customers, ["import", _write(tmp_path, shifted)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("in.csv:")]
    assert lines == ["in.csv: line 3, (row): more fields than the header's 10 columns",
                     "in.csv: line 4, email: not an email address"]
    assert "surplus" not in result.output and not Customer.objects.exists()
    broken_csv = HEADER + GOOD + 'billing,"Ann" Example,07911 123456,,,,,,,\n'
    broken = CliRunner().invoke(customers, ["import", _write(tmp_path, broken_csv)])
    assert broken.exit_code == 2 and "line 3, (file): not readable as CSV" in broken.output
    assert "Traceback" not in broken.output
