"""`vaultdoor init` and `vaultdoor serve`: the data directory and the web server."""

from __future__ import annotations

import os
import sys

import click

from vaultdoor.cli import _django
from vaultdoor.cli._output import EXIT_INVALID, fail


@click.command()
def init() -> None:
    """Create and migrate the data directory (safe to run again)."""
    _django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    click.echo(f"data directory ready: {settings.DATA_DIR}")


def _bind(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """HOST:PORT, [IPv6]:PORT or unix:PATH, checked before gunicorn spends seconds retrying."""
    if value.startswith("unix:") and len(value) > len("unix:"):
        return value
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isascii() or not port.isdigit() \
            or not 1 <= int(port) <= 65535:
        raise click.BadParameter(f"{value!r}: expected HOST:PORT (port 1 to 65535), "
                                 "e.g. 127.0.0.1:8000, or unix:PATH")
    return value


ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


def _refuse_bad_configuration() -> None:
    from vaultdoor.configcheck import check_configuration

    report = check_configuration()
    for finding in report.errors:
        click.echo(finding.line(), err=True)
    if report.errors:
        fail("the server does not start with these settings (`vaultdoor check-config` "
             "lists every problem)", status=EXIT_INVALID)
    for finding in report.warnings:
        if "vaultdoor init" not in finding.message:  # serve migrates: not a warning here
            click.echo(finding.line(), err=True)


@click.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True, callback=_bind,
              help="address:port")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--demo", is_flag=True,
              help="print the demo banner; the access log goes to the data directory")
@click.option("--access-log", default=None, metavar="PATH",
              help="where to write the HTTP access log ('-' for standard output; "
                   "default '-', or DATA_DIR/access.log with --demo)")
def serve(bind: str, workers: int, demo: bool, access_log: str | None) -> None:
    """Run the vaultdoor server (gunicorn) on BIND. It does not start while a setting is
    wrong (the checks of `vaultdoor check-config`): better no server than one that fails at
    the first passkey, vault reveal or link click."""
    _refuse_bad_configuration()
    _django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if access_log is None:
        # The demo's edge controller polls every few seconds; its requests would bury the
        # banner and the server's own messages on the terminal.
        access_log = str(settings.DATA_DIR / "access.log") if demo else "-"
    if demo:
        click.echo(f"vaultdoor console: http://{bind}/")
        if access_log != "-":
            click.echo(f"HTTP access log: {access_log}")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(  # noqa: S606 - replaces this process with the server, arguments are ours
        gunicorn,
        [
            gunicorn,
            "vaultdoor.server.wsgi:application",
            "--bind", bind,
            "--workers", str(workers),
            # Threads: each door controller holds one request open (its long-poll for
            # snapshot changes); sync workers would leave none for the console.
            "--threads", "16",
            "--access-logfile", access_log,
            # Path without the query string, and no Referer: a search term in an address
            # (a phone or card number) must never reach the log.
            "--access-logformat", ACCESS_LOG_FORMAT,
            "--forwarded-allow-ips", "127.0.0.1",
        ],
    )
