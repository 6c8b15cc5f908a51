"""Benchmark the audit log: how fast `record()` appends and how fast the chain verifies.

    .venv/bin/python benchmarks/bench_audit.py                      # SQLite in a temp data dir
    .venv/bin/python benchmarks/bench_audit.py --events 20000 --writers 4
    VAULTDOOR_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_audit \\
        .venv/bin/python benchmarks/bench_audit.py      # PostgreSQL (the database must exist)

Measures, on one fresh database: `record()` one event per transaction from one process (each a
durable commit: SQLite WAL with synchronous=FULL, or PostgreSQL's default fsync), the same from
several writer processes at once (the chain lock serialises them), `record()` batched inside one
transaction (how an import records its events), database verification (`verify_database`, which
streams), export, and offline verification of the export file (no Django). Also the pure
hashing rate of the chain with no database at all. The last line is the summary:

    audit: record <R> events/s, verify <V> events/s, offline verify <O> events/s
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CONTEXT = {  # about the size of a real access.decision event
    "site": "hq", "at": "2026-12-01T08:03:00+00:00", "direction": "in",
    "credential": "card h10301 42:10231", "decision": "grant", "reason": "granted",
    "person": "E1001", "door": "D-MAIN", "zone": "lobby", "warnings": [],
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    import django

    django.setup()


def _writer(count: int, start: Any) -> None:
    _setup()
    from vaultdoor.audit import record

    start.wait()
    for n in range(count):
        record("access.decision", actor="door", target_type="door", target_id="D-MAIN", n=n,
               **CONTEXT)


class Clock:
    """Wall time and this process's CPU time: on a shared machine the CPU figure is steadier."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rate(self, count: int) -> float:
        return count / self.wall

    def line(self, count: int) -> str:
        return (f"{count / self.wall:,.0f} events/s wall ({self.wall * 1e6 / count:,.0f} us), "
                f"{count / max(self.cpu, 1e-9):,.0f} events/s of this process's CPU "
                f"({self.cpu * 1e6 / count:,.0f} us)")


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} events/s wall ({seconds * 1e6 / max(count, 1):,.0f} us)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000, help="events per measurement")
    parser.add_argument("--writers", type=int, default=2, help="concurrent writer processes")
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="vaultdoor-bench-audit-")
    os.environ["VAULTDOOR_DATA_DIR"] = data
    os.environ["VAULTDOOR_AUDIT_CHECKPOINT_EVERY"] = "1000"
    _setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from vaultdoor.audit import record
    from vaultdoor.audit.export import export_log
    from vaultdoor.audit.offline import verify_export
    from vaultdoor.audit.recorder import signing_key
    from vaultdoor.audit.verify import verify_database
    from vaultdoor.engine.chain import GENESIS_HASH, ChainEvent

    call_command("migrate", interactive=False, verbosity=0)
    n = args.events
    load = os.getloadavg()[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {load:.1f}; database {connection.vendor}")

    # Pure chain hashing (no database): the floor under everything else.
    at = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    prev = GENESIS_HASH
    with Clock() as clock:
        for seq in range(1, n + 1):
            prev = ChainEvent(seq=seq, at=at, action="access.decision", context=CONTEXT,
                              prev_hash=prev).sealed().hash
    print(f"chain hashing, no database: {clock.line(n)}")

    with Clock() as clock:
        for i in range(n):
            record("access.decision", actor="door", target_type="door", target_id="D-MAIN", n=i,
                   **CONTEXT)
    single = clock.rate(n)
    print(f"record(), one process, one commit per event: {clock.line(n)}")

    with Clock() as clock, transaction.atomic():
        for i in range(n):
            record("access.decision", actor="import", n=i, **CONTEXT)
    print(f"record(), {n} events in one transaction: {clock.line(n)}")

    connection.close()  # the writers open their own connections
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    each = n // args.writers
    writers = [ctx.Process(target=_writer, args=(each, start)) for _ in range(args.writers)]
    for process in writers:
        process.start()
    time.sleep(5)  # let every writer import Django and connect before the clock starts
    began = time.perf_counter()
    start.set()
    for process in writers:
        process.join()
    elapsed = time.perf_counter() - began
    rate = _rate(each * args.writers, elapsed)
    print(f"record(), {args.writers} writer processes at once: {rate}")

    trusted = [signing_key().public_key()]
    with Clock() as clock:
        result = verify_database(trusted_keys=trusted)
    verify_rate = clock.rate(result.count)
    print(f"verify (database, streaming) of {result.count} events, {result.checkpoints} "
          f"checkpoints: {clock.line(result.count)}")

    path = Path(data) / "export.jsonl"
    with Clock() as clock, open(path, "w", encoding="utf-8") as out:
        exported = export_log(out)
    print(f"export of {exported.count} events ({path.stat().st_size / 1e6:.1f} MB): "
          f"{clock.line(exported.count)}")

    with Clock() as clock, open(path, encoding="utf-8") as handle:
        summary = verify_export(handle, trusted)
    offline_rate = clock.rate(summary.count)
    print(f"verify --file (offline): {clock.line(summary.count)}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"audit: record {single:,.0f} events/s, verify {verify_rate:,.0f} events/s, "
          f"offline verify {offline_rate:,.0f} events/s")


if __name__ == "__main__":
    main()
