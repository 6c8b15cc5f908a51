"""Erasure by crypto-shredding, and the subject-access export.

Erasing destroys the record's wrapped data key and clears its ciphertexts and blind indexes,
so no path (console, API, export) can decrypt it again. A backup made before the erasure
still holds the wrapped key under the KEK of its day: erasure reaches it once that KEK version
is retired (`rotation.retire_key`). A database restored from such a backup gets its erasures
back with `reapply_erasures` from an audit export kept elsewhere. docs/vault.md says exactly
what holds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
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
    clean_reason,
)

__all__ = ["EXPORT_FIELD", "ReapplyResult", "erase_customer", "erasures_in_export",
           "reapply_erasures", "subject_access_export"]

EXPORT_FIELD = "*"  # a `Reveal` row for a subject-access export (the whole record)


def erase_customer(user: Any, customer: Customer, *, reason: str, request: Any = None,
                   now: dt.datetime | None = None) -> None:
    """Crypto-shred one customer (their data key and every ciphertext); audited."""
    if not can(user, "erase"):
        raise NotPermitted(f"your role ({role_of(user) or 'none'}) may not erase customers")
    try:
        cleaned = clean_reason(reason, minimum=5)
    except ReasonRequired as exc:
        raise ReasonRequired(f"give a reason for the erasure (the request reference): {exc}"
                             ) from exc
    if customer.erased:
        raise CustomerErased(f"customer {customer.pk} was already erased")
    with transaction.atomic():
        _shred(customer.pk, now)
        record("vault.erase", actor=user.get_username(), target_type="vault.customer",
               target_id=str(customer.pk), request=request, why=cleaned,
               kek_version=customer.kek_version)
    customer.refresh_from_db()


def _shred(customer_id: Any, now: dt.datetime | None) -> int:
    blanks: dict[str, Any] = {f"{name}_ct": None for name in FIELDS}
    blanks.update(phone_bidx="", phone2_bidx="", email_bidx="", account_bidx="", card_bidx="")
    return Customer.objects.filter(pk=customer_id, erased=False).update(
        wrapped_key=None, erased=True, erased_at=now or timezone.now(), **blanks)


@dataclass(frozen=True)
class ReapplyResult:
    """Erasures found in an audit export: re-applied now, already erased, not in this
    database (created after the backup, or never restored)."""

    found: int
    erased_now: list[str]
    already_erased: int
    not_here: int


def erasures_in_export(lines: Iterable[str]) -> list[tuple[str, int]]:
    """The (customer id, event seq) of every `vault.erase` event in an audit export's lines
    (verify the file first: `verify_export`)."""
    found: list[tuple[str, int]] = []
    for text in lines:
        if '"vault.erase"' not in text:
            continue
        data = json.loads(text)
        if data.get("type") == "event" and data.get("action") == "vault.erase":
            found.append((str(data.get("target_id", "")), int(data.get("seq", 0))))
    return found


def reapply_erasures(erasures: list[tuple[str, int]], *, actor: str = "system",
                     now: dt.datetime | None = None) -> ReapplyResult:
    """Erase again every customer an audit export says was erased (after a database restored
    from a backup made before those erasures brought them back). Each re-erasure is
    audited as `vault.erase` naming the original event; all in one transaction."""
    erased_now: list[str] = []
    already = missing = 0
    with transaction.atomic():
        for customer_id, seq in erasures:
            try:
                row = Customer.objects.filter(pk=customer_id).values("erased",
                                                                     "kek_version").first()
            except (ValidationError, ValueError):
                row = None
            if row is None:
                missing += 1
            elif row["erased"]:
                already += 1
            else:
                _shred(customer_id, now)
                erased_now.append(customer_id)
                record("vault.erase", actor=actor, target_type="vault.customer",
                       target_id=customer_id, why=f"re-applied from audit event {seq} after "
                       "a restore", kek_version=row["kek_version"], reapplied_from=seq)
    return ReapplyResult(len(erasures), erased_now, already, missing)


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
