"""`vaultdoor check-config`: every setting checked at once, every problem named.

Most cases run in this process (CliRunner, the test database); what needs a server start of
its own (a setting that stops Django, a database before `vaultdoor init`, an unreachable
PostgreSQL) runs the real command in a subprocess with its own data directory.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.test_bad_input import vaultdoor
from vaultdoor.cli import main
from vaultdoor.config import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
# Left as the test run set them: the data directory and the database under test.
KEPT = {"VAULTDOOR_DATA_DIR", "VAULTDOOR_ENV", "VAULTDOOR_DATABASE_URL",
        "VAULTDOOR_TEST_DATABASE_URL"}
SECRET = "inline-secret-never-shown"


# --- the one list of settings ------------------------------------------------------------------

_READ = re.compile(r"""\b(?:env|env_bool|env_list)\(\s*["']([A-Z0-9_]+)["']"""
                   r"""|variable=["']([A-Z0-9_]+)["']""")
_LITERAL = re.compile(r"\bVAULTDOOR_[A-Z0-9_]*[A-Z0-9](?![\w*{])")


def _names_in_source() -> dict[str, str]:
    """Every VAULTDOOR_* name the package reads or mentions (tests excluded), with a file."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "vaultdoor").rglob("*.py")):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in _READ.finditer(text):
            found.setdefault(f"VAULTDOOR_{match.group(1) or match.group(2)}", str(path))
        for match in _LITERAL.finditer(text):
            found.setdefault(match.group(0), str(path))
    return found


def test_every_setting_read_in_the_code_is_known() -> None:
    names = _names_in_source()
    assert len(names) > 30  # the scan found the readers
    unknown = {name: where for name, where in names.items() if name not in SETTINGS}
    assert not unknown, f"add these to vaultdoor.config.SETTINGS (and the doc): {unknown}"


def test_every_known_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"`(VAULTDOOR_[A-Z0-9_]+)`", doc))
    assert sorted(set(SETTINGS) - rows) == []
    assert len(SETTINGS) == len(set(SETTINGS))


# --- in this process ---------------------------------------------------------------------------

@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("VAULTDOOR_") and name not in KEPT:
            monkeypatch.delenv(name)
    return monkeypatch


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check-config", *args])
    output = result.output
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert SECRET not in output
    return result.exit_code, output


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


@pytest.mark.django_db
def test_a_clean_environment_passes(clean_env: pytest.MonkeyPatch) -> None:
    status, output = run()
    assert status == 0, output
    assert error_lines(output) == []
    assert "reachable, every migration applied" in output
    assert output.splitlines()[-1].startswith("configuration OK")


def _files(tmp_path: Path) -> dict[str, str]:
    short = tmp_path / "short"
    short.write_bytes(b"short\n")
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"-----BEGIN NOTHING-----\nxx\n")
    return {"short": str(short), "garbage": str(garbage), "missing": str(tmp_path / "missing")}


# (variable, value, words in its error line); {short}, {garbage}, {missing}: files in tmp_path
BAD = [
    ("VAULTDOOR_DATA_DIR", "{garbage}", ["not a directory"]),
    ("VAULTDOOR_DEBUG", "maybe", ["true or false"]),
    ("VAULTDOOR_BEHIND_PROXY", "sometimes", ["true or false"]),
    ("VAULTDOOR_SECRET_KEY", SECRET, ["file reference"]),
    ("VAULTDOOR_SECRET_KEY", "file:{short}", ["at least 32 characters"]),
    ("VAULTDOOR_DATABASE_URL", "mysql://x/y", ["postgresql"]),
    ("VAULTDOOR_LOG_LEVEL", "LOUD", ["INFO"]),
    ("VAULTDOOR_BASE_URL", "ftp://x", ["http(s)"]),
    ("VAULTDOOR_AUDIT_SIGNING_KEY", "file:{garbage}", ["PEM"]),
    ("VAULTDOOR_AUDIT_SIGNING_KEY", SECRET, ["file reference"]),
    ("VAULTDOOR_AUDIT_CHECKPOINT_EVERY", "-1", ["0 (off) or more"]),
    ("VAULTDOOR_PIN_KEY", "file:{short}", ["16"]),
    ("VAULTDOOR_SNAPSHOT_SIGNING_KEY", "file:{garbage}", ["Ed25519"]),
    ("VAULTDOOR_PASSWORD_BLOCKLIST", "{missing}", ["cannot read"]),
    ("VAULTDOOR_ARGON2_MEMORY_KIB", "100", ["OWASP"]),
    ("VAULTDOOR_ARGON2_TIME_COST", "x", ["whole number"]),
    ("VAULTDOOR_IDENTITY_KEY", "file:{short}", ["at least 16"]),
    ("VAULTDOOR_REQUIRE_SECOND_FACTOR", "perhaps", ["true or false"]),
    ("VAULTDOOR_WEBAUTHN_RP_ID", "https://vaultdoor.example.com:8443", ["host name"]),
    ("VAULTDOOR_VAULT_KEYS", f"1={SECRET}", ["file reference"]),
    ("VAULTDOOR_VAULT_KEYS", "one=file:{short}", ["VERSION=file:/path"]),
    ("VAULTDOOR_VAULT_INDEX_KEY", "file:{short}", ["32 bytes"]),
    ("VAULTDOOR_VAULT_REVEAL_LIMIT", "0", ["from 1 up"]),
    ("VAULTDOOR_VAULT_REASON_MIN_LENGTH", "ten", ["whole number"]),
    ("VAULTDOOR_VAULT_PHONE_REGION", "XX", ["ISO 3166"]),
    ("VAULTDOOR_VETTING_RESCREEN_MONTHS", "x", ["whole number"]),
    ("VAULTDOOR_VETTING_ADVERSE_WAIT_DAYS", "-1", ["zero or more"]),
    ("VAULTDOOR_VETTING_WEBHOOK_KEY", "file:{missing}", ["cannot read"]),
    ("VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS", "0", ["1 to 3650"]),
    ("VAULTDOOR_MAIL_MAX_SIZE", "big", ["number of bytes"]),
    ("VAULTDOOR_MAIL_OUTBOUND_FROM", "10.0.0.0/8,office", ["office"]),
    ("VAULTDOOR_MAIL_BRANDS_FILE", "{missing}", ["cannot read"]),
    ("VAULTDOOR_MAIL_REQUIRE_TLS", "maybe", ["true or false"]),
    ("VAULTDOOR_MAIL_TLS_CERT", "{garbage}", ["give both or neither"]),
    ("VAULTDOOR_MAIL_NEXT_HOP_TLS", "always", ["opportunistic"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("variable", "value", "words"), BAD,
                         ids=[f"{v}={x[:12]}" for v, x, _ in BAD])
def test_each_bad_setting_is_named(clean_env: pytest.MonkeyPatch, tmp_path: Path, variable: str,
                                   value: str, words: list[str]) -> None:
    clean_env.setenv(variable, value.format(**_files(tmp_path)))
    if variable == "VAULTDOOR_DATABASE_URL":  # the test database's URL (CI) comes first
        clean_env.delenv("VAULTDOOR_TEST_DATABASE_URL", raising=False)
    status, output = run()
    assert status == 2, output
    lines = error_lines(output)
    assert len(lines) == 1, output
    assert lines[0].startswith(f"error: {variable}: "), output
    for word in words:
        assert word in lines[0], (word, output)


@pytest.mark.django_db
def test_gateway_certificate_and_ca_files_are_opened(clean_env: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    files = _files(tmp_path)
    clean_env.setenv("VAULTDOOR_MAIL_TLS_CERT", files["garbage"])
    clean_env.setenv("VAULTDOOR_MAIL_TLS_KEY", files["garbage"])
    status, output = run()
    assert status == 2
    assert [line.split(":")[1].strip() for line in error_lines(output)] == [
        "VAULTDOOR_MAIL_TLS_CERT"]
    assert "not a PEM certificate" in output
    clean_env.delenv("VAULTDOOR_MAIL_TLS_CERT")
    clean_env.delenv("VAULTDOOR_MAIL_TLS_KEY")
    clean_env.setenv("VAULTDOOR_MAIL_NEXT_HOP_TLS", "verify")
    clean_env.setenv("VAULTDOOR_MAIL_NEXT_HOP_CA", files["missing"])
    status, output = run()
    assert status == 2
    assert error_lines(output) == [
        f"error: VAULTDOOR_MAIL_NEXT_HOP_CA: no such file: {files['missing']}"]


@pytest.mark.django_db
def test_good_gateway_certificates_pass(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from vaultdoor.mail.tests.test_gateway_tls import make_certificate

    cert, key = make_certificate(tmp_path, "gateway")
    for name, value in {"VAULTDOOR_MAIL_TLS_CERT": cert, "VAULTDOOR_MAIL_TLS_KEY": key,
                        "VAULTDOOR_MAIL_REQUIRE_TLS": "true",
                        "VAULTDOOR_MAIL_NEXT_HOP_TLS": "verify",
                        "VAULTDOOR_MAIL_NEXT_HOP_CA": cert}.items():
        clean_env.setenv(name, str(value))
    status, output = run()
    assert status == 0, output
    assert error_lines(output) == []


@pytest.mark.django_db
def test_several_problems_are_all_reported_in_one_run(clean_env: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    bad = {"VAULTDOOR_DEBUG": "maybe", "VAULTDOOR_SECRET_KEY": SECRET,
           "VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS": "0", "VAULTDOOR_VAULT_REVEAL_LIMIT": "x",
           "VAULTDOOR_MAIL_MAX_SIZE": "big", "VAULTDOOR_WEBAUTHN_RP_ID": "a b"}
    for name, value in bad.items():
        clean_env.setenv(name, value)
    clean_env.setenv("VAULTDOOR_MAIL_REQUIRE_TSL", "true")
    status, output = run()
    assert status == 2
    named = sorted(line.split(":")[1].strip() for line in error_lines(output))
    assert named == sorted(bad)
    assert ("warning: VAULTDOOR_MAIL_REQUIRE_TSL: not a vaultdoor setting (did you mean "
            "VAULTDOOR_MAIL_REQUIRE_TLS?)") in output.splitlines()
    assert output.splitlines()[-1] == "configuration has 6 errors and 1 warning"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "hint"), [
    ("VAULTDOOR_MAIL_REQUIRE_TSL", " (did you mean VAULTDOOR_MAIL_REQUIRE_TLS?)"),
    ("VAULTDOOR_SECRETKEY", " (did you mean VAULTDOOR_SECRET_KEY?)"),
    ("VAULTDOOR_ZZZZZZZZZZZZZZZZZZZZ", ""),
])
def test_an_unknown_variable_is_a_warning_with_the_closest_setting(
        clean_env: pytest.MonkeyPatch, name: str, hint: str) -> None:
    clean_env.setenv(name, SECRET)  # its value is never shown either
    status, output = run()
    assert status == 0, output  # warnings alone pass
    assert f"warning: {name}: not a vaultdoor setting{hint}" in output.splitlines()
    assert output.splitlines()[-1] == "configuration OK (1 warning)"


@pytest.mark.django_db
def test_json_lists_errors_and_warnings(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("VAULTDOOR_LOG_LEVEL", "LOUD")
    clean_env.setenv("VAULTDOOR_VAULT_PHONE_REGION", "XX")
    clean_env.setenv("VAULTDOOR_MAIL_REQUIRE_TSL", "1")
    status, output = run("--json")
    assert status == 2
    report = json.loads(output)
    assert set(report) == {"errors", "warnings", "notes"}
    assert [e["setting"] for e in report["errors"]] == [
        "VAULTDOOR_LOG_LEVEL", "VAULTDOOR_VAULT_PHONE_REGION"]
    assert all(set(item) == {"setting", "message"}
               for item in report["errors"] + report["warnings"])
    assert report["warnings"] == [{
        "setting": "VAULTDOOR_MAIL_REQUIRE_TSL",
        "message": "not a vaultdoor setting (did you mean VAULTDOOR_MAIL_REQUIRE_TLS?)"}]
    clean_env.delenv("VAULTDOOR_LOG_LEVEL")
    clean_env.delenv("VAULTDOOR_VAULT_PHONE_REGION")
    status, output = run("--json")
    assert status == 0
    assert json.loads(output)["errors"] == []


@pytest.mark.django_db
def test_django_system_checks_are_reported(clean_env: pytest.MonkeyPatch) -> None:
    from django.core import checks

    def a_check(app_configs, **kwargs):
        return [checks.Error("VAULTDOOR_BASE_URL: something Django refused", id="test.E001"),
                checks.Warning("a warning of Django's own", id="test.W001")]

    checks.register(a_check)
    try:
        status, output = run()
    finally:
        checks.registry.registry.registered_checks.discard(a_check)
    assert status == 2
    lines = output.splitlines()
    assert "error: VAULTDOOR_BASE_URL: something Django refused [test.E001]" in lines
    assert "warning: django: a warning of Django's own [test.W001]" in lines


# --- a server start of its own (subprocess) -----------------------------------------------------

def test_a_setting_that_stops_django_is_an_error_and_the_rest_still_run(tmp_path: Path) -> None:
    result = vaultdoor("check-config", data_dir=tmp_path, env={
        "VAULTDOOR_ENV": "staging", "VAULTDOOR_PASSWORD_PROFILE": "bogus",
        "VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS": "99999"})
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2, result.stderr
    lines = result.stdout.splitlines()
    assert "error: VAULTDOOR_ENV: expected development or production" in lines
    assert [line.split(":")[1].strip() for line in lines if line.startswith("error: ")] == [
        "VAULTDOOR_ENV", "VAULTDOOR_PASSWORD_PROFILE", "VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS"]
    skipped = [line for line in lines if line.startswith("warning: VAULTDOOR_ENV: ")]
    assert len(skipped) == 1
    assert "not checked" in skipped[0] and "the database" in skipped[0]


def test_before_init_the_database_is_a_warning_to_run_init(tmp_path: Path) -> None:
    result = vaultdoor("check-config", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "run `vaultdoor init`" in result.stdout
    assert not (tmp_path / "vaultdoor.sqlite3").exists()  # checking created no database
    (tmp_path / "vaultdoor.sqlite3").touch()  # there, but nothing migrated
    result = vaultdoor("check-config", data_dir=tmp_path)
    assert result.returncode == 0
    assert re.search(r"warning: VAULTDOOR_DATABASE_URL: \d+ migration\(s\) not applied .*"
                     r"run `vaultdoor init`", result.stdout), result.stdout


def test_an_unreachable_database_names_it_without_the_password(tmp_path: Path) -> None:
    result = vaultdoor("check-config", data_dir=tmp_path, env={
        "VAULTDOOR_DATABASE_URL": "postgresql://reader:pa55word-never-shown@127.0.0.1:1/vd"})
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert "pa55word-never-shown" not in output
    assert "Traceback" not in output
    assert ("error: VAULTDOOR_DATABASE_URL: cannot reach the PostgreSQL database 'vd' on "
            "127.0.0.1:1 as reader") in output


def test_serve_refuses_to_start_with_a_bad_setting(tmp_path: Path) -> None:
    # The same checks run before the server starts: a bad value stops it here, with every
    # error named, instead of at the first request that reads it. (A good configuration
    # goes on to migrate and exec gunicorn: the edge tests start real servers that way.)
    result = vaultdoor("serve", "--bind", "127.0.0.1:1", data_dir=tmp_path,
                       env={"VAULTDOOR_VAULT_REVEAL_LIMIT": "0",
                            "VAULTDOOR_WEBAUTHN_RP_ID": "https://vd.example:8443/"})
    assert result.returncode == 2, result.stderr
    assert "VAULTDOOR_VAULT_REVEAL_LIMIT" in result.stderr
    assert "VAULTDOOR_WEBAUTHN_RP_ID" in result.stderr
    assert "the server does not start" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "vaultdoor.sqlite3").exists()  # nothing migrated
