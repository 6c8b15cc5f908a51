"""`vaultdoor edge`: enrol, run and test a door controller (no Django on this path)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from vaultdoor.cli._output import EXIT_INVALID, fail, print_json

DATA_DIR = click.option(
    "--data-dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="the controller's data directory (enrolment, snapshot, spool)",
)


@click.group()
def edge() -> None:
    """The door controller at the edge: enrol it, run it, present cards to it."""


@edge.command()
@click.option("--server", required=True, help="the vaultdoor server, e.g. http://127.0.0.1:8000")
@click.option("--code", required=True, help="the one-time enrolment code")
@DATA_DIR
def enroll(server: str, code: str, data_dir: Path) -> None:
    """Exchange a one-time enrolment code for this controller's credential."""
    from vaultdoor.edge.store import EdgeStore
    from vaultdoor.edge.sync import ServerRefused, ServerUnavailable
    from vaultdoor.edge.sync import enroll as do_enroll

    try:
        config = do_enroll(server, code, EdgeStore(data_dir))
    except ValueError as exc:
        fail(str(exc), status=EXIT_INVALID)
    except (ServerRefused, ServerUnavailable) as exc:
        fail(str(exc))
    click.echo(
        f"enrolled: controller {config.controller} at site {config.site}, doors "
        f"{', '.join(config.doors)}; server key {config.server_key_id}"
    )


@edge.command()
@DATA_DIR
@click.option("--long-poll", default=20.0, show_default=True, type=click.FloatRange(0, 25),
              help="seconds each request for changes waits at the server")
@click.option("-v", "--verbose", is_flag=True, help="log what the controller does")
def run(data_dir: Path, long_poll: float, verbose: bool) -> None:
    """Run the controller until stopped (SIGTERM or Ctrl-C)."""
    from vaultdoor.edge.daemon import AlreadyRunning, EdgeDaemon
    from vaultdoor.edge.spool import SpoolError
    from vaultdoor.edge.store import NotEnrolled

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        daemon = EdgeDaemon(data_dir, long_poll_s=long_poll)
        daemon.claim()
    except (NotEnrolled, SpoolError, AlreadyRunning, OSError) as exc:
        fail(str(exc))
    click.echo(f"controller {daemon.config.controller} running; local socket "
               f"{daemon.store.socket_path}")
    daemon.run_forever()


@edge.command()
@DATA_DIR
@click.option("--door", required=True, help="the door id")
@click.option("--card", help="FACILITY:NUMBER, e.g. 42:10231")
@click.option("--format", "card_format", type=click.Choice(["h10301", "h10304"]),
              default="h10301", show_default=True)
@click.option("--pin", help="the PIN typed on the keypad")
@click.option("--direction", type=click.Choice(["in", "out"]), default="in", show_default=True)
def swipe(data_dir: Path, door: str, card: str | None, card_format: str, pin: str | None,
          direction: str) -> None:
    """Present a card (and PIN) at a door of the running controller; print the decision."""
    from vaultdoor.edge.daemon import request

    if card is None and pin is None:
        fail("give --card FACILITY:NUMBER or, at a keypad door, --pin", status=EXIT_INVALID)
    body = {"op": "swipe", "door": door, "card": card, "format": card_format, "pin": pin,
            "direction": direction}
    try:
        answer = request(data_dir, body)
    except (ConnectionError, OSError, ValueError) as exc:
        fail(str(exc))
    if not answer.get("ok"):
        fail(str(answer.get("error", "the controller gave no answer")), status=EXIT_INVALID)
    print_json(answer["decision"])


@edge.command()
@DATA_DIR
def status(data_dir: Path) -> None:
    """What the running controller says about itself."""
    from vaultdoor.edge.daemon import request

    try:
        answer = request(data_dir, {"op": "status"})
    except (ConnectionError, OSError, ValueError) as exc:
        fail(str(exc))
    print_json(answer.get("status"))
