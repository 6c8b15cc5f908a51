"""`vaultdoor site ...`: check, import and export site definition files.

Each command is a plain function registered on the `site` group, so another module (or a later
commit) can add `import` and `export` with `@site.command()` beside `validate`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vaultdoor.cli._output import EXIT_INVALID, echo_problems, fail
from vaultdoor.cli._site_io import site_export, site_import

if TYPE_CHECKING:
    from vaultdoor.engine.pins import PinHasher

__all__ = ["read_input", "site", "validation_pin_hasher"]


@click.group()
def site() -> None:
    """Validate, import and export site definition files (YAML)."""


@site.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def validate(file: Path) -> None:
    """Check FILE against the site format; print every problem with its path.

    PIN hashes in the file (from `site export`) are checked against this server's PIN key
    (`VAULTDOOR_PIN_KEY`, or the one in the data directory); without one they cannot match.
    """
    from vaultdoor.engine.sitefile import SiteValidationError, load_site

    text = read_input(file)
    try:
        parsed = load_site(text, pin_hasher=validation_pin_hasher())
    except SiteValidationError as exc:
        echo_problems(str(issue) for issue in exc.issues)
        sys.exit(EXIT_INVALID)
    click.echo(
        f"ok: {parsed.id}: {len(parsed.floors)} floors, {len(parsed.zones)} zones, "
        f"{len(parsed.doors)} doors, {len(parsed.people)} people"
    )


def read_input(file: Path) -> bytes:
    """The bytes of FILE (`-` for standard input), or one clear error line and exit 2."""
    if str(file) == "-":
        return click.get_binary_stream("stdin").read()
    try:
        return file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", status=EXIT_INVALID)


def validation_pin_hasher() -> PinHasher:
    """The server's PIN key if one is configured or exists (never created here), else random."""
    from vaultdoor import config
    from vaultdoor.engine.pins import PinHasher

    reference = config.env("PIN_KEY")
    try:
        if reference:
            return PinHasher(config.read_secret(reference, variable="PIN_KEY").strip())
        key_file = config.data_dir(create=False) / "secrets" / "pin-key"
        if key_file.is_file():
            return PinHasher(key_file.read_bytes())
    except (config.ConfigError, OSError, ValueError) as exc:
        fail(f"cannot use the PIN key: {exc}", status=EXIT_INVALID)
    return PinHasher.random()


# import and export need the database; they live in _site_io.py (Django loads lazily).
site.add_command(site_import)
site.add_command(site_export)
