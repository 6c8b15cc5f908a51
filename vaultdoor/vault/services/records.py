"""Customer records: validate, encrypt and index on the way in; decrypt on the way out.

Plaintext lives only in memory (`CustomerData`); what reaches the database is ciphertext and
blind indexes. Errors name the field and the row, never the value.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from .. import blind, normalise
from ..choices import FIELDS
from ..conf import phone_region
from ..envelope import NONCE_BYTES, DataKey, decrypt_field, encrypt_field, new_data_key, unwrap
from ..keys import KeyRing, index_key, keyring
from ..models import Customer, Queue

__all__ = [
    "CustomerData",
    "CustomerErased",
    "CustomerInvalid",
    "build_customer",
    "create_customer",
    "data_key",
    "decrypt_customer",
    "encrypt_columns",
    "insert_customers",
    "validate",
]


class CustomerInvalid(ValueError):
    """A customer's data fails validation; `.errors` lists (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))


class CustomerErased(LookupError):
    """The customer was erased: their data key is destroyed and nothing can be read."""


@dataclass
class CustomerData:
    """A customer's plaintext, in memory only (never logged: `repr` hides the values)."""

    name: str = ""
    phones: list[str] = field(default_factory=list)
    email: str = ""
    postal_address: str = ""
    date_of_birth: str = ""
    account_number: str = ""
    card_number: str = ""
    card_expiry: str = ""
    notes: str = ""

    def __repr__(self) -> str:
        return "CustomerData(<redacted>)"

    def as_fields(self) -> dict[str, str]:
        """Each encrypted field as text (phones as a JSON list)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["phones"] = json.dumps(self.phones) if self.phones else ""
        return out


@sensitive_variables()
def validate(data: CustomerData, *, region: str | None = None,
             today: dt.date | None = None) -> tuple[CustomerData, list[tuple[str, str]]]:
    """The normalised data and every problem found (field, message)."""
    region = region or phone_region()
    errors: list[tuple[str, str]] = []
    clean = CustomerData(name=data.name.strip(), postal_address=data.postal_address.strip(),
                         notes=data.notes.strip(), account_number=data.account_number.strip())
    if not clean.name:
        errors.append(("name", "a customer needs a name"))
    for i, raw in enumerate(p for p in data.phones if p.strip()):
        try:
            clean.phones.append(normalise.phone(raw, region))
        except normalise.InvalidValue as exc:
            errors.append(("phones", f"phone {i + 1}: {exc}"))
    checks = (("email", normalise.email, data.email),
              ("date_of_birth", lambda v: normalise.date_of_birth(v, today), data.date_of_birth),
              ("card_number", normalise.pan, data.card_number),
              ("card_expiry", lambda v: normalise.card_expiry(v, today), data.card_expiry))
    for name, check, raw in checks:
        if raw.strip():
            try:
                setattr(clean, name, check(raw))
            except normalise.InvalidValue as exc:
                errors.append((name, str(exc)))
    if clean.card_number and not data.card_expiry.strip():
        errors.append(("card_expiry", "a card number needs its expiry"))
    if clean.account_number and not normalise.digits(clean.account_number):
        errors.append(("account_number", "an account number needs digits"))
    return clean, errors


@sensitive_variables()
def encrypt_columns(queue_id: int, data: CustomerData, *, ring: KeyRing | None = None,
                    key: bytes | None = None) -> dict[str, Any]:
    """The stored columns of a new customer (by attribute name): a fresh id and data key,
    every field encrypted, blind indexes. `data` must already be validated (normalised)."""
    ring = ring or keyring()
    key = key or index_key()
    customer_id = uuid.uuid4()
    dek = new_data_key(ring, str(customer_id))
    values = data.as_fields()
    # one call to the system's random source for every nonce of the record (each distinct)
    nonces = os.urandom(NONCE_BYTES * len(FIELDS))
    columns: dict[str, Any] = {
        f"{name}_ct": encrypt_field(dek, name, values[name],
                                    nonces[i * NONCE_BYTES:(i + 1) * NONCE_BYTES])
        if values[name] else None
        for i, name in enumerate(FIELDS)
    }
    columns.update(id=customer_id, queue_id=queue_id, wrapped_key=dek.wrapped,
                   kek_version=dek.kek_version)
    if data.phones:
        columns["phone_bidx"] = blind.blind_index(key, "phone", data.phones[0])
    if len(data.phones) > 1:
        columns["phone2_bidx"] = blind.blind_index(key, "phone", data.phones[1])
    if data.email:
        columns["email_bidx"] = blind.blind_index(key, "email", data.email)
    if data.account_number:
        columns["account_bidx"] = blind.blind_index(key, "account",
                                                    normalise.digits(data.account_number))
    if data.card_number:
        columns["card_bidx"] = blind.blind_index(key, "card", data.card_number)
    return columns


def build_customer(queue: Queue, data: CustomerData, *, ring: KeyRing | None = None,
                   key: bytes | None = None) -> Customer:
    """An unsaved customer: a fresh data key, every field encrypted, blind indexes set.
    `data` must already be validated (normalised)."""
    return Customer(**encrypt_columns(queue.pk, data, ring=ring, key=key))


def insert_customers(rows: list[Customer] | list[dict[str, Any]]) -> None:
    """Insert new customers (from `build_customer`, or the columns from `encrypt_columns`)
    with one `executemany`, in the caller's transaction. Django's `bulk_create` spends most
    of its time compiling each value; these are bytes, text, numbers and two timestamps, so
    they go to the driver as they are."""
    if not rows:
        return
    connection = connections[router.db_for_write(Customer)]
    fields = Customer._meta.concrete_fields
    now = timezone.now()
    stamp = Customer._meta.get_field("created").get_db_prep_value(now, connection)
    id_field = Customer._meta.pk
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = quote(Customer._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    names = [f.attname for f in fields]
    defaults = {f.attname: None if f.null else f.get_default() for f in fields[1:]}
    defaults.update(created=stamp, updated=stamp)
    params = []
    for row in rows:
        if isinstance(row, Customer):
            row.created = row.updated = now
            values = {name: getattr(row, name) for name in names}
            values.update(created=stamp, updated=stamp)
        else:
            values = {**defaults, **row}
        values["id"] = id_field.get_db_prep_value(values["id"], connection)
        params.append([values[name] for name in names])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    for row in rows:
        if isinstance(row, Customer):
            row._state.adding = False
            row._state.db = connection.alias


@sensitive_variables()
def create_customer(queue: Queue, data: CustomerData, *, actor: str = "system") -> Customer:
    """Validate, encrypt and store one customer (audited, without values)."""
    from vaultdoor.audit import record

    clean, errors = validate(data)
    if errors:
        raise CustomerInvalid(errors)
    from .rotation import ensure_not_retired

    ring = keyring()
    ensure_not_retired(ring)
    row = build_customer(queue, clean, ring=ring)
    with transaction.atomic():
        row.save(force_insert=True)
        record("vault.customer_created", actor=actor, target_type="vault.customer",
               target_id=str(row.pk), queue=queue.code)
    return row


def data_key(customer: Customer, ring: KeyRing | None = None) -> DataKey:
    """The customer's unwrapped data key; `CustomerErased` once it is destroyed."""
    if customer.erased or customer.wrapped_key is None:
        raise CustomerErased(f"customer {customer.pk} was erased: their data cannot be read")
    return unwrap(ring or keyring(), str(customer.pk), bytes(customer.wrapped_key),
                  customer.kek_version)


@sensitive_variables()
def decrypt_customer(customer: Customer, names: Iterable[str] | None = None,
                     ring: KeyRing | None = None) -> dict[str, str]:
    """Plaintext of the asked fields (all by default), for masking or one reveal."""
    dek = data_key(customer, ring)
    wanted = list(names) if names is not None else list(FIELDS)
    return {name: decrypt_field(dek, name, getattr(customer, f"{name}_ct")) for name in wanted}
