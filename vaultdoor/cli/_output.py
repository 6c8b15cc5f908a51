"""How the CLI speaks: one clear line on error, a non-zero exit, never a traceback."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

__all__ = ["EXIT_FAILED", "EXIT_INVALID", "cli_actor", "database_problem", "echo_problems", "fail",
           "operator_errors",
           "print_json", "read_text", "validation_message", "write_text_atomic"]

EXIT_FAILED = 1  # the operation ran and said no (verification failed, password rejected)
EXIT_INVALID = 2  # the input was invalid (site file, swipe file, arguments)


def cli_actor() -> str:
    """Who runs the command, as the audit log names them (`cli:<login>`)."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:150]
    except (KeyError, OSError):
        return "cli"


def fail(message: str, *, status: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(status)


MAX_PROBLEMS_SHOWN = 100  # a file with the wrong PIN key has one problem per person


def echo_problems(lines: Iterable[str], *, limit: int = MAX_PROBLEMS_SHOWN) -> None:
    """Each problem on its own stderr line, the first `limit` of them, then how many more:
    thousands of lines of one mistake bury the summary an operator needs."""
    hidden = 0
    for number, line in enumerate(lines):
        if number < limit:
            click.echo(line, err=True)
        else:
            hidden += 1
    if hidden:
        click.echo(f"... and {hidden} more problem(s) not shown", err=True)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


_NOT_MIGRATED = ("no such table", "no such column", "does not exist")


def database_problem(exc: BaseException) -> str:
    """What an operator should read for a `django.db.DatabaseError` (never its traceback)."""
    from django.db import DataError, IntegrityError, OperationalError

    first = _first_line(exc)
    if isinstance(exc, OperationalError) and any(
            marker in first for marker in ("connect", "unable to open database")):
        return f"cannot reach the database ({first}); check VAULTDOOR_DATABASE_URL"
    if any(marker in first for marker in _NOT_MIGRATED):
        return f"the database is not set up ({first}): run `vaultdoor init` first"
    if isinstance(exc, DataError):
        return f"the database refused a value ({first})"
    if isinstance(exc, IntegrityError):
        return f"the database refused the change ({first})"
    return f"database error: {first}"


def validation_message(exc: Any, labels: dict[str, str]) -> str:
    """A Django `ValidationError` as one line, each message after the option or argument it
    concerns (`labels` maps model fields to what the operator typed, e.g. NAME, --kind)."""
    if not hasattr(exc, "error_dict"):
        return "; ".join(exc.messages)
    return "; ".join(
        " ".join(messages) if field == "__all__"
        else f"{labels.get(field, field)}: {' '.join(messages)}"
        for field, messages in exc.message_dict.items())


@contextlib.contextmanager
def operator_errors() -> Iterator[None]:
    """Around every command: a bad `VAULTDOOR_*` setting, a database that is missing, not
    migrated or unreachable become one `error:` line and a non-zero exit, not a traceback.

    Configuration is the operator's input (exit 2); a database failure is operational
    (exit 1). Django is consulted only if a command already loaded it, so the commands that
    never import Django (site validate, access simulate, edge) stay that way.
    """
    from vaultdoor.config import ConfigError

    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # usage errors, --help, Ctrl-C: click reports them itself
    except ConfigError as exc:
        fail(str(exc), status=EXIT_INVALID)
    except Exception as exc:
        if "django" in sys.modules:
            from django.core.exceptions import ImproperlyConfigured
            from django.db import DatabaseError

            if isinstance(exc, DatabaseError):
                fail(database_problem(exc), status=EXIT_FAILED)
            if isinstance(exc, ImproperlyConfigured):
                fail(f"configuration: {_first_line(exc)}", status=EXIT_INVALID)
        # The last resort: a case nobody foresaw is still one line, never a traceback; it is
        # a bug, so say so. VAULTDOOR_DEBUG=true shows where it happened.
        if os.environ.get("VAULTDOOR_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
            raise
        fail(f"unexpected {type(exc).__name__}: {_first_line(exc)} (a bug in vaultdoor: "
             "please report it; VAULTDOOR_DEBUG=true shows the traceback)", status=EXIT_FAILED)


def read_text(file: Path, *, encoding: str = "utf-8-sig") -> str:
    """The text of FILE, or one line naming the file (and the line that is not UTF-8) and
    exit 2. A leading byte-order mark is dropped; line ends are kept as written (so the csv
    module sees a line break inside a quoted field)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", status=EXIT_INVALID)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        fail(f"{file}: line {line} is not UTF-8 text (save the file as UTF-8)",
             status=EXIT_INVALID)


def write_text_atomic(file: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write FILE whole or not at all: a temporary file beside it, renamed into place.
    An interrupted or failed write leaves FILE as it was; failing, one line and exit 1."""
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding=encoding, newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, file)
    except OSError as exc:
        fail(f"cannot write {file}: {exc.strerror or exc}")
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
