"""`vaultdoor password check`: one password on stdin, exit 0/1, JSON reasons."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model

from vaultdoor.cli import main


def _check(password: str, *args: str):
    result = CliRunner().invoke(main, ["password", "check", *args], input=password + "\n")
    return result.exit_code, result.output


def test_acceptable_password_exits_zero_with_json():
    code, out = _check("blue-heron-quarry-71")
    data = json.loads(out)
    assert code == 0
    assert data["acceptable"] is True and data["profile"] == "pci-dss-4"
    assert "blue-heron" not in out


def test_rejected_password_exits_one_with_reasons():
    code, out = _check("password123456", "--profile", "nist-800-63b")
    data = json.loads(out)
    assert code == 1
    assert {r["code"] for r in data["reasons"]} >= {"too_short", "blocklisted"}


def test_mfa_lowers_nist_minimum():
    assert _check("k7#Pq2!wZ", "--profile", "nist-800-63b")[0] == 1
    assert _check("k7#Pq2!wZ", "--profile", "nist-800-63b", "--mfa")[0] == 0


def test_bad_profile_and_empty_input_exit_two_without_traceback():
    code, out = _check("blue-heron-quarry-71", "--profile", "nope")
    assert code == 2 and "choose one of" in out and "Traceback" not in out
    result = CliRunner().invoke(main, ["password", "check"], input="")
    assert result.exit_code == 2


@pytest.mark.django_db
def test_user_option_checks_names():
    get_user_model().objects.create_user("mjones", first_name="Mary", last_name="Jones")
    code, out = _check("mary-jones-wharf-93", "--user", "mjones")
    assert code == 1
    assert "personal_name" in {r["code"] for r in json.loads(out)["reasons"]}
    code, out = _check("blue-heron-quarry-71", "--user", "nobody")
    assert code == 2 and "no user named" in out


def test_profiles_reports_the_blocklist_size_and_sources():
    result = CliRunner().invoke(main, ["password", "profiles"])
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert data["blocklist_size"] >= 100_000
    assert len(data["blocklist_sources"]) == 4
    assert set(data["profiles"]) == {"pci-dss-4", "nist-800-63b", "classic"}


def test_a_long_seclists_password_is_refused_by_the_command():
    code, out = _check("iloveyou12345678", "--profile", "nist-800-63b")
    assert code == 1
    assert "blocklisted" in {r["code"] for r in json.loads(out)["reasons"]}
