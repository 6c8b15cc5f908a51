"""A separate writer process for the concurrency test: append events to the test database.

Usage: python -m vaultdoor.audit.tests.writer DB_NAME COUNT READY_FILE GO_FILE
It says it is ready, waits for the go signal (so all writers start together), then records.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    db_name, count, ready, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict["NAME"] = db_name  # the test database the parent created
    from vaultdoor.audit import record

    ready.touch()
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("writer: no go signal within 60 s")
        time.sleep(0.005)
    for n in range(count):
        record("access.decision", actor=f"writer-{os.getpid()}", target_type="door",
               target_id="D-1", n=n)


if __name__ == "__main__":
    main()
