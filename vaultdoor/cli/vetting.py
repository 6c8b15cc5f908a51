"""`vaultdoor vetting` (background checks) and `vaultdoor person` (onboarding, termination)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultdoor.cli._output import EXIT_INVALID, echo_problems, fail, print_json, read_text

__all__ = ["person", "vetting"]


def _find_person(code: str, site: str | None):
    from vaultdoor.people.models import Person

    people = Person.objects.filter(code=code)
    if site:
        people = people.filter(site__code=site)
    found = list(people.select_related("site")[:2])
    if not found:
        fail(f"no person with id {code!r}" + (f" at site {site!r}" if site else ""),
             status=EXIT_INVALID)
    if len(found) > 1:
        fail(f"person id {code!r} exists at several sites: add --site CODE", status=EXIT_INVALID)
    return found[0]


@click.group()
def vetting() -> None:
    """Background checks: import them, see a person's vetting, expire lapsed clearances."""


@vetting.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate every row, write nothing.")
def import_(file: Path, dry_run: bool) -> None:
    """Import background checks from a CSV file, all rows or none.

    Columns: person, site, provider, reference, scope, requested, completed, status,
    findings (categories separated by ';'), notes. Every problem is reported by row and
    column; nothing is written unless every row is valid.
    """
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.vetting.services.importer import (
        CheckImportError,
        import_checks,
        read_csv,
        validate_rows,
    )

    text = read_text(file)
    try:
        rows = validate_rows(read_csv(text))
    except CheckImportError as exc:
        echo_problems(f"{file.name}: {issue}" for issue in exc.issues)
        fail(f"{len(exc.issues)} problem(s) in {file.name}; nothing was imported",
             status=EXIT_INVALID)
    if dry_run:
        print_json({"valid_rows": len(rows), "imported": False})
        return
    with click.progressbar(length=len(rows), label="importing checks", file=sys.stderr,
                           show_pos=True) as bar:
        summary = import_checks(rows, actor="cli", source="import", progress=bar.update,
                                summary_action="vetting.import", file=file.name)
    print_json({"imported": True, **summary.as_dict()})


@vetting.command("status")
@click.argument("code")
@click.option("--site", default=None, help="The person's site code, if the id is ambiguous.")
def status(code: str, site: str | None) -> None:
    """Show a person's effective vetting and their checks (findings included: operators
    with shell access hold every permission)."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.vetting.services import is_cleared

    found = _find_person(code, site)
    checks = []
    for check in found.background_checks.prefetch_related("findings").order_by("created"):
        checks.append({
            "id": check.pk, "provider": check.provider, "reference": check.reference,
            "status": check.status, "completed": str(check.completed or "") or None,
            "rescreen_due": str(check.rescreen_due or "") or None,
            "findings": [f.category for f in check.findings.all() if f.withdrawn_at is None],
        })
    print_json({
        "person": found.code, "site": found.site.code, "cleared": is_cleared(found),
        "status": found.vetting_status,
        "completed": str(found.vetting_completed or "") or None,
        "expires": str(found.vetting_expires or "") or None,
        "findings": list(found.vetting_findings or []), "checks": checks,
    })


@vetting.command("refresh")
def refresh() -> None:
    """Recompute everyone's effective vetting (marks lapsed clearances expired; run daily).
    Doors and the vault already refuse a lapsed clearance without it."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.people.models import Person
    from vaultdoor.vetting.services import apply_vetting

    changed = []
    for found in Person.objects.filter(background_checks__isnull=False).distinct():
        before = found.vetting_status
        result = apply_vetting(found, actor="cli")
        if result.status != before:
            changed.append({"person": found.code, "from": before, "to": result.status})
    print_json({"changed": changed})


@vetting.command("webhook-key")
def webhook_key() -> None:
    """Print the provider webhook's signing key (give it to the provider)."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.config import ConfigError
    from vaultdoor.vetting import conf

    try:
        click.echo(conf.webhook_key().decode())
    except (ConfigError, UnicodeDecodeError) as exc:
        fail(str(exc))


@click.group()
def person() -> None:
    """The lifecycle of a person: onboarding checklist and termination."""


@person.command("terminate")
@click.argument("code")
@click.option("--site", default=None, help="The person's site code, if the id is ambiguous.")
@click.option("--reason", required=True, help="Why (kept with the termination and audited).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def terminate(code: str, site: str | None, reason: str, yes: bool) -> None:
    """Terminate a person in one action: doors, badges, PINs, biometrics, access levels,
    console account, sessions, API tokens and second factors, all revoked."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.vetting.services.lifecycle import LifecycleError
    from vaultdoor.vetting.services.lifecycle import terminate as do_terminate

    found = _find_person(code, site)
    if not yes and not click.confirm(
            f"Terminate {found.code} ({found.name}) at {found.site.code} and revoke everything?",
            err=True):
        fail("not terminated", status=EXIT_INVALID)
    try:
        done = do_terminate(found, actor="cli", reason=reason)
    except LifecycleError as exc:
        fail(str(exc))
    print_json({"person": found.code, "terminated": done.at.isoformat(),
                "correlation_id": done.correlation_id, **done.summary})


@person.command("onboarding")
@click.argument("code")
@click.option("--site", default=None, help="The person's site code, if the id is ambiguous.")
@click.option("--done", "done_item", default=None, help="Tick off a step (e.g. training_done).")
@click.option("--undo", "undo_item", default=None, help="Reopen a step.")
@click.option("--note", default="", help="A note with the step ticked off.")
def onboarding(code: str, site: str | None, done_item: str | None, undo_item: str | None,
               note: str) -> None:
    """Show a person's onboarding checklist; tick off or reopen a manual step."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.vetting.services.lifecycle import (
        LifecycleError,
        mark_onboarding,
        onboarding_checklist,
    )

    found = _find_person(code, site)
    try:
        if done_item:
            mark_onboarding(found, done_item, done=True, actor="cli", note=note)
        if undo_item:
            mark_onboarding(found, undo_item, done=False, actor="cli")
    except LifecycleError as exc:
        fail(str(exc), status=EXIT_INVALID)
    items = onboarding_checklist(found)
    print_json({"person": found.code, "complete": all(i.done for i in items), "steps": [
        {"step": i.item, "done": i.done, "automatic": i.automatic,
         "done_at": i.done_at.isoformat() if i.done_at else None, "done_by": i.done_by}
        for i in items]})
