"""Reveal one field of one customer: every condition checked, each refusal its own error.

A reveal needs, in this order: the customer within the user's queues, a role that permits it,
no suspension, cleared vetting (`vaultdoor.vetting.services.is_cleared`), a second factor
within the last 15 minutes, and a typed reason. Every reveal and every refusal is audited
(who, which field of which customer, why, when; never the value). Revealing more distinct
customers in an hour than the limit raises an alert and suspends the user's reveal right.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from vaultdoor.audit import record

from ..choices import FIELDS, AlertKind
from ..conf import reason_min_length, reveal_limit
from ..masking import mask_field
from ..models import Customer, Reveal, RevealSuspension, VaultAlert
from ..normalise import contains_pan
from ..policy import can, role_of, visible_customers
from .records import CustomerErased, decrypt_customer

__all__ = ["BulkRevealAlarm", "CustomerNotFound", "NotPermitted", "ReasonRequired",
           "RevealRefused", "RevealSuspended", "StepUpRequired", "VettingRequired",
           "acknowledge_alert", "alarm_if_over_limit", "clean_reason", "find_customer",
           "is_suspended", "masked_view", "open_alerts", "restore_reveal", "reveal_field",
           "watched_users"]


class RevealRefused(PermissionError):
    """A reveal was refused; `code` says which condition was missing."""

    code = "refused"


class NotPermitted(RevealRefused):
    """The user's role does not permit this."""

    code = "role"


class RevealSuspended(RevealRefused):
    """The user's reveal right is suspended until a supervisor restores it."""

    code = "suspended"


class BulkRevealAlarm(RevealSuspended):
    """This reveal passed the hourly limit: an alert was raised and the right suspended."""

    code = "bulk_reveal"


class VettingRequired(RevealRefused):
    """The user's vetting is not cleared (or they have no person record)."""

    code = "vetting_required"


class StepUpRequired(RevealRefused):
    """No second factor within the last 15 minutes."""

    code = "step_up_required"


class ReasonRequired(RevealRefused):
    """No reason, or one shorter than the minimum."""

    code = "reason_required"


class CustomerNotFound(LookupError):
    """No such customer among those the user may open (the same answer either way)."""


def find_customer(user: Any, customer_id: Any) -> Customer:
    """The customer if the user may open it; `CustomerNotFound` otherwise."""
    try:
        return visible_customers(user).select_related("queue").get(pk=customer_id)
    except (Customer.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        # a malformed id answers like a missing one
        raise CustomerNotFound("no such customer in your queues") from exc


@sensitive_variables()
def masked_view(user: Any, customer: Customer) -> dict[str, str]:
    """Every field masked for this user (BIN only for roles that may see it)."""
    if customer.erased:
        return {name: "" for name in FIELDS}
    plain = decrypt_customer(customer)
    see_bin = can(user, "see_bin")
    return {name: mask_field(name, value, see_bin=see_bin) for name, value in plain.items()}


def is_suspended(user: Any) -> bool:
    """Whether the user's reveal right is suspended."""
    return RevealSuspension.objects.filter(user=user, lifted_at__isnull=True).exists()


def _person_cleared(user: Any, at: dt.datetime) -> bool:
    from vaultdoor.vetting.services import is_cleared

    account = getattr(user, "account", None)
    person_id = getattr(account, "person_id", None)
    return person_id is not None and is_cleared(person_id, at)


def check_reveal(user: Any, customer: Customer, field: str, reason: str, *,
                 stepped_up: bool, capability: str = "reveal",
                 now: dt.datetime | None = None) -> str:
    """Raise the first missing condition's error; return the cleaned reason."""
    now = now or timezone.now()
    if field not in FIELDS and field != "*":
        raise ValueError(f"unknown field {field!r}: one of {', '.join(FIELDS)}")
    if customer.erased:
        raise CustomerErased(f"customer {customer.pk} was erased: their data cannot be read")
    if not can(user, capability):
        raise NotPermitted(f"your role ({role_of(user) or 'none'}) may not {capability} "
                           "customer data")
    if field in ("card_number", "*") and not can(user, "reveal_pan"):
        raise NotPermitted(f"your role ({role_of(user) or 'none'}) sees only the last four "
                           "digits of a card number (PCI DSS 3.4.1)")
    if is_suspended(user):
        raise RevealSuspended("your reveal right is suspended after a burst of reveals; "
                              "a supervisor must restore it")
    if not _person_cleared(user, now):
        raise VettingRequired("your vetting is not cleared, so customer data stays masked")
    if not stepped_up:
        raise StepUpRequired("confirm your second factor (within the last 15 minutes) first")
    return clean_reason(reason)


def clean_reason(reason: str | None, minimum: int | None = None) -> str:
    """The typed reason, whitespace tidied; `ReasonRequired` if it is too short or holds what
    looks like a card number (a reason is stored and audited in clear)."""
    minimum = reason_min_length() if minimum is None else minimum
    cleaned = " ".join((reason or "").split())
    if len(cleaned) < minimum:
        raise ReasonRequired(f"type a reason of at least {minimum} characters")
    if contains_pan(cleaned):
        raise ReasonRequired("a reason must not contain a card number (it is stored and "
                             "audited in clear): describe the request instead")
    return cleaned


def _refused(user: Any, customer: Customer, field: str, error: Exception,
             request: Any) -> None:
    code = getattr(error, "code", "erased" if isinstance(error, CustomerErased) else "refused")
    record("vault.reveal_refused", actor=user.get_username(), target_type="vault.customer",
           target_id=str(customer.pk), request=request, field=field, refusal=code)


def _over_limit(user: Any, customer: Customer, now: dt.datetime) -> bool:
    since = now - dt.timedelta(hours=1)
    # after a supervisor restores the right, the count starts afresh
    lifted = (RevealSuspension.objects.filter(user=user, lifted_at__isnull=False)
              .order_by("-lifted_at").values_list("lifted_at", flat=True).first())
    if lifted is not None and lifted > since:
        since = lifted
    seen = set(Reveal.objects.filter(user=user, at__gte=since)
               .values_list("customer_id", flat=True).distinct())
    seen.add(customer.pk)
    return len(seen) > reveal_limit()


def alarm_if_over_limit(user: Any, customer: Customer, now: dt.datetime,
                        request: Any = None) -> None:
    """Raise `BulkRevealAlarm` (with an alert, a suspension and an audit event) when showing
    this customer would pass the hourly limit of distinct customers. Reveals and
    subject-access exports both count: an export shows a whole record."""
    if not _over_limit(user, customer, now):
        return
    with transaction.atomic():
        detail = (f"{user.get_username()} asked to reveal more than {reveal_limit()} "
                  "customers within an hour")
        RevealSuspension.objects.create(user=user, created=now, reason=detail)
        alert = VaultAlert.objects.create(kind=AlertKind.BULK_REVEAL, user=user,
                                          created=now, detail=detail)
        record("vault.bulk_reveal_alarm", actor="system", target_type="auth.user",
               target_id=str(user.pk), request=request, user=user.get_username(),
               alert=alert.pk, limit=reveal_limit())
    raise BulkRevealAlarm("too many customers revealed within an hour: an alert was "
                          "raised and your reveal right is suspended until a supervisor "
                          "restores it")


@sensitive_variables()
def reveal_field(user: Any, customer: Customer, field: str, reason: str, *,
                 stepped_up: bool, request: Any = None, now: dt.datetime | None = None) -> str:
    """The plaintext of one field, after every check; audited. Raises a `RevealRefused`."""
    now = now or timezone.now()
    try:
        cleaned = check_reveal(user, customer, field, reason, stepped_up=stepped_up, now=now)
    except (RevealRefused, CustomerErased) as exc:
        _refused(user, customer, field, exc, request)
        raise
    alarm_if_over_limit(user, customer, now, request)
    value = decrypt_customer(customer, [field])[field]
    if field == "phones" and value:
        value = ", ".join(json.loads(value))  # shown as typed lists are read: one per comma
    with transaction.atomic():
        Reveal.objects.create(user=user, customer=customer, field=field, reason=cleaned, at=now)
        record("vault.reveal", actor=user.get_username(), target_type="vault.customer",
               target_id=str(customer.pk), request=request, field=field, why=cleaned)
    return value


def restore_reveal(supervisor: Any, user: Any, reason: str, *, request: Any = None,
                   now: dt.datetime | None = None) -> int:
    """Lift the user's suspension (a supervisor of one of their queues, or a security admin);
    returns how many suspensions were lifted. Audited."""
    if not can(supervisor, "restore"):
        raise NotPermitted("your role may not restore reveal rights")
    if role_of(supervisor) == "supervisor" and not user.vault_queues.filter(
            supervisors=supervisor).exists():
        raise NotPermitted("you supervise none of this agent's queues")
    cleaned = clean_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        lifted = RevealSuspension.objects.filter(user=user, lifted_at__isnull=True).update(
            lifted_at=now, lifted_by=supervisor.get_username(), lift_reason=cleaned)
        record("vault.reveal_restored", actor=supervisor.get_username(),
               target_type="auth.user", target_id=str(user.pk), request=request,
               user=user.get_username(), why=cleaned, lifted=lifted)
    return lifted


def watched_users(user: Any) -> Any:
    """The users whose reveal alarms and suspensions `user` handles: everyone for a security
    admin, the agents of the queues their team works for a supervisor, nobody otherwise."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if not can(user, "restore"):
        return users.none()
    if role_of(user) == "supervisor":
        return users.filter(vault_queues__supervisors=user).distinct()
    return users.all()


def open_alerts(user: Any) -> list[VaultAlert]:
    """Unacknowledged bulk-reveal alerts about the users `user` watches, newest first."""
    return list(VaultAlert.objects.filter(acknowledged_at__isnull=True,
                                          user__in=watched_users(user).values("pk"))
                .select_related("user").order_by("-created")[:200])


def acknowledge_alert(supervisor: Any, alert: VaultAlert, *, request: Any = None,
                      now: dt.datetime | None = None) -> None:
    """Mark an alert as seen (a supervisor of the user's queues, or a security admin);
    audited. Acknowledging does not restore the suspended right."""
    if not watched_users(supervisor).filter(pk=alert.user_id).exists():
        raise NotPermitted("you do not handle this user's reveal alarms")
    with transaction.atomic():
        updated = VaultAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now or timezone.now())
        if updated:
            record("vault.alert_acknowledged", actor=supervisor.get_username(),
                   target_type="vault.alert", target_id=str(alert.pk), request=request,
                   user=alert.user.get_username())
