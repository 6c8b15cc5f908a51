"""The lifecycle of a person: an onboarding checklist, and termination in one action.

Termination revokes everything in one transaction: the person's status (every door refuses
them), their badges, PINs and biometric enrolments, their own access levels, their console
account, sessions, API tokens and second factors. Each revocation is its own audit event;
all of them carry the same `correlation_id`, and `lifecycle.terminate` sums them up.
Sessions, tokens and second factors are ended through the identity app's services.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from vaultdoor.people.choices import CredentialStatusChoices, PersonStatusChoices
from vaultdoor.people.models import Person

from ..choices import AUTOMATIC_ITEMS, OnboardingItemChoices
from ..models import OnboardingItem, Termination
from ..signals import writing_vetting
from .effective import is_cleared

__all__ = [
    "ChecklistItem",
    "LifecycleError",
    "mark_onboarding",
    "onboarding_checklist",
    "terminate",
]


class LifecycleError(ValueError):
    """A lifecycle action cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class ChecklistItem:
    """One onboarding step: done or not, and whether other records prove it (automatic)."""

    item: str
    label: str
    done: bool
    automatic: bool
    done_at: dt.datetime | None = None
    done_by: str = ""
    note: str = ""


def _account(person: Person) -> Any:
    from vaultdoor.identity.models import Account

    return Account.objects.filter(person=person).select_related("user").first()


def onboarding_checklist(person: Person) -> list[ChecklistItem]:
    """Every onboarding step for `person`, in order."""
    account = _account(person)
    automatic = {
        OnboardingItemChoices.BADGE_ISSUED: person.cards.filter(
            active=True, status=CredentialStatusChoices.ACTIVE).exists(),
        OnboardingItemChoices.ACCOUNT_CREATED: account is not None,
        OnboardingItemChoices.SECOND_FACTOR: account is not None and (
            account.totp_devices.filter(confirmed=True).exists()
            or account.webauthn_credentials.exists()),
        OnboardingItemChoices.VETTING_CLEARED: is_cleared(person),
    }
    manual = {row.item: row for row in OnboardingItem.objects.filter(person=person)}
    items = []
    for choice in OnboardingItemChoices:
        if choice in AUTOMATIC_ITEMS:
            items.append(ChecklistItem(choice.value, choice.label, automatic[choice], True))
        else:
            row = manual.get(choice.value)
            items.append(ChecklistItem(
                choice.value, choice.label, row is not None, False,
                row.done_at if row else None, row.done_by if row else "",
                row.note if row else "",
            ))
    return items


def mark_onboarding(person: Person, item: str, *, done: bool = True, actor: str,
                    note: str = "", request: Any = None) -> None:
    """Tick off (or reopen) a manual onboarding step."""
    from vaultdoor.audit import record

    manual = set(OnboardingItemChoices.values) - {i.value for i in AUTOMATIC_ITEMS}
    if item not in manual:
        raise LifecycleError(f"{item!r} is not a step one ticks off: choose one of "
                             f"{', '.join(sorted(manual))}")
    with transaction.atomic():
        if done:
            OnboardingItem.objects.update_or_create(
                person=person, item=item,
                defaults={"done_at": timezone.now(), "done_by": actor[:150],
                          "note": note[:300]})
        else:
            OnboardingItem.objects.filter(person=person, item=item).delete()
        record("lifecycle.onboarding", actor=actor, target_type="person",
               target_id=person.code, request=request, site=person.site.code, item=item,
               done=done)


def _revoke_credentials(person: Person) -> dict[str, Any]:
    cards = []
    for card in person.cards.exclude(status=CredentialStatusChoices.REVOKED):
        card.status = CredentialStatusChoices.REVOKED
        card.save(update_fields=["status", "updated"])
        cards.append(f"{card.format} {card.facility}:{card.number}")
    keypad = 0
    for pin in person.pins.filter(active=True):
        pin.active = False  # the engine reads active PINs only
        pin.save(update_fields=["active", "updated"])
        keypad += 1
    biometrics = 0
    for enrolment in person.biometrics.exclude(status=CredentialStatusChoices.REVOKED):
        enrolment.status = CredentialStatusChoices.REVOKED
        enrolment.save(update_fields=["status", "updated"])
        biometrics += 1
    # (key names avoid words the audit log redacts, such as "pin" and "code")
    return {"cards": cards, "keypad_credentials": keypad, "biometrics": biometrics}


def _revoke_account(account: Any, at: dt.datetime) -> dict[str, dict[str, Any]]:
    """Disable the account and end what it holds (identity's `deactivate`, the same steps as
    disabling it from the console); returns each step's audit context."""
    from vaultdoor.identity.services.accounts import deactivate

    counts = deactivate(account, at)
    # Second factors go last, through identity's reset (it records its own event).
    return {
        "lifecycle.account_disabled": {"username": account.user.get_username(),
                                       "enrolment_links_expired": counts["links"]},
        "lifecycle.sessions_ended": {"count": counts["sessions"]},
        "lifecycle.tokens_revoked": {"count": counts["tokens"]},
    }


def terminate(person: Person, *, actor: str, reason: str, request: Any = None,
              at: dt.datetime | None = None) -> Termination:
    """Terminate `person` in one transaction: every door, badge, session, token, second
    factor and sensitive access revoked, as one correlated group of audit events."""
    from vaultdoor.audit import record

    reason = (reason or "").strip()
    if len(reason) < 5:
        raise LifecycleError("a termination needs a reason (at least 5 characters)")
    at = at or timezone.now()
    with transaction.atomic():
        person = Person.objects.select_for_update().select_related("site").get(pk=person.pk)
        done = Termination.objects.filter(person=person).first()
        if done is not None:
            raise LifecycleError(f"{person.code} was already terminated on {done.at:%Y-%m-%d} "
                                 f"by {done.by}")
        correlation_id = uuid.uuid4().hex
        common = {"actor": actor, "target_type": "person", "target_id": person.code,
                  "request": request, "site": person.site.code,
                  "correlation_id": correlation_id}
        person.status = PersonStatusChoices.TERMINATED
        with writing_vetting():
            person.save(update_fields=["status", "updated"])  # every door refuses from now on
        steps: dict[str, dict[str, Any]] = {
            "lifecycle.credentials_revoked": _revoke_credentials(person),
        }
        levels = sorted(person.access_levels.values_list("code", flat=True))
        person.access_levels.clear()
        # The vault and vetting-required zones ask `is_cleared`, false for the terminated.
        steps["lifecycle.access_revoked"] = {"access_levels": levels, "sensitive_access": False}
        account = _account(person)
        if account is not None:
            steps.update(_revoke_account(account, at))
        for action, context in steps.items():
            record(action, **common, **context)
        if account is not None:
            from vaultdoor.identity.services.factors import reset_second_factors

            steps["lifecycle.second_factors_removed"] = reset_second_factors(
                account, action="lifecycle.second_factors_removed", **common)
        summary = {action.split(".", 1)[1]: context for action, context in steps.items()}
        termination = Termination.objects.create(
            person=person, at=at, by=actor[:150], reason=reason[:300],
            correlation_id=correlation_id, summary=summary,
        )
        record("lifecycle.terminate", **common, reason=reason[:300],
               steps=sorted(steps), account=account is not None)
    return termination
