"""`vaultdoor site import` and `vaultdoor site export`: the site file in and out of the database.

Kept apart from `site.py` (whose `validate` must stay free of Django) and registered on the
`site` group there; Django starts only inside these commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultdoor.cli import _django
from vaultdoor.cli._output import (
    EXIT_INVALID,
    cli_actor,
    echo_problems,
    fail,
    print_json,
    write_text_atomic,
)

__all__ = ["site_export", "site_import"]


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--dry-run", is_flag=True, help="Say what the import would do; write nothing.")
def site_import(file: Path, as_json: bool, dry_run: bool) -> None:
    """Import FILE into the database, all or nothing: create what is new, update what changed,
    deactivate what is gone. Prints what it did; exit 2 with every problem if FILE is invalid."""
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}", status=EXIT_INVALID)
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text", status=EXIT_INVALID)
    _django.setup()
    from django.db import IntegrityError

    from vaultdoor.access.services.importer import ImportConflict, import_site_text
    from vaultdoor.engine.sitefile import SiteValidationError

    try:
        report = import_site_text(text, actor=cli_actor(), source=str(file), dry_run=dry_run)
    except SiteValidationError as exc:
        echo_problems(f"{issue.path}: {issue.message}" if issue.path else issue.message
                      for issue in exc.issues)
        fail(f"{file}: {len(exc.issues)} problem(s), nothing imported", status=EXIT_INVALID)
    except ImportConflict as exc:
        fail(f"{file}: {exc}; nothing imported", status=EXIT_INVALID)
    except IntegrityError:
        # Another import of the same new site committed first: nothing of ours was written.
        fail(f"{file}: the site changed in the database during the import; nothing imported, "
             "run the import again")
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(report.summary())


@click.command("export")
@click.option("--site", "site_code", help="The site id (needed when there are several).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              default="-", show_default=True, help="Where to write the YAML.")
def site_export(site_code: str | None, output: Path) -> None:
    """Write a site from the database as a site file (PINs as hashes of this server's key)."""
    _django.setup()
    from django.db import transaction

    from vaultdoor.access.services.sitedb import SiteNotFound, export_site_yaml, get_site
    from vaultdoor.audit import record

    try:
        with transaction.atomic():
            site = get_site(site_code)
            text = export_site_yaml(site)
            record("site.export", actor=cli_actor(), target_type="site", target_id=site.code,
                   destination=str(output), revision=site.revision)
    except SiteNotFound as exc:
        fail(str(exc), status=EXIT_INVALID)
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    write_text_atomic(output, text)  # whole or not at all: never half a site file
    click.echo(f"exported {site.code} to {output}", err=True)
