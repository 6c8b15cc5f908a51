"""Benchmark vetting: CSV import throughput, and how long a vetting change takes to reach the
next door decision.

    .venv/bin/python benchmarks/bench_vetting.py                 # SQLite in a temp data dir
    .venv/bin/python benchmarks/bench_vetting.py --agents 2000 --flips 30
    VAULTDOOR_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_vetting \\
        .venv/bin/python benchmarks/bench_vetting.py   # PostgreSQL (the database must exist)

Builds the demo centre, imports it, then:

1. imports one background check per person from a CSV file (validate every row, then write
   all in one transaction with an audit event per check and the effective vetting of each
   person): rows per second;
2. for `--flips` day agents: a granted decision at their call floor (warm snapshot), then a
   disqualifying finding recorded (`record_finding`: one transaction, audit events, the
   person's vetting written, the site's revision bumped), then the next decision at the same
   door, which must be `vetting_required` and pays the snapshot recompile;
3. terminates `--flips` people (`terminate`).

The last line is the summary:

    vetting: import <R> rows/s, finding p50 <F> ms, next decision p50 <D> ms, terminate p50 <T> ms
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--flips", type=int, default=20)
    args = parser.parse_args()

    if not os.environ.get("VAULTDOOR_DATABASE_URL"):
        os.environ["VAULTDOOR_DATA_DIR"] = tempfile.mkdtemp(prefix="vaultdoor-bench-vetting-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    import django

    django.setup()
    import yaml
    from django.core.management import call_command
    from django.db import connection

    from vaultdoor.access.services.decide import decide_swipe
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.demo.centre import DEMO_SITE_ID, build_centre
    from vaultdoor.people.models import Person
    from vaultdoor.vetting.models import BackgroundCheck
    from vaultdoor.vetting.services.decisions import record_finding
    from vaultdoor.vetting.services.importer import import_checks, read_csv, validate_rows
    from vaultdoor.vetting.services.lifecycle import terminate

    call_command("migrate", verbosity=0)
    plan = build_centre(agents=args.agents)
    import_site_text(yaml.safe_dump(plan.site, sort_keys=False), actor="bench")
    people = plan.site["people"]
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}, {connection.vendor}, load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"site: {len(people)} people")

    out = io.StringIO()
    out.write("person,provider,reference,scope,requested,completed,status,findings,notes\n")
    for n, person in enumerate(people):
        out.write(f"{person['id']},Bench Screening,B-{n},criminal;identity,2026-10-01,"
                  f"2026-10-20,cleared,{'other' if n % 10 == 0 else ''},\n")
    started = time.perf_counter()
    rows = validate_rows(read_csv(out.getvalue()))
    validated = time.perf_counter() - started
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("import_checks(rows, actor='bench', source='import')", globals(),
                        {"import_checks": import_checks, "rows": rows}, sort="cumtime")
        return
    summary = import_checks(rows, actor="bench", source="import",
                            summary_action="vetting.import")
    elapsed = time.perf_counter() - started
    rate = len(rows) / elapsed
    print(f"CSV import: {len(rows)} rows in {elapsed:.2f} s (validation {validated:.2f} s), "
          f"{rate:.0f} rows/s; {summary.as_dict()}")

    day_agents = [p for p in people if p.get("role") == "agent-day-1"
                  and p.get("status") == "active"
                  and not (p.get("vetting") or {}).get("findings")
                  and any(c.get("type") == "card" and c.get("status", "active") == "active"
                          for c in p.get("credentials", []))][: args.flips]
    finding_s, decision_s = [], []
    for n, agent in enumerate(day_agents):
        card = next(c for c in agent["credentials"] if c.get("type") == "card")
        presented = {k: card[k] for k in ("format", "facility", "number") if k in card}
        at = f"2026-12-02T10:{n % 60:02d}:00"
        first = decide_swipe(DEMO_SITE_ID, {"at": at, "door": "D-FLOOR-1", "card": presented,
                                            "direction": "in"}, actor="bench")
        check = BackgroundCheck.objects.filter(person__code=agent["id"]).first()
        t0 = time.perf_counter()
        record_finding(check, category="fraud", actor="bench")
        t1 = time.perf_counter()
        after = decide_swipe(DEMO_SITE_ID, {"at": at.replace(":00", ":30", 1)[:-3] + ":30",
                                            "door": "D-FLOOR-1", "card": presented,
                                            "direction": "in"}, actor="bench")
        t2 = time.perf_counter()
        if first["decision"] != "grant" or after["reason"] != "vetting_required":
            raise SystemExit(f"unexpected decisions for {agent['id']}: {first} then {after}")
        finding_s.append(t1 - t0)
        decision_s.append(t2 - t1)
    print(f"finding recorded: p50 {_p(finding_s, 0.5):.1f} ms, p95 {_p(finding_s, 0.95):.1f} ms"
          f" over {len(finding_s)}")
    print(f"next decision (vetting_required, snapshot recompiled): p50 "
          f"{_p(decision_s, 0.5):.1f} ms, p95 {_p(decision_s, 0.95):.1f} ms")

    terminate_s = []
    for person in Person.objects.filter(status="active").order_by("pk")[: args.flips]:
        t0 = time.perf_counter()
        terminate(person, actor="bench", reason="benchmark termination")
        terminate_s.append(time.perf_counter() - t0)
    print(f"terminate: p50 {_p(terminate_s, 0.5):.1f} ms, p95 {_p(terminate_s, 0.95):.1f} ms "
          f"over {len(terminate_s)}")
    print(f"vetting: import {rate:.0f} rows/s, finding p50 {_p(finding_s, 0.5):.1f} ms, "
          f"next decision p50 {_p(decision_s, 0.5):.1f} ms, terminate p50 "
          f"{statistics.median(terminate_s) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
