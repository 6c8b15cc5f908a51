"""Vetting decisions: recording checks and findings, the individualised review, and the steps
of an adverse action. Each is one transaction with its audit event and the person's new
effective vetting, so doors and the vault see the decision the moment it commits.

Audit events name checks, findings and people by id only: finding categories and notes are
sensitive personal data that the audit log's readers (auditors) may not see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from vaultdoor.people.models import Person

from .. import conf
from ..choices import (
    AdjudicationOutcomeChoices,
    AdverseStageChoices,
    CheckStatusChoices,
    FindingChoices,
)
from ..models import Adjudication, AdverseAction, BackgroundCheck, Finding
from .dates import add_business_days, add_months, local_date
from .effective import apply_vetting

__all__ = [
    "MIN_REASON",
    "SITE_FILE_PROVIDER",
    "VettingError",
    "adjudicate",
    "adopt_site_vetting",
    "adopt_site_vetting_many",
    "decide_adverse_action",
    "record_check",
    "record_finding",
    "rescreen_date",
    "site_holidays",
    "withdraw_finding",
]

# An individualised review says why in words; a shorter reason is not a review.
MIN_REASON = 10


class VettingError(ValueError):
    """A vetting decision cannot be made as asked; the message says why and what to do."""


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise VettingError(f"{what} needs a reason of at least {MIN_REASON} characters: "
                           "say what was considered")
    return reason


def rescreen_date(completed: dt.date) -> dt.date:
    """The date a clearance completed on `completed` stops counting."""
    return add_months(completed, conf.rescreen_months())


def site_holidays(person: Person) -> set[dt.date]:
    """The person's site's holidays (not business days)."""
    from vaultdoor.access.models import Holiday

    return set(Holiday.objects.filter(site_id=person.site_id, active=True)
               .values_list("date", flat=True))


SITE_FILE_PROVIDER = "site file"


def adopt_site_vetting(person: Person, *, actor: str = "system") -> BackgroundCheck | None:
    """Before a person's first check here, keep the vetting their site file gave them as a
    check of its own (provider "site file"), so that requesting a rescreen does not drop a
    clearance that still counts. Does nothing once the person has any check."""
    if person.background_checks.exists():
        return None
    return adopt_site_vetting_many([person], actor=actor).get(person.pk)


def adopt_site_vetting_many(people: list[Person], *,
                            actor: str = "system") -> dict[int, BackgroundCheck]:
    """`adopt_site_vetting` for people known to have no check yet, in two inserts."""
    decided = {CheckStatusChoices.CLEARED, CheckStatusChoices.ADVERSE,
               CheckStatusChoices.EXPIRED}
    now = timezone.now()
    adopted: dict[int, BackgroundCheck] = {}
    categories: dict[int, list[str]] = {}
    for person in people:
        status = person.vetting_status or CheckStatusChoices.NOT_STARTED
        findings = [f for f in person.vetting_findings or () if f in FindingChoices.values]
        if status not in decided:
            if not findings:
                continue  # a site file's "pending" is what the new check now tracks
            status = CheckStatusChoices.NOT_STARTED  # keep its findings, not its open status
        rescreen = person.vetting_expires
        if (rescreen is None and status == CheckStatusChoices.CLEARED
                and person.vetting_completed):
            rescreen = rescreen_date(person.vetting_completed)
        adopted[person.pk] = BackgroundCheck(
            person=person, provider=SITE_FILE_PROVIDER, scope="as imported with the site",
            completed=person.vetting_completed, status=status, rescreen_due=rescreen,
            source=BackgroundCheck.Source.SITE_FILE, created_by=actor[:150], created=now,
            updated=now,
        )
        categories[person.pk] = findings
    BackgroundCheck.objects.bulk_create(list(adopted.values()), batch_size=500)
    Finding.objects.bulk_create([
        Finding(background_check=adopted[pk], category=category,
                recorded_by=SITE_FILE_PROVIDER, recorded_at=now,
                notes="as imported with the site")
        for pk, found in categories.items() for category in found
    ], batch_size=500)
    return adopted


def record_check(person: Person, *, provider: str, scope: str = "", reference: str = "",
                 requested: dt.date | None = None, actor: str = "system", request: Any = None,
                 source: str = BackgroundCheck.Source.MANUAL) -> BackgroundCheck:
    """A new background check of `person`, pending until its result is recorded."""
    from vaultdoor.audit import record

    provider = (provider or "").strip()
    if not provider:
        raise VettingError("a background check needs a provider")
    with transaction.atomic():
        adopt_site_vetting(person, actor=actor)
        check = BackgroundCheck.objects.create(
            person=person, provider=provider[:100], scope=scope[:200],
            reference=reference[:100], requested=requested or timezone.localdate(),
            status=CheckStatusChoices.PENDING, source=source, created_by=actor[:150],
        )
        record("vetting.check_recorded", actor=actor, target_type="vetting.check",
               target_id=str(check.pk), request=request, person=person.code,
               provider=check.provider, source=source)
        apply_vetting(person, actor=actor, request=request, check=check.pk)
    return check


def record_finding(check: BackgroundCheck, *, category: str, notes: str = "",
                   actor: str = "system", request: Any = None,
                   at: dt.datetime | None = None) -> Finding:
    """Record a finding of `check`. A disqualifying category takes the person's sensitive
    access away at once, whatever the check's status."""
    from vaultdoor.audit import record

    if category not in FindingChoices.values:
        raise VettingError(f"unknown finding category {category!r}: choose one of "
                           f"{', '.join(FindingChoices.values)}")
    at = at or timezone.now()
    with transaction.atomic():
        finding = Finding.objects.create(
            background_check=check, category=category, notes=notes, recorded_by=actor[:150],
            recorded_at=at,
        )
        record("vetting.finding_recorded", actor=actor, target_type="vetting.finding",
               target_id=str(finding.pk), request=request, check=check.pk,
               person=check.person.code)
        apply_vetting(check.person, actor=actor, request=request, at=at, finding=finding.pk)
    return finding


def withdraw_finding(finding: Finding, *, reason: str, actor: str, request: Any = None,
                     at: dt.datetime | None = None) -> Finding:
    """Take a finding recorded in error off the record (it is kept, marked withdrawn)."""
    from vaultdoor.audit import record

    reason = _reason(reason, "withdrawing a finding")
    at = at or timezone.now()
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.withdrawn_at is not None:
            raise VettingError(f"finding #{finding.pk} was already withdrawn on "
                               f"{finding.withdrawn_at:%Y-%m-%d}")
        finding.withdrawn_at, finding.withdrawn_by = at, actor[:150]
        finding.withdrawn_reason = reason
        finding.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        check = finding.background_check
        record("vetting.finding_withdrawn", actor=actor, target_type="vetting.finding",
               target_id=str(finding.pk), request=request, check=check.pk,
               person=check.person.code)
        apply_vetting(check.person, actor=actor, request=request, at=at, finding=finding.pk)
    return finding


def _waiting(check: BackgroundCheck) -> AdverseAction | None:
    return check.adverse_actions.filter(stage=AdverseStageChoices.WAITING).first()


def adjudicate(check: BackgroundCheck, *, outcome: str, reason: str, actor: str,
               request: Any = None, at: dt.datetime | None = None,
               completed: dt.date | None = None) -> Adjudication:
    """The individualised review of `check`: `cleared` clears it (until its rescreen date);
    `adverse` sends the pre-adverse notice and starts the waiting period, after which
    `decide_adverse_action` makes the final decision. Until then the check stays pending."""
    from vaultdoor.audit import record

    if outcome not in AdjudicationOutcomeChoices.values:
        raise VettingError(f"unknown outcome {outcome!r}: choose one of "
                           f"{', '.join(AdjudicationOutcomeChoices.values)}")
    reason = _reason(reason, "an individualised review")
    at = at or timezone.now()
    with transaction.atomic():
        check = BackgroundCheck.objects.select_for_update().select_related(
            "person__site").get(pk=check.pk)
        person = check.person
        waiting = _waiting(check)
        if waiting is not None:
            raise VettingError(
                f"check #{check.pk} has an adverse action waiting until "
                f"{waiting.waiting_until}: make its final decision instead")
        today = local_date(at, person.site)
        adjudication = Adjudication.objects.create(
            background_check=check, outcome=outcome, reason=reason, decided_by=actor[:150],
            decided_at=at,
        )
        check.completed = completed or check.completed or today
        context: dict[str, Any] = {}
        if outcome == AdjudicationOutcomeChoices.CLEARED:
            check.status = CheckStatusChoices.CLEARED
            check.rescreen_due = rescreen_date(check.completed)
            context["rescreen_due"] = check.rescreen_due.isoformat()
        else:
            days = conf.adverse_wait_days()
            action = AdverseAction.objects.create(
                background_check=check, adjudication=adjudication, notice_sent_at=at,
                waiting_days=days,
                waiting_until=add_business_days(today, days, site_holidays(person)),
            )
            check.status = CheckStatusChoices.PENDING
            context.update(adverse_action=action.pk, waiting_until=str(action.waiting_until))
        check.save(update_fields=["status", "completed", "rescreen_due", "updated"])
        record("vetting.adjudicated", actor=actor, target_type="vetting.check",
               target_id=str(check.pk), request=request, person=person.code,
               adjudication=adjudication.pk, outcome=outcome, **context)
        if outcome == AdjudicationOutcomeChoices.ADVERSE:
            record("vetting.pre_adverse_notice", actor=actor, target_type="vetting.check",
                   target_id=str(check.pk), request=request, person=person.code,
                   adverse_action=context["adverse_action"],
                   waiting_until=context["waiting_until"])
        apply_vetting(person, actor=actor, request=request, at=at, check=check.pk)
    return adjudication


def decide_adverse_action(action: AdverseAction, *, outcome: str, reason: str, actor: str,
                          response: str = "", request: Any = None,
                          at: dt.datetime | None = None) -> AdverseAction:
    """The final decision after the waiting period: `upheld` makes the check adverse,
    `rescinded` clears it. Refused while the waiting period runs."""
    from vaultdoor.audit import record

    finals = {AdverseStageChoices.UPHELD.value, AdverseStageChoices.RESCINDED.value}
    if outcome not in finals:
        raise VettingError(f"unknown final outcome {outcome!r}: choose upheld or rescinded")
    reason = _reason(reason, "a final adverse decision")
    at = at or timezone.now()
    with transaction.atomic():
        action = AdverseAction.objects.select_for_update().select_related(
            "background_check__person__site").get(pk=action.pk)
        check = action.background_check
        if action.stage != AdverseStageChoices.WAITING:
            raise VettingError(f"adverse action #{action.pk} was already decided "
                               f"({action.stage}) on {action.final_at:%Y-%m-%d}")
        today = local_date(at, check.person.site)
        if today <= action.waiting_until:
            raise VettingError(
                f"the waiting period runs until {action.waiting_until} (site-local): the "
                f"final decision can be made from {action.waiting_until + dt.timedelta(days=1)}"
                " on")
        action.stage, action.final_by, action.final_at = outcome, actor[:150], at
        action.final_reason = reason
        if response:
            action.response = response
        action.save(update_fields=["stage", "final_by", "final_at", "final_reason",
                                   "response"])
        if outcome == AdverseStageChoices.UPHELD:
            check.status = CheckStatusChoices.ADVERSE
            check.rescreen_due = None
        else:
            check.status = CheckStatusChoices.CLEARED
            check.rescreen_due = rescreen_date(check.completed or today)
        check.save(update_fields=["status", "rescreen_due", "updated"])
        record("vetting.adverse_final", actor=actor, target_type="vetting.check",
               target_id=str(check.pk), request=request, person=check.person.code,
               adverse_action=action.pk, outcome=outcome)
        apply_vetting(check.person, actor=actor, request=request, at=at, check=check.pk)
    return action
