"""A separate writer process for the concurrency test: append events to the test database.

Usage: python -m vaultdoor.audit.tests.writer DB_NAME COUNT READY_FILE GO_FILE [BATCH]
It says it is ready, waits for the go signal (so all writers start together), then records:
one `record()` per event, or with BATCH, `record_many()` of BATCH events at a time.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    db_name, count, ready, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict["NAME"] = db_name  # the test database the parent created
    from vaultdoor.audit import AuditEntry, record, record_many

    ready.touch()
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("writer: no go signal within 60 s")
        time.sleep(0.005)
    actor = f"writer-{os.getpid()}"
    if batch:
        for start in range(0, count, batch):
            record_many([AuditEntry("access.decision", actor=actor, target_type="door",
                                    target_id="D-1", context={"n": n})
                         for n in range(start, min(count, start + batch))])
        return
    for n in range(count):
        record("access.decision", actor=actor, target_type="door", target_id="D-1", n=n)


if __name__ == "__main__":
    main()
