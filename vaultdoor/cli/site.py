"""`vaultdoor site ...`: check, import and export site definition files.

Each command is a plain function registered on the `site` group, so another module (or a later
commit) can add `import` and `export` with `@site.command()` beside `validate`.
"""

from __future__ import annotations

from pathlib import Path

import click

from vaultdoor.cli._output import EXIT_INVALID, fail
from vaultdoor.cli._site_io import site_export, site_import

__all__ = ["site"]


@click.group()
def site() -> None:
    """Validate, import and export site definition files (YAML)."""


@site.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def validate(file: Path) -> None:
    """Check FILE against the site format; print every problem with its path."""
    fail("site validation is not built yet", status=EXIT_INVALID)


# import and export need the database; they live in _site_io.py (Django loads lazily).
site.add_command(site_import)
site.add_command(site_export)
