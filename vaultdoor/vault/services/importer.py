"""Import customers from CSV: every row validated, then all stored or none.

Columns (header row): `queue, name, phones, email, postal_address, date_of_birth,
account_number, card_number, card_expiry, notes`; `phones` separates numbers with `;`. Errors
are reported per row and column, never with the value (the report may be pasted anywhere).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from vaultdoor.audit import record

from ..keys import index_key, keyring
from ..models import Queue
from .records import CustomerData, encrypt_columns, insert_customers, validate
from .rotation import ensure_not_retired

__all__ = ["COLUMNS", "ImportFailed", "ImportResult", "RowError", "count_rows",
           "import_customers"]

COLUMNS = ("queue", "name", "phones", "email", "postal_address", "date_of_birth",
           "account_number", "card_number", "card_expiry", "notes")
_BATCH = 1000


@dataclass(frozen=True)
class RowError:
    """One problem: the CSV line the record starts on (header is line 1), the column and
    what is wrong."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


class ImportFailed(ValueError):
    """The file has errors; nothing was imported. `.errors` lists every one."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); nothing was imported")


@dataclass(frozen=True)
class ImportResult:
    """How many customers were imported, per queue."""

    imported: int
    by_queue: dict[str, int]


@sensitive_variables()
def _rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text), strict=True)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        return [], [RowError(1, "(header)", f"not readable as CSV: {exc}")]
    missing = [c for c in ("queue", "name") if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    errors = [RowError(1, c, "missing column") for c in missing]
    # DictReader would keep only the last of two same-named columns, without a word
    errors += [RowError(1, c, "column appears more than once")
               for c in sorted({h for h in header if header.count(h) > 1})]
    errors += [RowError(1, c, f"unknown column (expected {', '.join(COLUMNS)})")
               for c in unknown]
    if errors:
        return [], errors
    rows = []
    start = reader.line_num + 1
    try:
        for row in reader:
            # the line the record starts on (a quoted field may span several lines)
            if None in row:  # DictReader keeps fields beyond the header under None
                errors.append(RowError(start, "(row)", f"more fields than the header's "
                                                       f"{len(header)} columns"))
            rows.append((start, {(k or "").strip(): (v or "") for k, v in row.items()
                                 if k is not None}))
            start = reader.line_num + 1
    except csv.Error as exc:  # the message names the problem, never the data
        errors.append(RowError(start, "(file)", f"not readable as CSV: {exc}"))
    return rows, errors


def count_rows(text: str) -> int:
    """How many records a CSV text holds after its header (for a progress bar)."""
    try:
        return max(0, sum(1 for _ in csv.reader(io.StringIO(text), strict=True)) - 1)
    except csv.Error:
        return 0


@sensitive_variables()
def import_customers(text: str, *, actor: str = "system", today: dt.date | None = None,
                     progress: Callable[[int], None] | None = None,
                     validated: Callable[[int], None] | None = None) -> ImportResult:
    """Validate every row of a CSV text, then store every customer in one transaction.
    Raises `ImportFailed` with all errors (and stores nothing) if any row is wrong."""
    rows, errors = _rows(text)
    if errors and not rows:  # the header (or the whole file) is wrong
        raise ImportFailed(errors)
    queues = {q.code: q for q in Queue.objects.all()}
    clean_rows: list[tuple[Queue, CustomerData]] = []
    for number, row in rows:
        queue = queues.get(row.get("queue", "").strip())
        if queue is None:
            errors.append(RowError(number, "queue", "no such queue (create it first)"))
        data = CustomerData(
            name=row.get("name", ""), phones=[p for p in row.get("phones", "").split(";")],
            email=row.get("email", ""), postal_address=row.get("postal_address", ""),
            date_of_birth=row.get("date_of_birth", ""),
            account_number=row.get("account_number", ""),
            card_number=row.get("card_number", ""), card_expiry=row.get("card_expiry", ""),
            notes=row.get("notes", ""))
        clean, problems = validate(data, today=today)
        errors.extend(RowError(number, column, message) for column, message in problems)
        if queue is not None and not problems:
            clean_rows.append((queue, clean))
        if validated is not None:
            validated(1)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda error: error.line))
    ring, key = keyring(), index_key()
    ensure_not_retired(ring)
    by_queue: dict[str, int] = {}
    with transaction.atomic():
        for start in range(0, len(clean_rows), _BATCH):
            chunk = clean_rows[start:start + _BATCH]
            insert_customers(
                [encrypt_columns(queue.pk, data, ring=ring, key=key) for queue, data in chunk])
            for queue, _ in chunk:
                by_queue[queue.code] = by_queue.get(queue.code, 0) + 1
            if progress is not None:
                progress(len(chunk))
        record("vault.import", actor=actor, target_type="vault.queue",
               target_id=",".join(sorted(by_queue)), imported=len(clean_rows),
               by_queue=by_queue)
    return ImportResult(len(clean_rows), by_queue)
