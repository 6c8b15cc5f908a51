"""Erasure by crypto-shredding, and the subject-access export.

Erasing destroys the record's wrapped data key and clears its ciphertexts and blind indexes,
so no path (console, API, export, a copy of the row) can decrypt it again. See docs/vault.md
for backups: a backup still holds the wrapped key under the KEK of its day, so retire that KEK
after the next rotation for erasure to reach backups too.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from vaultdoor.audit import record

from ..choices import FIELDS
from ..models import Customer, Reveal
from ..policy import can, role_of
from .records import CustomerErased, decrypt_customer
from .reveal import (
    NotPermitted,
    ReasonRequired,
    RevealRefused,
    _refused,
    alarm_if_over_limit,
    check_reveal,
)

__all__ = ["EXPORT_FIELD", "erase_customer", "subject_access_export"]

EXPORT_FIELD = "*"  # a `Reveal` row for a subject-access export (the whole record)


def erase_customer(user: Any, customer: Customer, *, reason: str, request: Any = None,
                   now: dt.datetime | None = None) -> None:
    """Crypto-shred one customer (their data key and every ciphertext); audited."""
    if not can(user, "erase"):
        raise NotPermitted(f"your role ({role_of(user) or 'none'}) may not erase customers")
    cleaned = " ".join((reason or "").split())
    if len(cleaned) < 5:
        raise ReasonRequired("give a reason for the erasure (the request reference)")
    if customer.erased:
        raise CustomerErased(f"customer {customer.pk} was already erased")
    blanks: dict[str, Any] = {f"{name}_ct": None for name in FIELDS}
    blanks.update(phone_bidx="", phone2_bidx="", email_bidx="", account_bidx="", card_bidx="")
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(
            wrapped_key=None, erased=True, erased_at=now or timezone.now(), **blanks)
        record("vault.erase", actor=user.get_username(), target_type="vault.customer",
               target_id=str(customer.pk), request=request, why=cleaned,
               kek_version=customer.kek_version)
    customer.refresh_from_db()


@sensitive_variables()
def subject_access_export(user: Any, customer: Customer, *, reason: str, stepped_up: bool,
                          request: Any = None) -> dict[str, Any]:
    """One customer's data as a JSON-ready dict; needs the export right and every reveal
    condition (vetting, step-up, reason). Audited without the values."""
    try:
        cleaned = check_reveal(user, customer, "*", reason, stepped_up=stepped_up,
                               capability="export")
    except (RevealRefused, CustomerErased) as exc:
        _refused(user, customer, "*", exc, request)
        raise
    now = timezone.now()
    # an export shows the whole record: it counts toward the bulk-reveal limit like a reveal
    alarm_if_over_limit(user, customer, now, request)
    plain = decrypt_customer(customer)

    data: dict[str, Any] = dict(plain)
    data["phones"] = json.loads(plain["phones"]) if plain["phones"] else []
    with transaction.atomic():
        Reveal.objects.create(user=user, customer=customer, field=EXPORT_FIELD, reason=cleaned,
                              at=now)
        record("vault.export", actor=user.get_username(), target_type="vault.customer",
               target_id=str(customer.pk), request=request, why=cleaned)
    return {"customer": str(customer.pk), "queue": customer.queue.code,
            "created": customer.created.isoformat(), "fields": data}
