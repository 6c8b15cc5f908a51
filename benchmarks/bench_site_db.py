"""Benchmark the server side of sites and doors: import, re-import, export, live decisions.

Builds the demo centre with `--agents` agents, imports it into a fresh SQLite database (or the
PostgreSQL database in VAULTDOOR_DATABASE_URL), then times a re-import of the same file (no
changes), an export and its import, and `--decisions` swipes of the demo day decided one by
one through `decide_swipe` (lock, cached snapshot, database door state, audit event, door
event: one transaction each, as `vaultdoor access check` and the API do it).

    .venv/bin/python benchmarks/bench_site_db.py [--agents 2000] [--decisions 500] [--refreshes 20]

Then, for a door controller of five doors, marks one card lost and found again `--refreshes`
times and times the controller's refresh (re-read the site, filter, diff, sign and store the
delta): the server's share of a revocation's journey to the edge.

Ends with one line: `domain: import <N> people <S> s, reimport <S> s, export <S> s,
<D> decisions/s, p50 <X> ms, p99 <Y> ms`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _timed(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.2f} s")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--refreshes", type=int, default=20)
    args = parser.parse_args()

    if not os.environ.get("VAULTDOOR_DATABASE_URL"):
        os.environ["VAULTDOOR_DATA_DIR"] = tempfile.mkdtemp(prefix="vaultdoor-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    import django

    django.setup()
    import yaml
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vaultdoor.access.services.decide import decide_swipe
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.access.services.sitedb import export_site_yaml
    from vaultdoor.demo.centre import DEMO_SITE_ID, build_centre
    from vaultdoor.demo.day import day_of_swipes

    call_command("migrate", verbosity=0)
    plan = build_centre(agents=args.agents)
    text = yaml.safe_dump(plan.site, sort_keys=False)
    people = len(plan.site["people"])
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}, {connection.vendor}, load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"site: {people} people, {len(plan.site['doors'])} doors, {len(text) // 1024} KiB")

    report, first = _timed("first import", lambda: import_site_text(text, actor="bench"))
    print(f"  {report.summary()}")
    report, again = _timed("re-import, no changes", lambda: import_site_text(text, actor="bench"))
    assert not report.changed, report.changes
    exported, export_s = _timed("export", lambda: export_site_yaml(DEMO_SITE_ID))
    report, _ = _timed("import of the export", lambda: import_site_text(exported, actor="bench"))
    assert not report.changed, report.changes

    swipes = day_of_swipes(plan, dt.datetime.now(dt.UTC))[: args.decisions]
    decide_swipe(DEMO_SITE_ID, swipes[0], actor="bench")  # compiles the snapshot once
    with CaptureQueriesContext(connection) as queries:
        decide_swipe(DEMO_SITE_ID, swipes[1], actor="bench")
    timings = []
    for swipe in swipes[2:]:
        start = time.perf_counter()
        decide_swipe(DEMO_SITE_ID, swipe, actor="bench")
        timings.append(time.perf_counter() - start)
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99) - 1] * 1000
    rate = len(timings) / sum(timings)
    print(f"decisions: {len(timings)} through decide_swipe, {len(queries)} queries each "
          f"(one transaction), p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    refresh_p50, refresh_max = _controller_refreshes(args.refreshes)
    print(f"controller refresh after one card change ({args.refreshes} runs, {people} people "
          f"on the site): p50 {refresh_p50 * 1000:.0f} ms, max {refresh_max * 1000:.0f} ms")
    print(f"domain: import {people} people {first:.2f} s, reimport {again:.2f} s, export "
          f"{export_s:.2f} s, {rate:.0f} decisions/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def _controller_refreshes(runs: int) -> tuple[float, float]:
    from vaultdoor.controllers.services import compiler
    from vaultdoor.controllers.services.enrolment import add_controller
    from vaultdoor.demo.centre import DEMO_SITE_ID
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Card

    controller, _ = add_controller(
        "bench-refresh", site=Site.objects.get(code=DEMO_SITE_ID),
        doors=["D-MAIN", "D-FLOOR-1", "D-FLOOR-2", "D-LOCKERS", "D-HR"], actor="bench")
    compiler.refresh(controller)
    card = Card.objects.filter(status="active", active=True).order_by("pk")[5]
    timings = []
    for i in range(runs):
        card.status = "lost" if i % 2 == 0 else "active"
        card.save()
        start = time.perf_counter()
        compiler.refresh(controller)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), max(timings)


if __name__ == "__main__":
    main()
