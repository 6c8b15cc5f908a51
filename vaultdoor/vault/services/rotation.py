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
from ..keys import KeyRing, VaultKeyError, check_destroyable, destroy_key_file, kek_file, keyring
from ..models import Customer, RetiredKey, RotationRun

__all__ = ["KeyRetirementRefused", "RetireResult", "RotationInterrupted", "RotationResult",
           "ensure_not_retired", "retire_key", "rotate_keys", "rotation_status"]


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
    ensure_not_retired(ring)
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


class KeyRetirementRefused(ValueError):
    """A KEK version cannot be retired (yet); the message says why and what to do."""


@dataclass(frozen=True)
class RetireResult:
    """A retired KEK version, and the key file destroyed (None with `mark_only`)."""

    version: int
    file: str | None
    file_destroyed: bool


def ensure_not_retired(ring: KeyRing) -> None:
    """Refuse to wrap anything under a retired version (a process started before the
    retirement still holding that version as its newest)."""
    if RetiredKey.objects.filter(version=ring.current).exists():
        raise VaultKeyError(
            f"vault key version {ring.current} is retired and may not wrap new data keys: "
            "restart with the newer key listed (VAULTDOOR_VAULT_KEYS)")


def _still_wrapped(version: int) -> int:
    return Customer.objects.filter(kek_version=version, wrapped_key__isnull=False).count()


def retire_key(version: int, *, reason: str, actor: str = "system", mark_only: bool = False,
               ring: KeyRing | None = None) -> RetireResult:
    """Take KEK `version` out of service for good: refused while any record's data key is
    still wrapped under it (or it is the newest version); otherwise its key file is
    overwritten and deleted (unless `mark_only`: the operator destroys it elsewhere), the
    version is recorded as retired and `vault.key_retired` is audited, all or nothing.

    Afterwards every copy of a record wrapped under this version (a backup made before the
    rotation) is unreadable: its data key can no longer be unwrapped."""
    ring = ring or keyring()
    cleaned = " ".join((reason or "").split())
    if len(cleaned) < 5:
        raise KeyRetirementRefused("give a reason for retiring the key (a change reference)")
    if version >= ring.current:
        raise KeyRetirementRefused(
            f"vault key version {version} is "
            f"{'the newest' if version == ring.current else 'not older than the newest'} "
            f"(version {ring.current}); add a newer key and run `vaultdoor vault rotate-keys` "
            "first")
    if RetiredKey.objects.filter(version=version).exists():
        raise KeyRetirementRefused(f"vault key version {version} is already retired")
    still = _still_wrapped(version)
    if still:
        raise KeyRetirementRefused(
            f"{still} record(s) are still wrapped under vault key version {version}: run "
            "`vaultdoor vault rotate-keys` to the end first (retiring now would make them "
            "unreadable)")
    path = kek_file(version)
    if not mark_only:
        if path is None:
            raise KeyRetirementRefused(
                f"no key file for vault key version {version} is configured here; if it was "
                "destroyed elsewhere, record that with --mark-only")
        try:
            check_destroyable(path)
        except VaultKeyError as exc:
            raise KeyRetirementRefused(str(exc)) from exc
    with transaction.atomic():
        RetiredKey.objects.create(version=version, retired_at=timezone.now(), retired_by=actor,
                                  reason=cleaned, file_destroyed=not mark_only)
        # checked again inside the transaction: a record wrapped meanwhile keeps the key
        still = _still_wrapped(version)
        if still:
            raise KeyRetirementRefused(
                f"{still} record(s) were wrapped under vault key version {version} meanwhile "
                "(a process still using it as its newest key?): restart it, rotate, retry")
        record("vault.key_retired", actor=actor, target_type="vault.kek",
               target_id=str(version), why=cleaned, file_destroyed=not mark_only)
        if not mark_only and path is not None:
            destroy_key_file(path)  # last: a failure rolls the retirement back
    return RetireResult(version, None if path is None else str(path), not mark_only)
