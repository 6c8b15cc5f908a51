"""`vaultdoor controller`: add door controllers (with a one-time enrolment code), list them,
issue a new code, revoke them."""

from __future__ import annotations

import click

from vaultdoor.cli import _django
from vaultdoor.cli._output import EXIT_INVALID, fail, print_json, validation_message


@click.group()
def controller() -> None:
    """Door controllers at the edge."""


def _get(name: str):  # type: ignore[no-untyped-def]
    from vaultdoor.controllers.models import Controller

    try:
        return Controller.objects.select_related("site").get(name=name)
    except Controller.DoesNotExist:
        known = ", ".join(Controller.objects.values_list("name", flat=True)) or "none yet"
        fail(f"no controller {name!r} (controllers: {known})", status=EXIT_INVALID)


@controller.command()
@click.argument("name")
@click.option("--doors", required=True, help="comma-separated door ids, e.g. D1,D2")
@click.option("--site", "site_code", help="the site id (needed when there are several)")
@click.option("--failure-mode", type=click.Choice(["secure", "safe"]), default="secure",
              show_default=True, help="what its doors do once offline past the grace")
@click.option("--offline-grace", type=click.IntRange(1, 2_147_483_647), default=None,
              help="seconds it keeps deciding offline (default 7 days)")
def add(name: str, doors: str, site_code: str | None, failure_mode: str,
        offline_grace: int | None) -> None:
    """Add a controller for DOORS and print its one-time enrolment code."""
    _django.setup()
    from vaultdoor.access.services.sitedb import SiteNotFound, get_site
    from vaultdoor.controllers.services.enrolment import CODE_TTL, ControllerError, add_controller

    try:
        site = get_site(site_code)
        ctl, code = add_controller(
            name, site=site, doors=doors.split(","), failure_mode=failure_mode,
            offline_grace_s=offline_grace, actor="cli",
        )
    except (SiteNotFound, ControllerError) as exc:
        fail(str(exc), status=EXIT_INVALID)
    except Exception as exc:  # a validation error of the name, say
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            fail(validation_message(exc, {"name": "NAME", "offline_grace_s": "--offline-grace",
                                          "failure_mode": "--failure-mode"}),
                 status=EXIT_INVALID)
        raise
    hours = int(CODE_TTL.total_seconds() // 3600)
    named = ", ".join(dict.fromkeys(d.strip() for d in doors.split(",") if d.strip()))
    click.echo(f"controller {ctl.name} added for {named}")
    click.echo(f"enrolment code (one use, valid {hours} h): {code}")


@controller.command()
@click.argument("name")
def code(name: str) -> None:
    """Issue a new one-time enrolment code for NAME (to replace or re-enrol a unit)."""
    _django.setup()
    from vaultdoor.controllers.services.enrolment import ControllerError, issue_enrolment_code

    ctl = _get(name)
    try:
        fresh = issue_enrolment_code(ctl, actor="cli")
    except ControllerError as exc:
        fail(str(exc), status=EXIT_INVALID)
    click.echo(f"enrolment code for {ctl.name} (one use): {fresh}")


@controller.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def list_(as_json: bool) -> None:
    """Every controller with its status."""
    _django.setup()
    from vaultdoor.controllers.models import Controller

    rows = []
    for ctl in Controller.objects.select_related("site").prefetch_related("doors"):
        state = "revoked" if ctl.revoked else ("online" if ctl.is_online() else (
            "offline" if ctl.enrolled_at else "not enrolled"))
        rows.append({
            "name": ctl.name, "site": ctl.site.code, "state": state,
            "doors": sorted(d.code for d in ctl.doors.all()),
            "last_seen": ctl.last_seen.isoformat() if ctl.last_seen else None,
            "snapshot_version": ctl.reported_version, "spool_depth": ctl.spool_depth,
            "clock_skew_ms": ctl.clock_skew_ms,
        })
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no controllers yet: add one with `vaultdoor controller add NAME --doors D1`")
        return
    for r in rows:
        depth = "-" if r["spool_depth"] is None else r["spool_depth"]
        click.echo(
            f"{r['name']:<20} {r['state']:<13} site {r['site']}  doors {','.join(r['doors'])}  "
            f"v{r['snapshot_version'] or '-'}  spool {depth}  "
            f"last seen {r['last_seen'] or 'never'}"
        )


@controller.command()
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke NAME: its credential stops working at once."""
    _django.setup()
    from vaultdoor.controllers.services.enrolment import revoke_controller

    ctl = _get(name)
    if ctl.revoked:
        fail(f"controller {name} is already revoked", status=EXIT_INVALID)
    revoke_controller(ctl, actor="cli")
    click.echo(f"controller {name} revoked")


@controller.command(name="demo-edge")
@click.option("--server", default="http://127.0.0.1:8000", show_default=True,
              help="the server the controller follows")
@click.option("--data-dir", "edge_dir", type=click.Path(file_okay=False), default=None,
              help="the controller's data directory (default: <data dir>/edge)")
@click.option("--name", default="demo-edge", show_default=True)
@click.option("--max-doors", default=12, show_default=True, type=click.IntRange(1, 500),
              help="how many of the site's free doors it drives")
def demo_edge(server: str, edge_dir: str | None, name: str, max_doors: int) -> None:
    """Run one demo door controller with simulated readers beside the server.

    Adds the controller the first time (for up to MAX_DOORS doors no controller drives yet),
    waits for the server, enrols over HTTP and runs until stopped. Present cards with
    `vaultdoor edge swipe --data-dir <dir> --door D --card F:N`."""
    _django.setup()
    import time
    from pathlib import Path

    from django.conf import settings

    from vaultdoor.access.services.sitedb import SiteNotFound, get_site
    from vaultdoor.controllers.models import Controller, ControllerDoor
    from vaultdoor.controllers.services.enrolment import add_controller, issue_enrolment_code
    from vaultdoor.edge.daemon import AlreadyRunning, EdgeDaemon
    from vaultdoor.edge.store import EdgeStore, NotEnrolled
    from vaultdoor.edge.sync import ServerRefused, ServerUnavailable, enroll
    from vaultdoor.facilities.models import Door

    folder = Path(edge_dir) if edge_dir else Path(settings.DATA_DIR) / "edge"
    store = EdgeStore(folder)
    existing = Controller.objects.filter(name=name, revoked_at__isnull=True).first()
    try:
        enrolled = existing is not None and store.config().controller == name
    except NotEnrolled:
        enrolled = False
    if not enrolled:
        if existing is None:
            try:
                site = get_site(None)
            except SiteNotFound as exc:
                fail(str(exc), status=EXIT_INVALID)
            taken = ControllerDoor.objects.values_list("door_id", flat=True)
            doors = list(
                Door.objects.filter(site=site, active=True).exclude(pk__in=taken)
                .order_by("code").values_list("code", flat=True)[:max_doors]
            )
            if not doors:
                fail("every door already has a controller", status=EXIT_INVALID)
            existing, code = add_controller(name, site=site, doors=doors, actor="demo")
        else:
            code = issue_enrolment_code(existing, actor="demo")
        deadline = time.monotonic() + 120
        while True:
            try:
                enroll(server, code, store, timeout=30)
                break
            except ServerUnavailable:
                if time.monotonic() > deadline:
                    fail(f"the server at {server} did not answer within 2 minutes")
                time.sleep(1)
            except ServerRefused as exc:
                fail(str(exc))
    doors_text = ", ".join(existing.doors.order_by("code").values_list("code", flat=True))
    click.echo(f"demo controller {name} running for {doors_text}; present a card with: "
               f"vaultdoor edge swipe --data-dir {folder} --door <door> --card 42:10231")
    try:
        EdgeDaemon(folder).run_forever()
    except AlreadyRunning as exc:
        fail(str(exc))
