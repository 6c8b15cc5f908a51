"""A person's effective vetting, computed from their background checks, written to the
`people.Person` fields the access engine reads, and the one question the vault asks.

The rules, in order (the latest "decided" check is the one completed last among those that
are cleared, adverse or expired):

1. The findings are the categories of every finding on record (not withdrawn), in any check:
   an old fraud record still precludes sensitive access (the engine and `is_cleared` refuse
   a person with a disqualifying finding whatever the status says).
2. The latest decided check is adverse: `adverse`.
3. It is cleared and its rescreen date has not come: `cleared`, expiring on that date.
4. Otherwise a check still in progress: `pending`; a clearance that lapsed: `expired`;
   nothing at all: `not_started`.

Writing the fields saves the person, which bumps the site's revision (access/signals.py), so
the very next door decision compiles against the new vetting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from vaultdoor.engine.timeutil import local_midnight
from vaultdoor.people.choices import PersonStatusChoices
from vaultdoor.people.models import Person

from ..choices import DISQUALIFYING, CheckStatusChoices
from .dates import local_date, site_zone

__all__ = ["EffectiveVetting", "apply_vetting", "counts_as_cleared", "effective_vetting",
           "is_cleared"]

_DECIDED = {CheckStatusChoices.CLEARED, CheckStatusChoices.ADVERSE, CheckStatusChoices.EXPIRED}


@dataclass(frozen=True)
class EffectiveVetting:
    """What a person's checks add up to, in the words of the site format."""

    status: str
    completed: dt.date | None
    expires: dt.date | None
    findings: tuple[str, ...]

    @property
    def disqualified(self) -> bool:
        """Whether a finding on record precludes sensitive access."""
        return not DISQUALIFYING.isdisjoint(self.findings)


def _order(check: Any) -> tuple[Any, ...]:
    day = check.completed or check.requested or check.created.date()
    return (day, check.created, check.pk)


def effective_vetting(person: Person, today: dt.date) -> EffectiveVetting:
    """The effective vetting of `person` on the site-local date `today`, from their checks."""
    checks = sorted(person.background_checks.prefetch_related("findings"), key=_order)
    findings = sorted({
        f.category for c in checks for f in c.findings.all() if f.withdrawn_at is None
    })
    decided = [c for c in checks if c.status in _DECIDED]
    latest = decided[-1] if decided else None
    in_progress = any(c.status == CheckStatusChoices.PENDING for c in checks)
    if latest is not None and latest.status == CheckStatusChoices.ADVERSE:
        return EffectiveVetting(CheckStatusChoices.ADVERSE, latest.completed, None,
                                tuple(findings))
    if latest is not None and latest.status == CheckStatusChoices.CLEARED and (
            latest.rescreen_due is None or today < latest.rescreen_due):
        return EffectiveVetting(CheckStatusChoices.CLEARED, latest.completed,
                                latest.rescreen_due, tuple(findings))
    if in_progress:
        return EffectiveVetting(CheckStatusChoices.PENDING, None, None, tuple(findings))
    if latest is not None:
        return EffectiveVetting(CheckStatusChoices.EXPIRED, latest.completed,
                                latest.rescreen_due, tuple(findings))
    return EffectiveVetting(CheckStatusChoices.NOT_STARTED, None, None, tuple(findings))


def apply_vetting(person: Person, *, actor: str = "system", request: Any = None,
                  at: dt.datetime | None = None, **context: Any) -> EffectiveVetting:
    """Compute `person`'s effective vetting and write it to their record, in the caller's
    transaction (or a new one), with an audit event when it changed.

    `context` is added to the audit event (a `correlation_id`, what caused the change); it
    must never carry finding categories or notes, which the audit log's readers may not see.
    """
    from vaultdoor.audit import record

    at = at or timezone.now()
    with transaction.atomic():
        row = Person.objects.select_for_update().select_related("site").get(pk=person.pk)
        result = effective_vetting(row, local_date(at, row.site))
        before = (row.vetting_status, row.vetting_completed, row.vetting_expires,
                  tuple(row.vetting_findings or ()))
        after = (result.status, result.completed, result.expires, result.findings)
        if before != after:
            was_cleared = _cleared(row, at)
            row.vetting_status, row.vetting_completed, row.vetting_expires = after[:3]
            row.vetting_findings = list(result.findings)
            # save() (not update()) so the revision signal fires: the next decision sees it.
            row.save(update_fields=["vetting_status", "vetting_completed", "vetting_expires",
                                    "vetting_findings", "updated"])
            record(
                "vetting.status_changed", actor=actor, target_type="person",
                target_id=row.code, request=request, site=row.site.code,
                status_from=before[0], status_to=result.status,
                expires=result.expires.isoformat() if result.expires else None,
                cleared_from=was_cleared, cleared_to=_cleared(row, at), **context,
            )
        person.vetting_status, person.vetting_completed, person.vetting_expires = after[:3]
        person.vetting_findings = list(result.findings)
    return result


def _cleared(person: Person, at: dt.datetime) -> bool:
    """The site format's "counts as cleared" on an in-memory person row, plus: active."""
    if person.status != PersonStatusChoices.ACTIVE:
        return False
    if person.vetting_status != CheckStatusChoices.CLEARED:
        return False
    if not DISQUALIFYING.isdisjoint(person.vetting_findings or ()):
        return False
    if person.vetting_expires is not None:
        try:
            ends = local_midnight(person.vetting_expires, site_zone(person.site))
        except OverflowError:
            return person.vetting_expires.year > 2000
        return at < ends
    return True


def counts_as_cleared(person: Person, at: dt.datetime) -> bool:
    """`is_cleared` on a row already in hand (its site loaded): for lists, no query each."""
    return _cleared(person, at)


def is_cleared(person: Person | int, at: dt.datetime | None = None) -> bool:
    """Whether `person` (a row or its primary key) may have sensitive access at the instant
    `at` (default: now) as far as vetting goes: an active person whose vetting is cleared,
    not past its expiry (00:00 site-local on the `expires` date) and with no finding in a
    disqualifying category (identity theft, fraud, violent crime).

    Reads the person's current row, so a decision recorded a moment ago counts. This is the
    check the customer-data vault (issue 4/5) and the doors (through the engine) share.
    """
    pk = person if isinstance(person, int) else person.pk
    row = Person.objects.select_related("site").filter(pk=pk).first()
    if row is None:
        return False
    return _cleared(row, at or timezone.now())
