"""`vaultdoor audit export` and the offline verifier: files that were cut, edited or re-signed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vaultdoor.audit import record
from vaultdoor.audit.export import export_log
from vaultdoor.audit.models import AuditCheckpoint
from vaultdoor.audit.offline import ExportFormatError, verify_export
from vaultdoor.audit.recorder import checkpoint, signing_key
from vaultdoor.audit.signing import public_key_pem, sign_checkpoint
from vaultdoor.cli import main
from vaultdoor.engine.chain import ChainBroken

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(settings, tmp_path) -> tuple[Path, Path, list[str]]:
    """An export of 40 events with stored checkpoints at 10, 20, 30, 40 and a closing one."""
    settings.VAULTDOOR_AUDIT_CHECKPOINT_EVERY = 10
    for n in range(40):
        record("access.decision", target_type="door", target_id="D-1", n=n, pin="48213")
    path, key = tmp_path / "audit.jsonl", tmp_path / "audit.pem"
    result = CliRunner().invoke(main, ["audit", "export", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("exported 40 events to ")
    result = CliRunner().invoke(main, ["audit", "public-key", "-o", str(key)])
    assert result.exit_code == 0, result.output
    return path, key, path.read_text(encoding="utf-8").splitlines(keepends=True)


def offline(lines: list[str]):
    return verify_export(lines, [signing_key().public_key()])


def failure(lines: list[str]) -> ChainBroken:
    with pytest.raises(ChainBroken) as info:
        offline(lines)
    return info.value


def event_line(lines: list[str], seq: int) -> int:
    for index, line in enumerate(lines):
        data = json.loads(line)
        if data["type"] == "event" and data["seq"] == seq:
            return index
    raise AssertionError(f"no event {seq}")


def test_export_layout(exported):
    _, _, lines = exported
    kinds = [json.loads(line)["type"] for line in lines]
    assert kinds[0] == "header"
    assert kinds.count("event") == 40
    # the automatic checkpoints at 10..40, then the one the export signed (also at 40)
    assert [json.loads(line)["seq"] for line in lines if '"type":"checkpoint"' in line] == [
        10, 20, 30, 40, 40]
    assert kinds[-1] == "checkpoint"
    # the PIN was redacted before it was ever stored
    events = [json.loads(line) for line in lines if '"type":"event"' in line]
    assert {event["context"]["pin"] for event in events} == {"[redacted]"}
    assert AuditCheckpoint.objects.filter(reason="export").count() == 1


def test_intact_export_verifies_offline(exported):
    path, key, lines = exported
    summary = offline(lines)
    assert (summary.count, summary.checkpoints) == (40, 5)
    result = CliRunner().invoke(
        main, ["audit", "verify", "--file", str(path), "--public-key", str(key)])
    assert result.exit_code == 0, result.output
    first, second = result.output.splitlines()
    assert first == f"ok: 40 events, head {summary.head_hash}"
    assert second.startswith(f"signed by key {summary.key_id} at 20")
    assert second.endswith("(seq 40)")


def test_offline_verification_needs_no_django(exported):
    path, key, _ = exported
    script = (
        "import sys\n"
        "from vaultdoor.cli import main\n"
        f"sys.argv = ['vaultdoor', 'audit', 'verify', '--file', {str(path)!r}, "
        f"'--public-key', {str(key)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print('django modules:', loaded)\n"
        "sys.exit(code)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(path.parent)}  # no settings, no database URL
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 40 events, head ")
    assert "django modules: []" in done.stdout


def test_edited_event_line(exported):
    *_, lines = exported
    i = event_line(lines, 17)
    lines[i] = lines[i].replace('"n":16', '"n":99')
    assert (failure(lines).seq, failure(lines).reason) == (
        17, "hash mismatch (row edited or reordered)")


def test_deleted_event_line(exported):
    path, key, lines = exported
    del lines[event_line(lines, 17)]
    assert (failure(lines).seq, failure(lines).reason) == (17, "missing (row deleted)")
    path.write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["audit", "verify", "--file", str(path), "--public-key", str(key)])
    assert result.exit_code == 1
    assert "audit chain broken at seq 17: missing (row deleted)" in result.output


def test_inserted_event_line(exported):
    *_, lines = exported
    i = event_line(lines, 17)
    lines.insert(i, lines[i])
    assert (failure(lines).seq, failure(lines).reason) == (17, "unexpected (row inserted)")


def test_reordered_event_lines(exported):
    *_, lines = exported
    i, j = event_line(lines, 17), event_line(lines, 18)
    lines[i], lines[j] = lines[j], lines[i]
    assert failure(lines).seq == 17


def test_truncated_file(exported):
    *_, lines = exported
    cut = lines[: event_line(lines, 35) + 1]
    error = failure(cut)
    assert error.seq == 36
    assert "file truncated" in error.reason


def test_truncated_file_with_a_forged_closing_checkpoint(exported):
    *_, lines = exported
    cut = lines[: event_line(lines, 35) + 1]
    event = json.loads(cut[-1])
    forged = sign_checkpoint(Ed25519PrivateKey.generate(), 35, event["hash"],
                             signing_key_time(event))
    cut.append(json.dumps({"type": "checkpoint", **forged.to_dict()}) + "\n")
    assert "unknown key" in failure(cut).reason


def test_edited_checkpoint_line(exported):
    *_, lines = exported
    data = json.loads(lines[-1])
    data["at"] = "2030-01-01T00:00:00.000000Z"
    lines[-1] = json.dumps(data) + "\n"
    assert "checkpoint signature bad" in failure(lines).reason


def test_wrong_public_key(exported, tmp_path):
    path, _, _ = exported
    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(Ed25519PrivateKey.generate().public_key()))
    result = CliRunner().invoke(
        main, ["audit", "verify", "--file", str(path), "--public-key", str(other)])
    assert result.exit_code == 1
    assert "unknown key" in result.output


def test_not_an_export(tmp_path, exported):
    _, key, _ = exported
    junk = tmp_path / "junk.jsonl"
    junk.write_text("hello\n")
    result = CliRunner().invoke(
        main, ["audit", "verify", "--file", str(junk), "--public-key", str(key)])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "line 1: not JSON" in result.output
    with pytest.raises(ExportFormatError):
        offline([])


def test_file_without_public_key_is_a_usage_error(exported):
    path, _, _ = exported
    result = CliRunner().invoke(main, ["audit", "verify", "--file", str(path)])
    assert result.exit_code == 2
    assert "--public-key" in result.output


def test_export_of_an_empty_log_verifies():
    out = io.StringIO()
    result = export_log(out)
    assert result.count == 0
    summary = offline(out.getvalue().splitlines(keepends=True))
    assert (summary.count, summary.head_seq) == (0, 0)


def test_events_recorded_after_the_export_checkpoint_are_left_out():
    record("auth.login")
    checkpoint()
    out = io.StringIO()
    export_log(out)
    record("auth.logout")
    assert offline(out.getvalue().splitlines(keepends=True)).count == 1


def signing_key_time(event: dict):
    from vaultdoor.engine.chain import parse_time

    return parse_time(event["at"])


def test_export_to_stdout():
    record("auth.login")
    result = CliRunner().invoke(main, ["audit", "export", "-"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines(keepends=True)
    assert offline(lines).count == 1
    assert result.stderr.startswith("exported 1 event to -")


def test_unhashed_field_added_to_an_event_line(exported):
    *_, lines = exported
    i = event_line(lines, 5)
    data = json.loads(lines[i])
    data["note"] = "approved by the CEO"
    lines[i] = json.dumps(data) + "\n"
    with pytest.raises(ExportFormatError, match=f"line {i + 1}: malformed event"):
        offline(lines)
