"""Bad input across the `vaultdoor` command line: one clear `error:` line naming the field,
file, line or setting; a non-zero exit (2 for input and configuration, 1 for operational
failures); never a traceback; nothing half written.

Settings and a missing or unreachable database are read when Django starts, so those cases
run the real command in a subprocess with its own data directory; the rest use CliRunner.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

CLI = [sys.executable, "-c", "from vaultdoor.cli import main; main()"]
SPEC = Path(__file__).resolve().parents[1] / "engine" / "data" / "example-site.yaml"


def vaultdoor(*args: str, data_dir: Path, env: dict[str, str] | None = None,
              stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith("VAULTDOOR_") and k != "DJANGO_SETTINGS_MODULE"}
    environ["VAULTDOOR_DATA_DIR"] = str(data_dir)
    environ.update(env or {})
    done = subprocess.run([*CLI, *args], input=stdin, capture_output=True, env=environ,
                          timeout=120, check=False)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode(errors="replace"),
                                       done.stderr.decode(errors="replace"))


def one_error(result: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    """Exactly one `error:` line on stderr, containing `words`; no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == status, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


# --- before `vaultdoor init`, and a database that cannot be reached ------------------------------

@pytest.mark.parametrize("args", [
    ("controller", "list"),
    ("site", "import", str(SPEC)),
    ("user", "create", "--role", "it", "--username", "bob"),
    ("vetting", "refresh"),
    ("compliance", "report"),
])
def test_before_init_says_run_init(tmp_path: Path, args: tuple[str, ...]) -> None:
    one_error(vaultdoor(*args, data_dir=tmp_path), 1, "not set up", "vaultdoor init")


@pytest.mark.parametrize("args", [("init",), ("controller", "list")])
def test_unreachable_postgresql_is_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = vaultdoor(*args, data_dir=tmp_path, env={
        "VAULTDOOR_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x"})
    one_error(result, 1, "cannot reach the database", "VAULTDOOR_DATABASE_URL")


# --- bad VAULTDOOR_* settings -------------------------------------------------------------------

@pytest.mark.parametrize(("variable", "value", "words"), [
    ("VAULTDOOR_ENV", "bogus", ["VAULTDOOR_ENV"]),
    ("VAULTDOOR_DEBUG", "maybe", ["VAULTDOOR_DEBUG", "true or false"]),
    ("VAULTDOOR_SECRET_KEY", "inline-secret", ["VAULTDOOR_SECRET_KEY", "file reference"]),
    ("VAULTDOOR_SECRET_KEY", "file:/nonexistent/key", ["VAULTDOOR_SECRET_KEY", "cannot read"]),
    ("VAULTDOOR_DATABASE_URL", "mysql://x/y", ["VAULTDOOR_DATABASE_URL", "postgresql"]),
    ("VAULTDOOR_DATABASE_URL", "postgresql://u:p@ss@h:x/db", ["VAULTDOOR_DATABASE_URL"]),
    ("VAULTDOOR_LOG_LEVEL", "LOUD", ["VAULTDOOR_LOG_LEVEL", "INFO"]),
])
def test_bad_setting_names_the_variable(tmp_path: Path, variable: str, value: str,
                                        words: list[str]) -> None:
    result = vaultdoor("controller", "list", data_dir=tmp_path, env={variable: value})
    one_error(result, 2, *words)
    assert "p@ss" not in result.stderr  # a database password is never echoed


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    one_error(vaultdoor("init", data_dir=not_a_dir), 2, "VAULTDOOR_DATA_DIR", "not a directory")


# --- files that commands read without the database (CliRunner) ----------------------------------

def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from vaultdoor.cli import main

    result = CliRunner().invoke(main, list(args), input=stdin)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _public_key(folder: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = folder / "key.pem"
    path.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return path


DEEP_JSON = b"[" * 100_000 + b"\n"
SWIPE = (b'{"at": "2026-12-01T08:03:00", "door": "D-MAIN", '
         b'"card": {"format": "h10301", "facility": 42, "number": 10231}}\n')


@pytest.mark.parametrize(("case", "content", "status", "words"), [
    # an alias inside its own anchor looped for ever
    ("validate-cycle", b"a: &a [*a]\n", 2, ["cycle"]),
    ("simulate-deep-json", DEEP_JSON, 2, ["line 1", "nested too deeply"]),
    ("simulate-not-utf8", b"\xff\xfe\x00", 2, ["not UTF-8"]),
    ("simulate-truncated", SWIPE[:40], 2, ["line 1", "not valid JSON"]),
    ("verify-deep-json", DEEP_JSON, 1, ["line 1", "nested too deeply"]),
])
def test_bad_file_is_one_line(tmp_path: Path, case: str, content: bytes, status: int,
                              words: list[str]) -> None:
    bad = tmp_path / "bad"
    bad.write_bytes(content)
    args = {
        "validate-cycle": ["site", "validate", str(bad)],
        "simulate-deep-json": ["access", "simulate", "--site", str(SPEC), "--swipes", str(bad)],
        "simulate-not-utf8": ["access", "simulate", "--site", str(SPEC), "--swipes", str(bad)],
        "simulate-truncated": ["access", "simulate", "--site", str(SPEC), "--swipes", str(bad)],
        "verify-deep-json": ["audit", "verify", "--file", str(bad), "--public-key",
                             str(_public_key(tmp_path))],
    }[case]
    code, out, err = run(*args)
    assert code == status, err
    assert "Traceback" not in err
    if case != "validate-cycle":  # validate prints the issue itself, no `error:` prefix
        assert err.startswith("error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err
    assert out == ""


def test_swipes_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    swipes = tmp_path / "swipes.jsonl"
    swipes.write_bytes(b"\xef\xbb\xbf" + SWIPE)
    code, out, err = run("access", "simulate", "--site", str(SPEC), "--swipes", str(swipes))
    assert (code, err) == (0, "")
    assert '"decision": "grant"' in out


# --- commands on the database: refused whole, nothing written (CliRunner, test database) --------

@pytest.fixture
def site(db):  # pytest-django's db fixture
    from vaultdoor.access.services.importer import import_site_text

    import_site_text(SPEC.read_text(encoding="utf-8"), actor="test")


def one_line(result: tuple[int, str, str], status: int, *words: str) -> None:
    code, _out, err = result
    assert "Traceback" not in err
    assert code == status, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "words"), [
    (["user", "create", "--role", "it", "--username", "a b/c"], ["username", "letters"]),
    (["user", "create", "--role", "it", "--username", "u" * 151], ["username", "150"]),
    (["user", "create", "--role", "it", "--username", "dave", "--email", "nope"], ["email"]),
    (["demo", "admin", "--username", ""], ["username"]),
    (["demo", "admin", "--username", "x y"], ["username"]),
    (["vault", "queue", "add", "a b/c", "Q"], ["CODE"]),
    (["vault", "queue", "add", "q" * 51, "Q"], ["CODE", "50"]),
    (["vault", "queue", "add", "okcode", ""], ["NAME"]),
    # names that do not exist: exit 2 like every other user subcommand (unlock exited 0 and
    # audited an unlock of nobody; token revoke exited 1)
    (["user", "unlock", "ghost"], ["no user named 'ghost'"]),
    (["user", "link", "ghost"], ["no user named 'ghost'"]),
    (["user", "disable", "ghost", "--reason", "left the company"], ["no user named 'ghost'"]),
    (["token", "revoke", "nosuchkey"], ["no token with key id 'nosuchkey'"]),
])
def test_bad_names_are_refused_and_nothing_is_created(args: list[str],
                                                      words: list[str]) -> None:
    from django.contrib.auth import get_user_model

    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.vault.models import Queue

    one_line(run(*args), 2, *words)
    assert not get_user_model().objects.exists()
    assert not Queue.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", " ", "n" * 101])
def test_token_name_is_checked(name: str) -> None:
    from vaultdoor.identity.models import ApiToken
    from vaultdoor.identity.services.accounts import create_account

    create_account("carol", role="it", actor="test")
    one_line(run("token", "create", "--user", "carol", "--name", name, "--scope", "read"), 2,
             "name")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_queue_assign_is_all_or_nothing() -> None:
    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.identity.services.accounts import create_account
    from vaultdoor.vault.models import Queue

    create_account("carol", role="agent", actor="test")
    queue = Queue.objects.create(code="billing", name="Billing")
    before = AuditEvent.objects.count()
    one_line(run("vault", "queue", "assign", "billing", "--agent", "carol", "--agent", "ghost",
                 "--supervisor", "nobody"), 2, "'ghost'", "'nobody'", "nobody was assigned")
    assert not queue.agents.exists()  # carol was assigned before the error, once
    assert AuditEvent.objects.count() == before
    code, _, err = run("vault", "queue", "assign", "billing", "--agent", "carol")
    assert (code, err) == (0, "")
    assert list(queue.agents.values_list("username", flat=True)) == ["carol"]
    assert AuditEvent.objects.order_by("-seq").first().action == "vault.queue_assigned"


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "words"), [
    (["a b/c", "--doors", "D-MAIN"], ["NAME:", "ASCII"]),
    (["", "--doors", "D-MAIN"], ["NAME:", "blank"]),
    (["c" * 101, "--doors", "D-MAIN"], ["NAME:", "100"]),
])
def test_controller_add_names_the_field(site: None, args: list[str], words: list[str]) -> None:
    from vaultdoor.controllers.models import Controller

    one_line(run("controller", "add", *args), 2, *words)
    assert not Controller.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "words"), [
    (["template", "n" * 101, "--subject", "s", "--from", "a@b.example"], ["NAME:", "100"]),
    (["template", "t", "--subject", " ", "--from", "a@b.example"], ["--subject:"]),
    (["template", "t", "--subject", "s", "--from", "a@b.example", "NOLINK"],
     ["--html-file:", "{{ link }}"]),
    (["landing-page", "p" * 101, "--title", "t"], ["NAME:", "100"]),
    (["landing-page", "p", "--title", "t", "--field", "<input name=pw>"],
     ["--field:", "Plain text only"]),
    (["landing-page", "p", "--title", "t", "--button", "b" * 61], ["--button:", "60"]),
    (["profile", "r" * 101, "--smtp", "smtp.example:587"], ["NAME:", "100"]),
    (["profile", "r", "--smtp", "smtp.example:0"], ["--smtp:", "65535"]),
    (["profile", "r", "--smtp", "smtp.example:587", "--username", "u", "--password-file",
      "hunter2"], ["--password-file:", "never the password"]),
    (["profile", "r", "--smtp", "smtp.example:587", "--username", "u" * 255,
      "--password-file", "file:/nonexistent/pw"], ["--username:", "--password-file:"]),
    (["training-module", "Not A Code", "--title", "t"], ["CODE:", "lowercase"]),
    (["training-module", "m", "--title", "t" * 201], ["--title:", "200"]),
])
def test_campaign_library_commands_name_the_option(tmp_path: Path, args: list[str],
                                                   words: list[str]) -> None:
    """`mail campaign template|landing-page|profile|training-module` check what they save
    as the console does (the model's fields and `vaultdoor.mail.library`); nothing is
    written (on PostgreSQL a too-long name was a database error)."""
    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.mail.models import LandingPage, MessageTemplate, SendingProfile, TrainingModule

    html = tmp_path / "t.html"
    html.write_text('<a href="{{ link }}">x</a>', encoding="utf-8")
    nolink = tmp_path / "nolink.html"
    nolink.write_text("<p>no link</p>", encoding="utf-8")
    text = tmp_path / "t.txt"
    text.write_text("A lesson.", encoding="utf-8")
    args = [a for a in args if a != "NOLINK"]
    if args[0] == "template":
        args += ["--html-file", str(nolink if "{{ link }}" in words else html)]
    if args[0] == "training-module":
        args += ["--text-file", str(text)]
    one_line(run("mail", "campaign", *args), 2, *words)
    for model in (MessageTemplate, LandingPage, SendingProfile, TrainingModule):
        assert not model.objects.exists()
    assert not AuditEvent.objects.exists()


def test_controller_offline_grace_has_a_ceiling() -> None:
    code, _, err = run("controller", "add", "c1", "--doors", "D-MAIN", "--offline-grace",
                       str(2**63))
    assert code == 2 and "--offline-grace" in err and "Traceback" not in err


# --- CSV imports ---------------------------------------------------------------------------------

CUSTOMERS_HEADER = ("queue,name,phones,email,postal_address,date_of_birth,account_number,"
                    "card_number,card_expiry,notes\n")
CHECKS_HEADER = "person,site,provider,reference,scope,requested,completed,status,findings,notes\n"


@pytest.mark.django_db
@pytest.mark.parametrize(("command", "content", "words"), [
    ("customers", CUSTOMERS_HEADER.encode() + "billing,Jos\xe9\n".encode("latin-1"),
     ["line 2", "not UTF-8"]),
    ("vetting", CHECKS_HEADER.encode() + "P1,s,acm\xe9\n".encode("latin-1"),
     ["line 2", "not UTF-8"]),
    ("customers", "\n".join([CUSTOMERS_HEADER.strip() + ",queue", "billing,Ann"]).encode(),
     ["line 1, queue: column appears more than once"]),
    # cut inside a quoted cell: the last row used to swallow the rest and import
    ("vetting", (CHECKS_HEADER + 'P1,s,acme,R1,std,2026-01-01,2026-01-10,cleared,,"cut'
                 ).encode(), ["row 2: not readable as CSV"]),
])
def test_bad_csv_imports_nothing(tmp_path: Path, command: str, content: bytes,
                                 words: list[str]) -> None:
    from vaultdoor.vault.models import Customer
    from vaultdoor.vetting.models import BackgroundCheck

    path = tmp_path / "in.csv"
    path.write_bytes(content)
    code, out, err = run(command, "import", str(path))
    assert code == 2 and out == "" and "Traceback" not in err, err
    assert err.splitlines()[-1].startswith("error: ")
    for word in words:
        assert word in err
    assert not Customer.objects.exists() and not BackgroundCheck.objects.exists()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
                        max_size=10), min_size=1, max_size=6), st.data())
def test_read_text_names_the_line_that_is_not_utf8(lines: list[str], data: st.DataObject) -> None:
    import tempfile

    from vaultdoor.cli._output import read_text

    bad = data.draw(st.integers(0, len(lines) - 1))
    encoded = [line.encode() for line in lines]
    encoded[bad] += b"\xff"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_bytes(b"\n".join(encoded))
        said = io.StringIO()
        with pytest.raises(SystemExit) as stopped, contextlib.redirect_stderr(said):
            read_text(path)
        assert stopped.value.code == 2
        assert f": line {bad + 1} is not UTF-8" in said.getvalue()
        path.write_bytes("\n".join(lines).encode())
        assert read_text(path) == "\n".join(lines).removeprefix("\ufeff")


def test_read_text_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vaultdoor.cli._output import read_text

    path = tmp_path / "f.csv"
    path.write_bytes(b"a\nb\nc\xe9\n")
    with pytest.raises(SystemExit):
        read_text(path)
    assert capsys.readouterr().err == (
        f"error: {path}: line 3 is not UTF-8 text (save the file as UTF-8)\n")


# --- settings read when a command needs them -----------------------------------------------------

@pytest.mark.parametrize(("path", "words"), [
    ("/nonexistent/words.txt", ["VAULTDOOR_PASSWORD_BLOCKLIST", "cannot read"]),
    (".", ["VAULTDOOR_PASSWORD_BLOCKLIST", "cannot read"]),
])
def test_unreadable_extra_blocklist_fails_closed(tmp_path: Path, path: str,
                                                 words: list[str]) -> None:
    result = vaultdoor("password", "check", data_dir=tmp_path,
                       env={"VAULTDOOR_PASSWORD_BLOCKLIST": path},
                       stdin=b"violet-harbour-lantern-93\n")
    one_error(result, 2, *words)
    assert result.stdout == ""


def test_password_on_stdin_must_be_utf8() -> None:
    code, out, err = run("password", "check", stdin=b"pass\xe9word-12345\n")
    assert (code, out) == (2, "")
    assert err == "error: standard input is not UTF-8 text (a password no browser could type)\n"


@pytest.mark.django_db
@pytest.mark.parametrize("base_url", ["notaurl", "https://", "ftp://x", "http://a b"])
def test_bad_base_url_is_refused_before_the_account_is_created(
        monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("VAULTDOOR_BASE_URL", base_url)
    one_line(run("user", "create", "--role", "it", "--username", "eve"), 2,
             "VAULTDOOR_BASE_URL")
    assert not get_user_model().objects.exists()


# --- outputs: whole or not at all ----------------------------------------------------------------

def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    from vaultdoor.cli import _output

    target = tmp_path / "site.yaml"
    target.write_text("the previous export\n")

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_output.os, "replace", disk_full)
    with pytest.raises(SystemExit) as stopped:
        _output.write_text_atomic(target, "a new export\n")
    assert stopped.value.code == 1
    assert capsys.readouterr().err == f"error: cannot write {target}: No space left on device\n"
    assert target.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["site.yaml"]


@pytest.mark.django_db
def test_site_export_to_a_missing_folder_is_one_line(site: None, tmp_path: Path) -> None:
    one_line(run("site", "export", "-o", str(tmp_path / "no" / "site.yaml")), 1,
             "cannot write", "No such file or directory")
    assert list(tmp_path.iterdir()) == []


# --- access check: the badge on the command line -------------------------------------------------

DIGITS = "[0-9\u0660-\u0669\uff10-\uff19]"  # ASCII, Arabic-Indic and full-width digits


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12),
                 st.from_regex(f"\\A{DIGITS}{{1,4}}:{DIGITS}{{1,6}}\\Z")))
def test_card_argument_is_ascii_facility_colon_number(card: str) -> None:
    from vaultdoor.cli._access_check import ArgumentProblem, build_swipe

    try:
        swipe = build_swipe(door="D", card=card, card_format=None, raw=None, pin=None,
                            biometric=None, direction="in", at="2026-12-01T08:00")
    except ArgumentProblem as exc:
        assert "--card" in str(exc)
        return
    facility, number = card.split(":")
    assert facility.isascii() and facility.isdigit() and number.isascii() and number.isdigit()
    assert (swipe["card"]["facility"], swipe["card"]["number"]) == (int(facility), int(number))


# --- edge enroll: never spend the one-time code on a directory that cannot keep it --------------

def test_enroll_checks_the_data_dir_before_spending_the_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultdoor.edge.sync import ServerClient

    calls: list[str] = []
    monkeypatch.setattr(ServerClient, "enrol", lambda self, code: calls.append(code))
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    code, out, err = run("edge", "enroll", "--server", "http://127.0.0.1:1", "--code",
                         "AAAAA-BBBBB-CCCCC-DDDDD", "--data-dir", str(not_a_dir / "edge"))
    assert (code, out) == (2, "")
    assert err.startswith("error: cannot write the controller's data directory")
    assert "the enrolment code is still good" in err and "Traceback" not in err
    assert calls == []  # the server never saw the code


def test_a_second_edge_run_on_one_data_dir_is_refused(tmp_path: Path) -> None:
    from vaultdoor.edge.daemon import AlreadyRunning, EdgeDaemon

    first = EdgeDaemon.__new__(EdgeDaemon)  # only the lock is exercised here
    second = EdgeDaemon.__new__(EdgeDaemon)
    from vaultdoor.edge.store import EdgeStore

    for daemon in (first, second):
        daemon.store = EdgeStore(tmp_path)
        daemon._lock_fd = None
    first.claim()
    with pytest.raises(AlreadyRunning, match=rf"already running on .* \(pid {os.getpid()}\)"):
        second.claim()
    os.close(first._lock_fd)  # the first one stops: the directory is free again
    first._lock_fd = None
    second.claim()
    os.close(second._lock_fd)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "value", "words"), [
    (("zones", 3, "max_occupancy"), 10**30, ["zones[3].max_occupancy", "at most 2147483647"]),
    (("people", 0, "name"), "n" * 201, ["people[0].name", "at most 200 characters"]),
    (("site", "id"), "x" * 101, ["site.id", "at most 100 characters"]),
])
def test_site_import_refuses_what_the_database_cannot_keep(tmp_path: Path, path: tuple,
                                                          value: object,
                                                          words: list[str]) -> None:
    import yaml

    from vaultdoor.facilities.models import Site

    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    bad = tmp_path / "site.yaml"
    bad.write_text(yaml.safe_dump(data))
    code, out, err = run("site", "import", str(bad))
    assert (code, out) == (2, "") and "Traceback" not in err, err
    for word in words:
        assert word in err
    assert err.splitlines()[-1] == f"error: {bad}: 1 problem(s), nothing imported"
    assert not Site.objects.exists()


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=30), st.integers(-5, 70_000).map(lambda p: f"127.0.0.1:{p}")))
def test_serve_bind_is_host_colon_port(bind: str) -> None:
    import click

    from vaultdoor.cli.server import _bind

    try:
        assert _bind(None, None, bind) == bind  # type: ignore[arg-type]
    except click.BadParameter as exc:
        assert "HOST:PORT" in str(exc)
        return
    if not bind.startswith("unix:"):
        host, _, port = bind.rpartition(":")
        assert host and port.isascii() and 1 <= int(port) <= 65535


@pytest.mark.parametrize(("error", "words"), [
    ("OperationalError('no such table: people_person')", ["not set up", "vaultdoor init"]),
    ("ProgrammingError('relation \"people_person\" does not exist')", ["not set up"]),
    ("OperationalError('connection failed: connection to server at \"h\" failed')",
     ["cannot reach the database", "VAULTDOOR_DATABASE_URL"]),
    ("OperationalError('unable to open database file')", ["cannot reach the database"]),
    ("DataError('value too long for type character varying(200)')",
     ["refused a value", "character varying(200)"]),
    ("IntegrityError('UNIQUE constraint failed: x.code')", ["refused the change"]),
    ("DatabaseError('file is not a database\\nsecond line')", ["database error: file is not"]),
])
def test_database_errors_are_one_line(error: str, words: list[str]) -> None:
    from django import db

    from vaultdoor.cli._output import database_problem

    message = database_problem(eval(error, vars(db)))  # noqa: S307 - the table above
    assert "\n" not in message
    for word in words:
        assert word in message


def test_an_unforeseen_error_is_still_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> int:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr("vaultdoor.identity.passwords.blocklist.blocklist_size", broken)
    monkeypatch.delenv("VAULTDOOR_DEBUG", raising=False)
    code, out, err = run("password", "profiles")
    assert (code, out) == (1, "")
    assert err == ("error: unexpected RuntimeError: disk on fire (a bug in vaultdoor: please "
                   "report it; VAULTDOOR_DEBUG=true shows the traceback)\n")
    monkeypatch.setenv("VAULTDOOR_DEBUG", "true")
    from click.testing import CliRunner

    from vaultdoor.cli import main

    result = CliRunner().invoke(main, ["password", "profiles"])
    assert isinstance(result.exception, RuntimeError)  # the traceback, for whoever debugs


@pytest.mark.parametrize(("variable", "read", "default", "least"), [
    ("VAULTDOOR_AUDIT_CHECKPOINT_EVERY", "vaultdoor.audit.recorder:checkpoint_interval", 1000, 0),
    ("VAULTDOOR_VAULT_REVEAL_LIMIT", "vaultdoor.vault.conf:reveal_limit", 30, 1),  # 0 was read as 1
    ("VAULTDOOR_VAULT_REASON_MIN_LENGTH", "vaultdoor.vault.conf:reason_min_length", 10, 1),
])
@settings(max_examples=100, deadline=None)
@given(st.one_of(st.integers(-10**6, 10**6).map(str),
                 st.text(st.characters(blacklist_categories=("Cs",),  # no environment holds
                                       blacklist_characters="\x00"),  # these two
                         max_size=8)))
def test_whole_number_settings_are_in_range_or_refused(variable: str, read: str, default: int,
                                                       least: int, raw: str) -> None:
    import importlib

    from django.conf import settings as django_settings

    from vaultdoor.config import ConfigError

    module, _, name = read.partition(":")
    setting = getattr(importlib.import_module(module), name)
    assert getattr(django_settings, variable, None) is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(variable, raw)
        try:
            value = int(raw) if raw else default
        except ValueError:
            value = None
        if value is None or value < least:
            with pytest.raises(ConfigError, match=f"^{variable}: expected"):
                setting()
        else:
            assert setting() == value


def test_a_reveal_limit_below_one_names_the_variable_and_the_range() -> None:
    from vaultdoor.config import ConfigError
    from vaultdoor.vault.conf import reveal_limit

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAULTDOOR_VAULT_REVEAL_LIMIT", "0")
        with pytest.raises(ConfigError) as refused:
            reveal_limit()
    assert str(refused.value) == ("VAULTDOOR_VAULT_REVEAL_LIMIT: expected a whole number "
                                  "from 1 up, got '0'")


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.sampled_from(["gb", " US ", "ie", "ZZZ", "XX", "G B", "UK"]),
                 st.text(st.characters(min_codepoint=65, max_codepoint=122), min_size=1,
                         max_size=3)))
def test_phone_region_is_a_known_region_or_refused(raw: str) -> None:
    import phonenumbers

    from vaultdoor.config import ConfigError
    from vaultdoor.vault.conf import phone_region

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAULTDOOR_VAULT_PHONE_REGION", raw)
        if raw.strip().upper() in phonenumbers.SUPPORTED_REGIONS:
            assert phone_region() == raw.strip().upper()
        else:
            with pytest.raises(ConfigError, match="VAULTDOOR_VAULT_PHONE_REGION"):
                phone_region()


@given(st.integers(0, 250), st.integers(1, 120))
def test_problems_shown_are_capped_with_a_count(count: int, limit: int) -> None:
    from vaultdoor.cli._output import echo_problems

    said = io.StringIO()
    with contextlib.redirect_stderr(said):
        echo_problems((f"line {n}: bad" for n in range(count)), limit=limit)
    lines = said.getvalue().splitlines()
    shown = min(count, limit)
    assert lines[:shown] == [f"line {n}: bad" for n in range(shown)]
    assert lines[shown:] == ([f"... and {count - limit} more problem(s) not shown"]
                             if count > limit else [])


def test_a_site_file_with_thousands_of_problems_shows_a_hundred_and_the_count(
        tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    person = data["people"][0]
    data["people"] = [{**person, "id": f"P{n}", "credentials": []} for n in range(150)]
    for entry in data["people"]:
        entry["name"] = ""  # one problem each
    bad = tmp_path / "site.yaml"
    bad.write_text(yaml.safe_dump(data))
    code, out, err = run("site", "validate", str(bad))
    lines = err.splitlines()
    assert (code, out) == (2, "")
    assert len(lines) == 101 and lines[-1] == "... and 50 more problem(s) not shown"


# --- key settings --------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.integers(-3, 5).map(str), st.sampled_from(["\u0661", " 2 ", "x"])),
                min_size=1, max_size=4))
def test_vault_key_versions_are_positive_ascii_and_listed_once(versions: list[str]) -> None:
    import tempfile

    from vaultdoor.vault.keys import VaultKeyError, _parse_keys

    with tempfile.TemporaryDirectory() as folder:
        key = Path(folder) / "kek"
        key.write_bytes(os.urandom(32))
        spec = ",".join(f"{v}=file:{key}" for v in versions)
        stripped = [v.strip() for v in versions]
        good = all(v.isascii() and v.isdigit() and int(v) >= 1 for v in stripped) and len(
            {int(v) for v in stripped}) == len(stripped)
        if good:
            assert sorted(_parse_keys(spec)) == sorted(int(v) for v in stripped)
        else:
            with pytest.raises(VaultKeyError, match="VAULTDOOR_VAULT_KEYS"):
                _parse_keys(spec)


@pytest.mark.parametrize(("variable", "load"), [
    ("VAULTDOOR_PIN_KEY", "vaultdoor.access.services.pinkey:server_pin_hasher"),
    ("VAULTDOOR_IDENTITY_KEY", "vaultdoor.identity.crypto:_key"),
])
@pytest.mark.parametrize("content", [b"", b"short key\n"])
def test_a_key_file_too_short_names_its_variable(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 variable: str, load: str,
                                                 content: bytes) -> None:
    import importlib

    from vaultdoor.config import ConfigError

    module, _, name = load.partition(":")
    loader = getattr(importlib.import_module(module), name)
    key = tmp_path / "key"
    key.write_bytes(content)
    monkeypatch.setenv(variable, f"file:{key}")
    loader.cache_clear()
    try:
        with pytest.raises(ConfigError, match=f"^{variable}: .*at least 16"):
            loader()
    finally:
        monkeypatch.delenv(variable)
        loader.cache_clear()


@pytest.mark.parametrize(("content", "words"), [
    (b"", ["VAULTDOOR_SECRET_KEY", "at least 32"]),
    (b"short\n", ["VAULTDOOR_SECRET_KEY", "at least 32"]),
    (b"\xff" * 64, ["VAULTDOOR_SECRET_KEY", "text"]),
])
def test_secret_key_file_is_checked(tmp_path: Path, content: bytes, words: list[str]) -> None:
    key = tmp_path / "secret"
    key.write_bytes(content)
    result = vaultdoor("controller", "list", data_dir=tmp_path / "data",
                       env={"VAULTDOOR_SECRET_KEY": f"file:{key}"})
    one_error(result, 2, *words)
