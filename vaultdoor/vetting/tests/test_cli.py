"""`vaultdoor vetting status | refresh | webhook-key`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from vaultdoor.cli import main
from vaultdoor.vetting.models import BackgroundCheck
from vaultdoor.vetting.services.decisions import record_check, record_finding

pytestmark = pytest.mark.django_db


def test_status_shows_effective_vetting_and_checks(person):
    check = record_check(person("E1001"), provider="Acme", actor="hr")
    record_finding(check, category="fraud", actor="hr")
    result = CliRunner().invoke(main, ["vetting", "status", "E1001"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["cleared"] is False and out["findings"] == ["fraud"]
    assert {c["provider"] for c in out["checks"]} == {"Acme", "site file"}
    missing = CliRunner().invoke(main, ["vetting", "status", "NOBODY"])
    assert missing.exit_code == 2 and missing.stderr.startswith("error: no person")


def test_refresh_marks_lapsed_clearances_expired(person):
    lee = person("C2001")
    check = record_check(lee, provider="Acme", actor="hr")
    BackgroundCheck.objects.filter(pk=check.pk).update(
        status="cleared", completed=dt.date(2020, 1, 1), rescreen_due=dt.date(2023, 1, 1))
    result = CliRunner().invoke(main, ["vetting", "refresh"])
    assert result.exit_code == 0, result.output
    assert {"person": "C2001", "from": "pending", "to": "expired"} in json.loads(
        result.stdout)["changed"]
    lee.refresh_from_db()
    assert lee.vetting_status == "expired"


def test_webhook_key_is_printed_and_stable(db):
    first = CliRunner().invoke(main, ["vetting", "webhook-key"])
    second = CliRunner().invoke(main, ["vetting", "webhook-key"])
    assert first.exit_code == 0 and len(first.stdout.strip()) == 64
    assert first.stdout == second.stdout


def test_webhook_key_from_a_bad_reference(db, monkeypatch):
    monkeypatch.setenv("VAULTDOOR_VETTING_WEBHOOK_KEY", "inline-secret")
    result = CliRunner().invoke(main, ["vetting", "webhook-key"])
    assert result.exit_code == 1
    assert "file reference" in result.stderr and "Traceback" not in result.output
