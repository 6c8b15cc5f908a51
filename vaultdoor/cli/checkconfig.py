"""`vaultdoor check-config`: every `VAULTDOOR_*` setting checked at once (vaultdoor.configcheck)."""

from __future__ import annotations

import sys

import click

from vaultdoor.cli._output import EXIT_INVALID, print_json

__all__ = ["check_config"]


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


@click.command("check-config")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"errors": [...], "warnings": [...], "notes": [...]} instead.')
def check_config(as_json: bool) -> None:
    """Check every VAULTDOOR_* setting now, not when its feature is first used: unknown
    variables, each value by the reader the product uses, Django's system checks and the
    database. Lists every problem; exit 2 if any is an error (warnings alone exit 0)."""
    from vaultdoor.configcheck import check_configuration

    report = check_configuration()
    if as_json:
        print_json(report.as_dict())
    else:
        for finding in report.findings:
            click.echo(finding.line())
        for note in report.notes:
            click.echo(f"ok: {note}")
        errors, warnings = len(report.errors), len(report.warnings)
        if errors:
            click.echo(f"configuration has {_count(errors, 'error')} and "
                       f"{_count(warnings, 'warning')}")
        else:
            click.echo(f"configuration OK ({_count(warnings, 'warning')})")
    if report.errors:
        sys.exit(EXIT_INVALID)
