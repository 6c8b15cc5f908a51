"""Several server processes append at once (one event at a time, or in batches with
`record_many`, or both mixed): the chain never forks and never leaves gaps."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from vaultdoor.audit.models import AuditCheckpoint, AuditEvent
from vaultdoor.audit.recorder import signing_key
from vaultdoor.audit.verify import verify_database

WRITERS = 4
EACH = 50
CHECKPOINT_EVERY = 25


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_writer_processes_share_one_unbroken_chain(tmp_path):
    _run_writers(tmp_path, batches=[0] * WRITERS)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_single_and_batch_writers_mixed_share_one_unbroken_chain(tmp_path):
    # Two writers call record() per event, two call record_many() (batches of 7 and 3, so
    # batches straddle the checkpoint multiples).
    _run_writers(tmp_path, batches=[0, 7, 0, 3])


def _run_writers(tmp_path, *, batches):
    env = {**os.environ, "VAULTDOOR_AUDIT_CHECKPOINT_EVERY": str(CHECKPOINT_EVERY)}
    go = tmp_path / "go"
    name = str(connection.settings_dict["NAME"])
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "vaultdoor.audit.tests.writer", name, str(EACH),
             str(tmp_path / f"ready-{i}"), str(go), str(batch)],
            env=env, stderr=subprocess.PIPE, text=True,
        )
        for i, batch in enumerate(batches)
    ]
    try:
        deadline = time.monotonic() + 120
        while not all((tmp_path / f"ready-{i}").exists() for i in range(WRITERS)):
            assert all(w.poll() is None for w in writers), "a writer died while starting"
            assert time.monotonic() < deadline, "writers did not start within 120 s"
            time.sleep(0.05)
        go.touch()
        for writer in writers:
            _, errors = writer.communicate(timeout=300)
            assert writer.returncode == 0, errors
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()

    total = WRITERS * EACH
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    result = verify_database(trusted_keys=[signing_key().public_key()])
    assert result.count == total
    assert result.head_seq == total
    # Each writer's own events keep their order along the chain.
    for actor in set(AuditEvent.objects.values_list("actor", flat=True)):
        ns = list(AuditEvent.objects.filter(actor=actor).order_by("seq")
                  .values_list("context__n", flat=True))
        assert ns == list(range(EACH))
    # Automatic checkpoints were made by whichever writer reached each multiple, exactly once.
    assert list(AuditCheckpoint.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(CHECKPOINT_EVERY, total + 1, CHECKPOINT_EVERY)
    )
    assert result.last_checkpoint_seq == total
