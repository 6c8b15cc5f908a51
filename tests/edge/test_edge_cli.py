"""`vaultdoor edge`: clear one-line errors, never a traceback (no server, no daemon here)."""

from __future__ import annotations

from click.testing import CliRunner

from vaultdoor.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_run_without_enrolment(tmp_path):
    result = run("edge", "run", "--data-dir", str(tmp_path))
    assert result.exit_code == 1
    assert "vaultdoor edge enroll" in result.output and "Traceback" not in result.output


def test_swipe_without_a_running_controller(tmp_path):
    result = run("edge", "swipe", "--data-dir", str(tmp_path), "--door", "D1", "--card", "1:2")
    assert result.exit_code == 1
    assert "no controller running" in result.output


def test_swipe_needs_a_credential(tmp_path):
    result = run("edge", "swipe", "--data-dir", str(tmp_path), "--door", "D1")
    assert result.exit_code == 2


def test_enroll_with_a_bad_url(tmp_path):
    result = run("edge", "enroll", "--server", "ftp://x", "--code", "A", "--data-dir",
                 str(tmp_path))
    assert result.exit_code == 2 and result.output.startswith("error:")


def test_enroll_with_no_server(tmp_path):
    result = run("edge", "enroll", "--server", "http://127.0.0.1:9", "--code", "A",
                 "--data-dir", str(tmp_path))
    assert result.exit_code == 1 and "cannot reach" in result.output
