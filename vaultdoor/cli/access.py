"""`vaultdoor access ...`: access decisions from the command line.

`simulate` runs the pure decision engine over a site file and a swipe file; it must never
import Django (it is also the offline tool an operator runs on a laptop).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultdoor.cli._access_check import access_check
from vaultdoor.cli._output import EXIT_INVALID, echo_problems, fail

__all__ = ["access"]


@click.group()
def access() -> None:
    """Simulate and check access decisions."""


@access.command()
@click.option(
    "--site", "site_file", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--swipes", "swipes_file", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
def simulate(site_file: Path, swipes_file: Path) -> None:
    """Decide each swipe in SWIPES (JSON lines) against SITE from a fresh state.

    Prints one JSON decision per line. Nothing is stored: everyone starts outside and nothing
    is pending. PINs are hashed with the server's PIN key when one exists (so an exported site
    with PIN hashes simulates too), else with a throwaway key. A malformed swipe line stops the
    run before any decision is printed.
    """
    import json

    from vaultdoor.cli.site import read_input, validation_pin_hasher
    from vaultdoor.engine import (
        MemoryState,
        SiteValidationError,
        SwipeError,
        compile_site,
        decide,
        load_site,
        parse_swipe,
    )

    hasher = validation_pin_hasher()
    try:
        snapshot = compile_site(load_site(read_input(site_file), pin_hasher=hasher))
    except SiteValidationError as exc:
        echo_problems(f"{site_file}: {issue}" for issue in exc.issues)
        sys.exit(EXIT_INVALID)
    try:
        text = read_input(swipes_file).decode("utf-8-sig")  # a BOM, as the site file allows
    except UnicodeDecodeError:
        fail(f"{swipes_file} is not UTF-8 text", status=EXIT_INVALID)
    swipes = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            if not line.strip():
                raise SwipeError("empty line (each line must be one JSON object)")
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise SwipeError(f"not valid JSON ({exc.args[0].split(':')[0]})") from None
            except RecursionError:
                raise SwipeError("not a swipe (JSON nested too deeply)") from None
            swipes.append(parse_swipe(obj, snapshot))
        except SwipeError as exc:
            fail(f"line {number}: {exc}", status=EXIT_INVALID)
    state = MemoryState()
    out = click.get_text_stream("stdout")
    for swipe in swipes:
        decision = decide(snapshot, state, swipe, hasher)
        out.write(json.dumps(decision.to_dict(), ensure_ascii=False, separators=(", ", ": ")))
        out.write("\n")
    out.flush()


# check decides against the database; it lives in _access_check.py (Django loads lazily).
access.add_command(access_check)
