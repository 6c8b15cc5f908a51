"""Key rotation: re-wrap every record's data key under the newest KEK, in batches, resumable.

Reads never stop: every loaded KEK can unwrap, and each record moves in one small update that
names the version it read (a record erased or rotated meanwhile is left alone). Progress (the
last record done) is kept in a `RotationRun` row in the same transaction as each batch, so a
run that is interrupted continues after the last committed batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from vaultdoor.audit import record

from ..envelope import rewrap
from ..keys import KeyRing, keyring
from ..models import Customer, RotationRun

__all__ = ["RotationInterrupted", "RotationResult", "rotate_keys", "rotation_status"]


class RotationInterrupted(RuntimeError):
    """The run stopped early (on request); running it again continues where it stopped."""


@dataclass(frozen=True)
class RotationResult:
    """What a rotation did: the target version, records re-wrapped in this call and in all."""

    target_version: int
    rewrapped_now: int
    rewrapped_total: int
    resumed: bool
    finished: bool


def rotation_status() -> dict[int, int]:
    """How many live records each KEK version wraps."""
    rows = (Customer.objects.filter(erased=False).values_list("kek_version")
            .order_by("kek_version"))
    counts: dict[int, int] = {}
    for (version,) in rows.iterator(chunk_size=5000):
        counts[version] = counts.get(version, 0) + 1
    return counts


def rotate_keys(*, batch_size: int = 500, stop_after: int | None = None,
                actor: str = "system", ring: KeyRing | None = None,
                progress: Callable[[int], None] | None = None) -> RotationResult:
    """Re-wrap every live record not yet under the newest KEK. `stop_after` stops after that
    many records (as an interruption would; tests) by raising `RotationInterrupted`."""
    ring = ring or keyring()
    target = ring.current
    run = RotationRun.objects.filter(target_version=target, finished__isnull=True).first()
    resumed = run is not None
    if run is None:
        run = RotationRun.objects.create(target_version=target, started=timezone.now())
    done_now = 0
    while True:
        rows = Customer.objects.filter(erased=False).exclude(kek_version=target)
        if run.last_id is not None:
            rows = rows.filter(id__gt=run.last_id)
        size = batch_size if stop_after is None else min(batch_size, stop_after - done_now)
        batch = list(rows.order_by("id").values_list("id", "wrapped_key", "kek_version")[:size])
        if not batch:
            break
        with transaction.atomic():
            for customer_id, wrapped, version in batch:
                new_wrapped, new_version = rewrap(ring, str(customer_id), bytes(wrapped),
                                                  version, target)
                Customer.objects.filter(pk=customer_id, kek_version=version,
                                        erased=False).update(wrapped_key=new_wrapped,
                                                             kek_version=new_version)
            run.last_id = batch[-1][0]
            run.rewrapped += len(batch)
            run.save(update_fields=["last_id", "rewrapped"])
        done_now += len(batch)
        if progress is not None:
            progress(len(batch))
        if stop_after is not None and done_now >= stop_after:
            raise RotationInterrupted(
                f"stopped after {done_now} records; run `vaultdoor vault rotate-keys` again "
                "to continue")
    with transaction.atomic():
        run.finished = timezone.now()
        run.save(update_fields=["finished"])
        record("vault.rotate", actor=actor, target_type="vault.kek", target_id=str(target),
               rewrapped=run.rewrapped, resumed=resumed)
    return RotationResult(target, done_now, run.rewrapped, resumed, True)
