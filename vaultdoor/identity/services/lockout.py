"""Lockout per user id and throttling per client address, on an injectable clock.

- 10 failures against one user id within 30 minutes lock it for 30 minutes (PCI DSS 8.3.4);
  password and second-factor failures are counted apart. Unknown ids are counted exactly like
  known ones, so the database work does not tell them apart.
- A client address gets a bucket of 30 failures, refilled one every 2 seconds. An empty
  bucket answers 429 with a Retry-After of a few seconds: guessing from one address slows to
  30 a minute, and a call floor behind one NAT address waits seconds, never half an hour.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from .. import clock
from ..constants import (
    ADDRESS_BURST,
    ADDRESS_REFILL,
    FAILURE_WINDOW,
    LOCKOUT_DURATION,
    LOCKOUT_THRESHOLD,
)
from ..models import AddressThrottle, FailureCounter

__all__ = [
    "address_retry_after", "clear_failures", "locked_until", "locked_usernames",
    "normalise_username", "record_address_failure", "record_failure",
]


def normalise_username(username: str) -> str:
    """The form user ids are counted under (so `MJones` and `mjones` share a counter)."""
    return username.strip().casefold()[:150]


def _counter(username: str, kind: str) -> FailureCounter:
    key = normalise_username(username)
    try:
        with transaction.atomic():
            return FailureCounter.objects.select_for_update().get_or_create(
                username=key, kind=kind)[0]
    except IntegrityError:  # created by a concurrent request
        return FailureCounter.objects.select_for_update().get(username=key, kind=kind)


def locked_until(username: str, kind: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the lock on this user id and kind ends, or None if it is not locked."""
    now = now or clock.now()
    row = (FailureCounter.objects.filter(username=normalise_username(username), kind=kind)
           .values_list("locked_until", flat=True).first())
    return row if row is not None and row > now else None


def locked_usernames(usernames: Iterable[str], now: dt.datetime | None = None) -> set[str]:
    """Which of `usernames` have a lock of either kind in force: `locked_until` for a whole
    page of accounts at once (one query, not two per account)."""
    now = now or clock.now()
    names = list(usernames)
    locked = set(FailureCounter.objects.filter(
        username__in={normalise_username(name) for name in names}, locked_until__gt=now,
    ).values_list("username", flat=True))
    return {name for name in names if normalise_username(name) in locked}


def record_failure(username: str, kind: str, now: dt.datetime | None = None) -> bool:
    """Count one failure; returns True when this failure locked the user id."""
    now = now or clock.now()
    with transaction.atomic():
        row = _counter(username, kind)
        if row.locked_until is not None and row.locked_until > now:
            return False  # already locked: the lock is not extended by more guesses
        if row.first_failure is None or now - row.first_failure > FAILURE_WINDOW or (
                row.locked_until is not None):
            row.failures, row.first_failure, row.locked_until = 0, now, None
        row.failures += 1
        row.last_failure = now
        locked = row.failures >= LOCKOUT_THRESHOLD
        if locked:
            row.locked_until = now + LOCKOUT_DURATION
        row.save()
    return locked


def clear_failures(username: str, kind: str) -> None:
    """Forget the failures of one kind after a success (a lock in force is not lifted)."""
    FailureCounter.objects.filter(
        username=normalise_username(username), kind=kind, locked_until__isnull=True
    ).delete()


def _refill(row: AddressThrottle, now: dt.datetime) -> float:
    elapsed = max(0.0, (now - row.updated).total_seconds())
    return min(float(ADDRESS_BURST), row.tokens + elapsed / ADDRESS_REFILL.total_seconds())


def address_retry_after(address: str, now: dt.datetime | None = None) -> int:
    """Seconds this address must wait before its next attempt (0: go ahead)."""
    now = now or clock.now()
    row = AddressThrottle.objects.filter(address=address).first()
    if row is None:
        return 0
    tokens = _refill(row, now)
    if tokens >= 1:
        return 0
    return max(1, math.ceil((1 - tokens) * ADDRESS_REFILL.total_seconds()))


def record_address_failure(address: str, now: dt.datetime | None = None) -> None:
    """Take one token from the address's bucket."""
    now = now or clock.now()
    with transaction.atomic():
        row = AddressThrottle.objects.select_for_update().filter(address=address).first()
        if row is None:
            try:
                with transaction.atomic():
                    AddressThrottle.objects.create(address=address, tokens=ADDRESS_BURST - 1,
                                                   updated=now)
                return
            except IntegrityError:
                row = AddressThrottle.objects.select_for_update().get(address=address)
        row.tokens = max(0.0, _refill(row, now) - 1)
        row.updated = now
        row.save(update_fields=["tokens", "updated"])
