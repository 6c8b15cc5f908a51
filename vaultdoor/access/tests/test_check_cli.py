"""`vaultdoor access check`: state persists across separate processes; bad arguments exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from django.db import connection

from vaultdoor.access.models import DoorEvent
from vaultdoor.audit.models import AuditEvent
from vaultdoor.cli import main


def check(*args: str) -> dict:
    """Run `vaultdoor access check ARGS` in a new process against the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vaultdoor.access.tests.subprocess_settings",
        "VAULTDOOR_TEST_SUBPROCESS_DB": str(connection.settings_dict["NAME"]),
    }
    result = subprocess.run(
        [sys.executable, "-m", "vaultdoor", "access", "check", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_state_persists_across_processes(imported):
    at = "--at", "2026-12-01T08:{}:00"

    def when(minute: int) -> tuple[str, str]:
        return at[0], at[1].format(f"{minute:02d}")

    assert check("--door", "D-MAIN", "--card", "42:10231", *when(3))["decision"] == "grant"
    assert check("--door", "D-FLOOR-1", "--card", "42:10231", *when(5))["warnings"] == []
    again = check("--door", "D-FLOOR-1", "--card", "42:10231", *when(6))
    assert (again["decision"], again["warnings"]) == ("grant", ["anti_passback"])

    # Two-person vault: the first waits in one process, the second completes in another.
    for args in (("--card", "42:10232"), ("--card", "1042:300001", "--format", "h10304")):
        check("--door", "D-MAIN", *args, *when(10))
        check("--door", "D-STAIRS-B", *args, *when(11))
    first = check("--door", "D-VAULT", "--card", "42:10232", "--pin", "7315", *when(12))
    assert (first["decision"], first["reason"]) == ("pending", "awaiting_second_person")
    second = check("--door", "D-VAULT", "--card", "1042:300001", "--format", "h10304",
                   "--pin", "2290", "--at", "2026-12-01T08:12:08")
    assert (second["decision"], second["companions"]) == ("grant", ["E1002"])
    # Hard anti-passback on the vault, remembered by the next process.
    denied = check("--door", "D-VAULT", "--card", "42:10232", "--pin", "7315", *when(13))
    assert (denied["decision"], denied["reason"]) == ("deny", "anti_passback")

    assert DoorEvent.objects.count() == 10
    decisions = AuditEvent.objects.filter(action="access.decision")
    assert decisions.count() == 10
    assert all("7315" not in json.dumps(e.context) for e in decisions)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--door", "D-MAIN", "--card", "42-10231"], "expected FACILITY:NUMBER"),
        (["--door", "D-MAIN", "--raw", "twenty-six"], "expected BITS:HEX"),
        (["--door", "D-MAIN", "--card", "42:1", "--raw", "26:00"], "not both"),
        (["--door", "D-MAIN", "--format", "h10304"], "--format goes with --card"),
        (["--door", "D-NOPE", "--card", "42:1"], "no door 'D-NOPE'"),
        (["--door", "D-MAIN", "--card", "42:1", "--at", "noon"], "ISO 8601"),
        (["--door", "D-MAIN", "--direction", "up"], "Invalid value for '--direction'"),
    ],
)
def test_bad_arguments_give_one_clear_error_and_exit_2(imported, args, message):
    result = CliRunner().invoke(main, ["access", "check", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not DoorEvent.objects.exists()


@pytest.mark.django_db
def test_check_prints_one_json_decision(imported):
    result = CliRunner().invoke(main, [
        "access", "check", "--door", "D-FIRE-1", "--card", "42:10231",
        "--at", "2026-12-01T08:00",
    ])
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "decision": "deny", "reason": "door_locked", "person": None, "door": "D-FIRE-1",
        "zone": "call-floor-1", "warnings": [],
    }
    assert DoorEvent.objects.get().actor.startswith("cli")
