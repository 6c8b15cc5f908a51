"""`vaultdoor vetting import FILE.csv`: every row validated, all or nothing, row-by-row
errors, progress on stderr, updates by provider reference."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vaultdoor.audit.models import AuditEvent
from vaultdoor.cli import main
from vaultdoor.vetting.models import BackgroundCheck, Finding
from vaultdoor.vetting.services import is_cleared
from vaultdoor.vetting.services.importer import CheckImportError, read_csv, validate_rows

from .conftest import MORNING, PRIYA_CARD, swipe

pytestmark = pytest.mark.django_db

HEADER = "person,site,provider,reference,scope,requested,completed,status,findings,notes\n"


def run(tmp_path, text: str, *args: str):
    path = tmp_path / "checks.csv"
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["vetting", "import", str(path), *args])


def test_imports_rows_and_doors_follow(site, person, tmp_path):
    text = HEADER + (
        "E1001,northgate,Acme,A-1,criminal,2026-11-01,2026-11-20,cleared,fraud,2018 case\n"
        "C2001,,Acme,A-2,identity,2026-11-01,2026-11-21,cleared,,\n"
    )
    result = run(tmp_path, text)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary == {"imported": True, "created": 2, "updated": 0, "findings": 1,
                       "people": 2, "vetting_changed": 2}
    assert "importing checks" in result.stderr
    assert swipe("D-FLOOR-1", PRIYA_CARD, MORNING)["reason"] == "vetting_required"
    lee = person("C2001")
    assert lee.vetting_status == "cleared" and is_cleared(lee, MORNING)
    assert AuditEvent.objects.filter(action="vetting.check_imported").count() == 2
    assert AuditEvent.objects.filter(action="vetting.import").count() == 1


def test_reimport_updates_by_reference_without_duplicating_findings(site, tmp_path):
    row = "E1001,,Acme,A-1,criminal,2026-11-01,{completed},{status},other,note\n"
    assert run(tmp_path, HEADER + row.format(completed="", status="pending")).exit_code == 0
    result = run(tmp_path, HEADER + row.format(completed="2026-11-20", status="cleared"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["updated"] == 1
    check = BackgroundCheck.objects.get(reference="A-1")
    assert check.status == "cleared" and str(check.rescreen_due) == "2029-11-20"
    assert Finding.objects.filter(background_check=check).count() == 1


def test_all_or_nothing_with_every_problem_listed(site, tmp_path):
    text = HEADER + (
        "E1001,,Acme,A-1,,,2026-11-20,cleared,,\n"          # fine
        "NOBODY,,Acme,A-2,,,2026-11-20,cleared,,\n"         # unknown person
        "E1002,,Acme,A-3,,,,cleared,,\n"                    # completed missing
        "E1003,,Acme,A-4,,,2026-13-01,maybe,arson,\n"       # bad date, status, category
        "E1005,,Acme,A-1,,,2026-11-20,cleared,,\n"          # repeated reference
    )
    result = run(tmp_path, text)
    assert result.exit_code == 2
    err = result.stderr
    assert "row 3: person: no person 'NOBODY'" in err
    assert "row 4: completed: required for a cleared check" in err
    assert "row 5: completed:" in err and "row 5: status:" in err
    assert "row 5: findings: unknown category 'arson'" in err
    assert "row 6: reference: repeats row 2" in err
    assert "nothing was imported" in err
    assert "Traceback" not in result.output
    assert not BackgroundCheck.objects.exists()


def test_header_problems(site, tmp_path):
    result = run(tmp_path, "person,provider,colour\nE1001,Acme,red\n")
    assert result.exit_code == 2
    assert "row 1: colour: unknown column" in result.stderr
    assert "row 1: status: required column missing" in result.stderr


def test_reference_of_another_person_is_refused(site):
    rows = validate_rows(read_csv(HEADER + "E1001,,Acme,A-9,,,,pending,,\n"))
    from vaultdoor.vetting.services.importer import import_checks

    import_checks(rows, actor="test", source="import")
    with pytest.raises(CheckImportError) as caught:
        validate_rows(read_csv(HEADER + "E1002,,Acme,A-9,,,,pending,,\n"))
    assert "another person's check" in str(caught.value.issues[0])


def test_dry_run_writes_nothing(site, tmp_path):
    result = run(tmp_path, HEADER + "E1001,,Acme,A-1,,,,pending,,\n", "--dry-run")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"valid_rows": 1, "imported": False}
    assert not BackgroundCheck.objects.exists()


def test_missing_file_is_one_clear_line(db, tmp_path):
    result = CliRunner().invoke(main, ["vetting", "import", str(tmp_path / "none.csv")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read")
