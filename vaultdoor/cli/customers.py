"""`vaultdoor customers`: import customers into the vault from a CSV file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultdoor.cli._output import EXIT_INVALID, echo_problems, fail, print_json, read_text

__all__ = ["customers"]


@click.group()
def customers() -> None:
    """Customer records in the vault (encrypted; masked everywhere until revealed)."""


@customers.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_(file: Path) -> None:
    """Import customers from a CSV file: every row validated, all imported or none.

    Columns: queue, name, phones (separated by ';'), email, postal_address, date_of_birth
    (YYYY-MM-DD), account_number, card_number, card_expiry (MM/YY), notes. Card numbers must
    pass the Luhn check and not be expired; phones and emails must be valid. Errors are listed
    by line and column (never with the value) and the command exits 2.
    """
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.vault.keys import VaultKeyError
    from vaultdoor.vault.services.importer import ImportFailed, count_rows, import_customers

    # line ends as written: the csv module reads them itself, so a line break inside a quoted
    # field is kept as it was typed
    text = read_text(file)
    rows = count_rows(text)
    try:
        with click.progressbar(length=rows * 2, label="validating and importing",
                               file=sys.stderr, show_pos=True) as bar:
            result = import_customers(text, actor="cli", progress=bar.update,
                                      validated=bar.update)
    except ImportFailed as exc:
        echo_problems(f"{file.name}: {error}" for error in exc.errors)
        fail(f"{len(exc.errors)} error(s) in {file.name}; nothing was imported",
             status=EXIT_INVALID)
    except VaultKeyError as exc:
        fail(str(exc))
    print_json({"imported": result.imported, "by_queue": result.by_queue})
