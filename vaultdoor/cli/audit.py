"""`vaultdoor audit ...`: verify, export, checkpoint and read the tamper-evident audit log.

`verify --file` runs without Django or a database: it needs only the export and a public key.
Everything else opens the database.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from vaultdoor.cli import _django
from vaultdoor.cli._output import (
    EXIT_FAILED,
    EXIT_INVALID,
    cli_actor,
    database_problem,
    fail,
    print_json,
    write_text_atomic,
)

__all__ = ["audit"]


@contextlib.contextmanager
def _progress(show: bool | None, length: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr (when it is a terminal, or asked for), else nothing."""
    if show is None:
        show = sys.stderr.isatty()
    if not show or length <= 0:
        yield None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


@contextlib.contextmanager
def _database_errors() -> Iterator[None]:
    """One clear line instead of a traceback when the database is missing or unreachable."""
    from django.db import DatabaseError

    try:
        yield
    except DatabaseError as exc:
        fail(f"cannot use the audit log: {database_problem(exc)}", status=EXIT_FAILED)


def _load_keys(paths: tuple[Path, ...]) -> list:
    from vaultdoor.audit.signing import SigningKeyError, load_public_key

    try:
        return [load_public_key(path) for path in paths]
    except SigningKeyError as exc:
        fail(str(exc), status=EXIT_INVALID)


@click.group()
def audit() -> None:
    """Verify, export and read the tamper-evident audit log."""


@audit.command()
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="verify this export offline (no database) instead of the database")
@click.option("--public-key", "public_keys", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="PEM public key trusted for checkpoints (required with --file; repeatable)")
@click.option("--progress/--no-progress", default=None,
              help="show progress on stderr (default: when stderr is a terminal)")
def verify(file: Path | None, public_keys: tuple[Path, ...], progress: bool | None) -> None:
    """Check the hash chain and its signed checkpoints; exit 1 naming the first bad seq."""
    from vaultdoor.engine.chain import ChainBroken

    keys = _load_keys(public_keys)
    try:
        if file is not None:
            summary = _verify_file(file, keys, progress)
        else:
            summary = _verify_database(keys, progress)
    except ChainBroken as exc:
        fail(str(exc), status=EXIT_FAILED)
    click.echo(summary)


def _verify_file(file: Path, keys: list, progress: bool | None) -> str:
    from vaultdoor.audit.offline import ExportFormatError, verify_export

    if not keys:
        fail("--file needs --public-key KEY.pem (from `vaultdoor audit public-key`)",
             status=EXIT_INVALID)
    try:
        size = file.stat().st_size
        with open(file, encoding="utf-8", newline="\n") as handle, \
                _progress(progress, size, "verifying") as tick:
            return verify_export(handle, keys, progress=tick).summary()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", status=EXIT_INVALID)
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text (not a vaultdoor audit export)", status=EXIT_FAILED)
    except ExportFormatError as exc:
        fail(f"{file}: {exc}", status=EXIT_FAILED)


def _verify_database(keys: list, progress: bool | None) -> str:
    _django.setup()
    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.audit.recorder import signing_key
    from vaultdoor.audit.verify import verify_database

    trusted = [_signing_key_or_fail(signing_key).public_key(), *keys]
    with _database_errors():
        total = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        with _progress(progress, total, "verifying") as tick:
            return verify_database(trusted_keys=trusted, progress=tick).summary()


def _signing_key_or_fail(loader: Callable):
    from vaultdoor.audit.signing import SigningKeyError
    from vaultdoor.config import ConfigError

    try:
        return loader()
    except (SigningKeyError, ConfigError) as exc:
        fail(str(exc), status=EXIT_INVALID)


@audit.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export(file: Path) -> None:
    """Write the log to FILE as JSON lines, closed by a freshly signed checkpoint (`-`: stdout)."""
    _django.setup()
    from vaultdoor.audit import record
    from vaultdoor.audit.export import export_log
    from vaultdoor.audit.recorder import signing_key

    _signing_key_or_fail(signing_key)
    with _database_errors():
        result = _export_to(file, export_log)
        record("audit.export", actor=cli_actor(), target_type="file", target_id=str(file)[:128],
               events=result.count, head_seq=result.head_seq, key_id=result.key_id)
    events = "event" if result.count == 1 else "events"
    click.echo(f"exported {result.count} {events} to {file}, checkpoint at seq {result.head_seq} "
               f"signed by key {result.key_id}", err=str(file) == "-")


def _export_to(file: Path, export_log: Callable):
    """Export to stdout, or to a temporary file renamed into place (never a half-written FILE)."""
    if str(file) == "-":
        return export_log(click.get_text_stream("stdout"))
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            result = export_log(handle)
        os.replace(tmp, file)
    except OSError as exc:
        fail(f"cannot write {file}: {exc.strerror or exc}", status=EXIT_INVALID)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return result


@audit.command("checkpoint")
def make_checkpoint() -> None:
    """Sign the current head of the chain and store the checkpoint."""
    _django.setup()
    from vaultdoor.audit.recorder import checkpoint, signing_key

    _signing_key_or_fail(signing_key)
    with _database_errors():
        row = checkpoint()
    click.echo(f"checkpoint at seq {row.seq}, head {row.head_hash}, key {row.key_id}")


@audit.command("public-key")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write the PEM to this file instead of standard output")
def public_key(output: Path | None) -> None:
    """Print the PEM public key that verifies this server's checkpoints."""
    _django.setup()
    from vaultdoor.audit.recorder import signing_key
    from vaultdoor.audit.signing import public_key_pem

    pem = public_key_pem(_signing_key_or_fail(signing_key).public_key())
    if output is None:
        click.echo(pem, nl=False)
        return
    write_text_atomic(output, pem, encoding="ascii")


@audit.command()
@click.option("-n", "count", default=20, show_default=True, type=click.IntRange(1, 10_000),
              help="how many of the latest events")
@click.option("--action", help="only this action (e.g. access.decision) or prefix (access.)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
def tail(count: int, action: str | None, as_json: bool) -> None:
    """Show the latest events, oldest first."""
    _django.setup()
    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.engine.chain import format_time

    rows = AuditEvent.objects.order_by("-seq")
    if action:
        rows = rows.filter(action__startswith=action) if action.endswith(".") else rows.filter(
            action=action)
    with _database_errors():
        latest = list(rows[:count])
    for row in reversed(latest):
        if as_json:
            print_json(row.to_chain_event().to_dict())
            continue
        target = f" {row.target_type}:{row.target_id}" if row.target_type else ""
        context = json.dumps(row.context, ensure_ascii=False, sort_keys=True)
        click.echo(f"{row.seq:>8} {format_time(row.at)} {row.action} by {row.actor}{target} "
                   f"{context}")
