"""`vaultdoor site validate` and `vaultdoor access simulate`: output, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.engine.sites import base
from vaultdoor.cli import main

DATA = Path(__file__).parent / "data"
SITE = DATA / "example-site.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_lists_every_problem_on_stderr(tmp_path: Path) -> None:
    data = base()
    data["people"][0]["credentials"][0]["facility"] = 300
    data["zones"][1]["anti_passbak"] = "hard"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    code, out, err = run("site", "validate", str(bad))
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "zones[1].anti_passbak: unknown key; did you mean 'anti_passback'?",
        "people[0].credentials[0].facility: must be between 0 and 255",
    ]


def test_validate_missing_file(tmp_path: Path) -> None:
    code, _, err = run("site", "validate", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert err.startswith("error: cannot read ")
    assert "Traceback" not in err


def test_validate_reads_stdin() -> None:
    result = CliRunner().invoke(main, ["site", "validate", "-"], input=SITE.read_bytes())
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: northgate:")


def test_validate_accepts_an_export_made_with_the_server_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vaultdoor.engine import PinHasher, dump_site, load_site

    key = tmp_path / "pin-key"
    key.write_bytes(b"k" * 32)
    monkeypatch.setenv("VAULTDOOR_PIN_KEY", f"file:{key}")
    site = load_site(SITE.read_text(), pin_hasher=PinHasher(b"k" * 32))
    exported = tmp_path / "export.yaml"
    exported.write_text(yaml.safe_dump(dump_site(site), sort_keys=False))
    assert run("site", "validate", str(exported))[0] == 0
    monkeypatch.setenv("VAULTDOOR_PIN_KEY", f"file:{tmp_path / 'other'}")
    (tmp_path / "other").write_bytes(b"o" * 32)
    code, _, err = run("site", "validate", str(exported))
    assert code == 2
    assert "PIN hash made with a different key" in err


def _simulate(tmp_path: Path, lines: list[str]) -> tuple[int, str, str]:
    swipes = tmp_path / "swipes.jsonl"
    swipes.write_text("\n".join(lines) + "\n")
    return run("access", "simulate", "--site", str(SITE), "--swipes", str(swipes))


GOOD = '{"at": "2026-12-01T08:03:00", "door": "D-MAIN", "card": {"facility": 42, "number": 10231}}'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "empty line"),
        ("   ", "empty line"),
        ("[1, 2]", "a swipe must be a JSON object"),
        ('"D-MAIN"', "a swipe must be a JSON object"),
        ("{not json", "not valid JSON"),
        ('{"at": "2026-12-01T08:00", "door": "D-NOWHERE"}', "door 'D-NOWHERE' is not declared"),
        ('{"at": "2026-12-01T08:00"}', "door is missing"),
        ('{"door": "D-MAIN"}', "at is missing"),
        ('{"at": "yesterday", "door": "D-MAIN"}', "at: 'yesterday' is not an ISO 8601"),
        ('{"at": "2026-13-01T08:00", "door": "D-MAIN"}', "at: '2026-13-01T08:00' is not"),
        ('{"at": 1764576000, "door": "D-MAIN"}', "at must be an ISO 8601 date-time string"),
        ('{"at": "2026-12-01T08:00", "door": "D-MAIN", "direction": "up"}', "direction must be"),
        ('{"at": "2026-12-01T08:00", "door": "D-MAIN", "biometric": "yes"}', "biometric must be"),
        ('{"at": "2026-12-01T08:00", "door": "D-TRAINING", "pin": 4821}', "pin must be a string"),
        ('{"at": "2026-12-01T08:00", "door": "D-MAIN", "card": "42:10231"}', "card must be"),
        ('{"at": "2026-12-01T08:00", "door": "D-MAIN", "card": {"number": 1}}', "card must be"),
        (
            '{"at": "2026-12-01T08:00", "door": "D-MAIN", "card": {"bits": "26", "data": "00"}}',
            "a raw card needs bits",
        ),
        (
            '{"at": "2026-12-01T08:00", "door": "D-MAIN", '
            '"card": {"format": "h99", "facility": 1, "number": 1}}',
            "card format must be h10301 or h10304",
        ),
        (
            '{"at": "2026-12-01T08:00", "door": "D-MAIN", "card": {"facility": "42", "number": 1}}',
            "card facility and number must be whole numbers",
        ),
        (
            '{"at": "2026-12-01T08:00", "door": "D-MAIN", '
            '"card": {"facility": 42, "number": 1, "bits": 26}}',
            "card must be",
        ),
    ],
)
def test_simulate_swipe_errors_name_the_line_and_print_no_decisions(
    tmp_path: Path, line: str, message: str
) -> None:
    code, out, err = _simulate(tmp_path, [GOOD, GOOD, GOOD, line, GOOD])
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: line 4: {message}"), err
    assert len(err.splitlines()) == 1


def test_simulate_reports_the_first_bad_line(tmp_path: Path) -> None:
    _, _, err = _simulate(tmp_path, [GOOD, "{}", "[]"])
    assert err.startswith("error: line 2: ")


def test_simulate_state_is_fresh_each_run(tmp_path: Path) -> None:
    first = _simulate(tmp_path, [GOOD])
    second = _simulate(tmp_path, [GOOD])
    assert first == second
    assert json.loads(first[1])["reason"] == "granted"


def test_simulate_unreadable_hex_is_a_decision_not_an_error(tmp_path: Path) -> None:
    line = '{"at": "2026-12-01T08:00", "door": "D-MAIN", "card": {"bits": 26, "data": "XYZ"}}'
    code, out, _ = _simulate(tmp_path, [line])
    assert code == 0
    assert json.loads(out)["reason"] == "unreadable_card"


def test_simulate_with_an_invalid_site(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("version: 2\n")
    swipes = tmp_path / "swipes.jsonl"
    swipes.write_text(GOOD + "\n")
    code, out, err = run("access", "simulate", "--site", str(site), "--swipes", str(swipes))
    assert code == 2
    assert out == ""
    assert any(line.startswith(f"{site}: version: must be 1") for line in err.splitlines())


def test_simulate_missing_swipes_file(tmp_path: Path) -> None:
    code, out, err = run(
        "access", "simulate", "--site", str(SITE), "--swipes", str(tmp_path / "none.jsonl")
    )
    assert code == 2 and out == ""
    assert err.startswith("error: cannot read ")


def test_simulate_empty_swipes_file_prints_nothing(tmp_path: Path) -> None:
    swipes = tmp_path / "swipes.jsonl"
    swipes.write_text("")
    code, out, _ = run("access", "simulate", "--site", str(SITE), "--swipes", str(swipes))
    assert (code, out) == (0, "")


def test_simulate_an_export_with_the_server_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vaultdoor.engine import PinHasher, dump_site, load_site

    key = tmp_path / "pin-key"
    key.write_bytes(b"s" * 32)
    monkeypatch.setenv("VAULTDOOR_PIN_KEY", f"file:{key}")
    exported = tmp_path / "export.yaml"
    site = load_site(SITE.read_text(), pin_hasher=PinHasher(b"s" * 32))
    exported.write_text(yaml.safe_dump(dump_site(site), sort_keys=False))
    swipes = tmp_path / "swipes.jsonl"
    swipes.write_text('{"at": "2026-12-01T10:05:00", "door": "D-TRAINING", "pin": "4821"}\n')
    code, out, _ = run("access", "simulate", "--site", str(exported), "--swipes", str(swipes))
    assert code == 0
    assert json.loads(out)["person"] == "E1001"
