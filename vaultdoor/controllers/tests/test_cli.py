"""`vaultdoor controller add|code|list|revoke`: one clear line, exit statuses, no tracebacks."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from vaultdoor.cli import main
from vaultdoor.controllers.models import Controller

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[A-Z0-9]{5}(?:-[A-Z0-9]{5}){3}")


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_add_prints_a_code_and_list_shows_it(site):
    result = run("controller", "add", "ctl-1", "--doors", "D-MAIN,D-VAULT")
    assert result.exit_code == 0, result.output
    assert CODE.search(result.output)
    listed = json.loads(run("controller", "list", "--json").output)
    assert listed[0]["name"] == "ctl-1" and listed[0]["state"] == "not enrolled"
    assert listed[0]["doors"] == ["D-MAIN", "D-VAULT"]


def test_add_refuses_unknown_door_in_one_line(site):
    result = run("controller", "add", "ctl-1", "--doors", "D-NOPE")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: no active door D-NOPE at site northgate"]
    assert "Traceback" not in result.output


def test_bad_name_is_refused(site):
    result = run("controller", "add", "bad name!", "--doors", "D-MAIN")
    assert result.exit_code == 2 and result.output.startswith("error:")


def test_code_and_revoke(site):
    run("controller", "add", "ctl-1", "--doors", "D-MAIN")
    assert CODE.search(run("controller", "code", "ctl-1").output)
    assert run("controller", "revoke", "ctl-1").exit_code == 0
    assert Controller.objects.get(name="ctl-1").revoked
    again = run("controller", "revoke", "ctl-1")
    assert again.exit_code == 2 and "already revoked" in again.output
    assert run("controller", "code", "ctl-1").exit_code == 2


def test_unknown_controller_is_named(site):
    result = run("controller", "revoke", "nobody")
    assert result.exit_code == 2 and "no controller 'nobody'" in result.output
