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

Writing the fields bumps the site's revision (as access/signals.py does for any saved
person), so the very next door decision compiles against the new vetting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from vaultdoor.engine.timeutil import local_midnight
from vaultdoor.people.choices import PersonStatusChoices
from vaultdoor.people.models import Person

from ..choices import DISQUALIFYING, CheckStatusChoices
from ..models import BackgroundCheck
from .dates import local_date, site_zone

__all__ = ["EffectiveVetting", "apply_vetting", "apply_vetting_many", "counts_as_cleared",
           "effective_vetting", "is_cleared", "user_is_cleared"]

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
    return _compute(list(person.background_checks.prefetch_related("findings")), today)


def _compute(checks: list[Any], today: dt.date) -> EffectiveVetting:
    """The rules of this module's docstring, on checks with their findings prefetched."""
    checks = sorted(checks, key=_order)
    findings = tuple(sorted({
        f.category for c in checks for f in c.findings.all() if f.withdrawn_at is None
    }))
    decided = [c for c in checks if c.status in _DECIDED]
    latest = decided[-1] if decided else None
    in_progress = any(c.status == CheckStatusChoices.PENDING for c in checks)
    if latest is not None and latest.status == CheckStatusChoices.ADVERSE:
        return EffectiveVetting(CheckStatusChoices.ADVERSE, latest.completed, None, findings)
    if latest is not None and latest.status == CheckStatusChoices.CLEARED and (
            latest.rescreen_due is None or today < latest.rescreen_due):
        return EffectiveVetting(CheckStatusChoices.CLEARED, latest.completed,
                                latest.rescreen_due, findings)
    if in_progress:
        return EffectiveVetting(CheckStatusChoices.PENDING, None, None, findings)
    if latest is not None:
        return EffectiveVetting(CheckStatusChoices.EXPIRED, latest.completed,
                                latest.rescreen_due, findings)
    return EffectiveVetting(CheckStatusChoices.NOT_STARTED, None, None, findings)


def apply_vetting_many(person_ids: Iterable[int], *, actor: str = "system",
                       request: Any = None, at: dt.datetime | None = None,
                       **context: Any) -> dict[int, EffectiveVetting]:
    """Compute the effective vetting of many people and write what changed, in the caller's
    transaction (or a new one): a few queries in all, one revision bump per site touched, and
    one `vetting.status_changed` audit event per person whose vetting moved.

    `context` is added to the audit events (a `correlation_id`, what caused the change); it
    must never carry finding categories or notes, which the audit log's readers may not see.
    """
    from vaultdoor.audit import record
    from vaultdoor.facilities.models import Site

    at = at or timezone.now()
    ids = set(person_ids)
    results: dict[int, EffectiveVetting] = {}
    with transaction.atomic():
        rows = list(Person.objects.select_for_update().select_related("site")
                    .filter(pk__in=ids).order_by("pk"))
        checks: dict[int, list[Any]] = {pk: [] for pk in ids}
        for check in BackgroundCheck.objects.filter(person_id__in=ids).prefetch_related(
                "findings"):
            checks[check.person_id].append(check)
        changed: list[tuple[Person, tuple[Any, ...], bool]] = []
        for row in rows:
            result = _compute(checks[row.pk], local_date(at, row.site))
            results[row.pk] = result
            before = (row.vetting_status, row.vetting_completed, row.vetting_expires,
                      tuple(row.vetting_findings or ()))
            if before == (result.status, result.completed, result.expires, result.findings):
                continue
            was_cleared = _cleared(row, at)
            row.vetting_status, row.vetting_completed = result.status, result.completed
            row.vetting_expires, row.vetting_findings = result.expires, list(result.findings)
            row.updated = at
            changed.append((row, before, was_cleared))
        if changed:
            # One UPDATE per distinct outcome (an import clears most people alike): cheaper
            # than bulk_update's CASE expressions, one per row and field.
            groups: dict[tuple[Any, ...], list[int]] = {}
            for row, _, _ in changed:
                key = (row.vetting_status, row.vetting_completed, row.vetting_expires,
                       tuple(row.vetting_findings))
                groups.setdefault(key, []).append(row.pk)
            for (status, completed, expires, findings), pks in groups.items():
                Person.objects.filter(pk__in=pks).update(
                    vetting_status=status, vetting_completed=completed,
                    vetting_expires=expires, vetting_findings=list(findings), updated=at)
            # The definition changed: the next decision must compile a new snapshot.
            Site.objects.filter(pk__in={row.site_id for row, _, _ in changed}).update(
                revision=F("revision") + 1)
        for row, before, was_cleared in changed:
            result = results[row.pk]
            record(
                "vetting.status_changed", actor=actor, target_type="person",
                target_id=row.code, request=request, site=row.site.code,
                status_from=before[0], status_to=result.status,
                expires=result.expires.isoformat() if result.expires else None,
                cleared_from=was_cleared, cleared_to=_cleared(row, at), **context,
            )
    return results


def apply_vetting(person: Person, *, actor: str = "system", request: Any = None,
                  at: dt.datetime | None = None, **context: Any) -> EffectiveVetting:
    """`apply_vetting_many` for one person; also updates the `person` object in hand."""
    result = apply_vetting_many([person.pk], actor=actor, request=request, at=at, **context)[
        person.pk]
    person.vetting_status, person.vetting_completed = result.status, result.completed
    person.vetting_expires, person.vetting_findings = result.expires, list(result.findings)
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


def user_is_cleared(user: Any, at: dt.datetime | None = None) -> bool:
    """`is_cleared` for a console user: false for anyone not signed in, inactive, or whose
    account is linked to no person record (the vault's agents must be people)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    from vaultdoor.identity.models import Account

    person_id = Account.objects.filter(user_id=user.pk).values_list(
        "person_id", flat=True).first()
    return person_id is not None and is_cleared(person_id, at)
