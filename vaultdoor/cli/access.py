"""`vaultdoor access ...`: access decisions from the command line.

`simulate` runs the pure decision engine over a site file and a swipe file; it must never
import Django (it is also the offline tool an operator runs on a laptop).
"""

from __future__ import annotations

from pathlib import Path

import click

from vaultdoor.cli._access_check import access_check
from vaultdoor.cli._output import EXIT_INVALID, fail

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
    """Decide each swipe in SWIPES (JSON lines) against SITE from a fresh state."""
    fail("access simulation is not built yet", status=EXIT_INVALID)


# check decides against the database; it lives in _access_check.py (Django loads lazily).
access.add_command(access_check)
