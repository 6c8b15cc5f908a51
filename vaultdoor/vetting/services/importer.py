"""Background checks from outside: rows of a CSV file or a provider webhook's JSON, validated
all together (every problem reported by row and column), then written all or nothing.

A row names a person by id (and site, where the id is ambiguous), the provider and its
reference for the check, and the check's scope, dates, status and findings. A row whose
provider and reference match a check already held updates that check; findings already on
record are not added twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from vaultdoor.people.models import Person

from ..choices import CheckStatusChoices, FindingChoices
from ..models import BackgroundCheck, Finding
from .decisions import adopt_site_vetting_many, rescreen_date
from .effective import apply_vetting_many

__all__ = [
    "COLUMNS",
    "CheckImportError",
    "CheckRow",
    "ImportSummary",
    "RowIssue",
    "import_checks",
    "read_csv",
    "validate_rows",
]

COLUMNS = ("person", "site", "provider", "reference", "scope", "requested", "completed",
           "status", "findings", "notes")
REQUIRED = ("person", "provider", "status")
_DECIDED = {CheckStatusChoices.CLEARED, CheckStatusChoices.ADVERSE, CheckStatusChoices.EXPIRED}
_LIMITS = {"provider": 100, "reference": 100, "scope": 200}


@dataclass(frozen=True)
class RowIssue:
    """One problem with one row (row numbers count the header as row 1 in a CSV file)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.message}" if self.column else (
            f"row {self.row}: {self.message}")


class CheckImportError(ValueError):
    """The rows cannot be imported; `issues` lists every problem found, nothing was written."""

    def __init__(self, issues: list[RowIssue]) -> None:
        self.issues = issues
        super().__init__(f"{len(issues)} problem(s); first: {issues[0]}" if issues else "")


@dataclass(frozen=True)
class CheckRow:
    """A validated row: a check of a known person, ready to write."""

    row: int
    person_id: int
    provider: str
    reference: str
    scope: str
    requested: dt.date | None
    completed: dt.date | None
    status: str
    findings: tuple[tuple[str, str], ...]


@dataclass
class ImportSummary:
    """What an import wrote."""

    created: int = 0
    updated: int = 0
    findings: int = 0
    people: int = 0
    changed: list[str] = field(default_factory=list)  # people whose effective vetting moved

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "findings": self.findings,
                "people": self.people, "vetting_changed": len(self.changed)}


def read_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a CSV file with a header line, as (row number, values by column)."""
    # strict: a file cut inside a quoted field is an error, not a last row that swallowed
    # the rest of the file
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        return _read(reader)
    except csv.Error as exc:
        raise CheckImportError([RowIssue(max(reader.line_num, 1), "",
                                         f"not readable as CSV: {exc}")]) from None


def _read(reader: csv.DictReader) -> list[tuple[int, dict[str, Any]]]:
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    issues = [RowIssue(1, name, f"unknown column (columns: {', '.join(COLUMNS)})")
              for name in header if name not in COLUMNS]
    issues += [RowIssue(1, name, "required column missing") for name in REQUIRED
               if name not in header]
    if len(set(header)) != len(header):
        issues.append(RowIssue(1, "", "a column appears twice"))
    if issues:
        raise CheckImportError(issues)
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for number, raw in enumerate(reader, start=2):
            if None in raw:
                rows.append((number, {"__extra__": raw.pop(None)} | raw))
            else:
                rows.append((number, raw))
    except csv.Error as exc:  # the row being read when the text stopped making sense
        raise CheckImportError([RowIssue(len(rows) + 2, "", f"not readable as CSV: {exc}")]
                               ) from None
    return rows


def _date(value: Any, column: str, row: int, issues: list[RowIssue]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        issues.append(RowIssue(row, column, f"{str(value)[:40]!r} is not a date (YYYY-MM-DD)"))
        return None


def _findings(raw: Mapping[str, Any], row: int, issues: list[RowIssue]) -> list[tuple[str, str]]:
    """Findings as (category, notes): a CSV cell `fraud;other` with a shared `notes` cell, or
    a JSON list of categories or of {category, notes} objects."""
    value = raw.get("findings")
    notes = str(raw.get("notes") or "").strip()
    items: list[tuple[Any, Any]]
    if value in (None, ""):
        items = []
    elif isinstance(value, str):
        items = [(part.strip(), notes) for part in value.split(";") if part.strip()]
    elif isinstance(value, list):
        items = [(item.get("category"), item.get("notes", "")) if isinstance(item, Mapping)
                 else (item, notes) for item in value]
    else:
        issues.append(RowIssue(row, "findings", "expected categories separated by ';' or a "
                                                "list"))
        return []
    result = []
    for category, note in items:
        if category not in FindingChoices.values:
            issues.append(RowIssue(row, "findings", f"unknown category {str(category)[:40]!r} "
                                   f"(categories: {', '.join(FindingChoices.values)})"))
        elif not isinstance(note, str):
            issues.append(RowIssue(row, "findings", "notes must be text"))
        else:
            result.append((category, note.strip()))
    return result


def _text(raw: Mapping[str, Any], column: str, row: int, issues: list[RowIssue]) -> str:
    value = raw.get(column)
    if value is None:
        return ""
    if not isinstance(value, str):
        issues.append(RowIssue(row, column, "expected text"))
        return ""
    value = value.strip()
    limit = _LIMITS.get(column)
    if limit and len(value) > limit:
        issues.append(RowIssue(row, column, f"longer than {limit} characters"))
    return value


def _people_index(records: list[tuple[int, Mapping[str, Any]]]) -> dict[str, list[tuple]]:
    codes = {str(raw.get("person") or "").strip() for _, raw in records}
    index: dict[str, list[tuple]] = {}
    for code, site_code, pk in Person.objects.filter(code__in=codes).values_list(
            "code", "site__code", "pk"):
        index.setdefault(code, []).append((site_code, pk))
    return index


def validate_rows(records: Iterable[tuple[int, Mapping[str, Any]]], *,
                  today: dt.date | None = None) -> list[CheckRow]:
    """Every row checked; raises `CheckImportError` listing every problem of every row."""
    records = list(records)
    today = today or timezone.localdate()
    issues: list[RowIssue] = []
    index = _people_index(records)
    seen: dict[tuple[str, str], int] = {}
    rows: list[CheckRow] = []
    for number, raw in records:
        before = len(issues)
        if "__extra__" in raw:
            issues.append(RowIssue(number, "", "more cells than the header has columns"))
        code = _text(raw, "person", number, issues)
        site_code = _text(raw, "site", number, issues)
        provider = _text(raw, "provider", number, issues)
        reference = _text(raw, "reference", number, issues)
        scope = _text(raw, "scope", number, issues)
        status = _text(raw, "status", number, issues).lower()
        requested = _date(raw.get("requested"), "requested", number, issues)
        completed = _date(raw.get("completed"), "completed", number, issues)
        findings = _findings(raw, number, issues)
        candidates = [c for c in index.get(code, []) if not site_code or c[0] == site_code]
        person_id = None
        if not code:
            issues.append(RowIssue(number, "person", "required"))
        elif not candidates:
            where = f" at site {site_code!r}" if site_code else ""
            issues.append(RowIssue(number, "person", f"no person {code!r}{where}"))
        elif len(candidates) > 1:
            issues.append(RowIssue(number, "site", f"person {code!r} exists at several sites "
                                                   "(fill in the site column)"))
        else:
            person_id = candidates[0][1]
        if not provider:
            issues.append(RowIssue(number, "provider", "required"))
        if status not in CheckStatusChoices.values:
            issues.append(RowIssue(number, "status", f"{status[:40]!r} is not one of "
                                                     f"{', '.join(CheckStatusChoices.values)}"))
        elif status in _DECIDED and completed is None and "completed" not in {
                i.column for i in issues[before:]}:
            issues.append(RowIssue(number, "completed", f"required for a {status} check"))
        if completed and completed > today + dt.timedelta(days=1):
            issues.append(RowIssue(number, "completed", "is in the future"))
        if completed and requested and completed < requested:
            issues.append(RowIssue(number, "completed", "is before requested"))
        if reference and provider:
            key = (provider, reference)
            if key in seen:
                issues.append(RowIssue(number, "reference", f"repeats row {seen[key]}"))
            seen.setdefault(key, number)
        if len(issues) == before and person_id is not None:
            rows.append(CheckRow(number, person_id, provider, reference, scope, requested,
                                 completed, status, tuple(findings)))
    issues += _foreign_references(rows)
    if issues:
        raise CheckImportError(sorted(issues, key=lambda i: (i.row, i.column)))
    return rows


def _foreign_references(rows: list[CheckRow]) -> list[RowIssue]:
    """A provider's reference already held for another person is a mix-up, not an update."""
    refs = {(r.provider, r.reference): r for r in rows if r.reference}
    if not refs:
        return []
    held = BackgroundCheck.objects.filter(
        reference__in={ref for _, ref in refs}).values_list("provider", "reference", "person_id")
    return [
        RowIssue(refs[(provider, ref)].row, "reference",
                 f"{provider} reference {ref!r} is another person's check")
        for provider, ref, person_id in held
        if (provider, ref) in refs and refs[(provider, ref)].person_id != person_id
    ]


def import_checks(rows: list[CheckRow], *, actor: str, source: str, request: Any = None,
                  progress: Callable[[int], None] | None = None,
                  summary_action: str = "", **context: Any) -> ImportSummary:
    """Write validated rows in one transaction (all or nothing), then each affected person's
    effective vetting; `progress(n)` is called after each row. `summary_action` names an
    audit event recorded at the end with the counts (in the same transaction)."""
    from vaultdoor.audit import record

    summary = ImportSummary()
    now = timezone.now()
    with transaction.atomic():
        people = Person.objects.in_bulk({r.person_id for r in rows})
        managed = set(BackgroundCheck.objects.filter(person_id__in=people).values_list(
            "person_id", flat=True).distinct())
        adopt_site_vetting_many([people[pk] for pk in sorted(set(people) - managed)],
                                actor=actor)
        held_checks = {
            (c.provider, c.reference): c for c in BackgroundCheck.objects.filter(
                reference__in={r.reference for r in rows if r.reference})
        }
        checks: list[BackgroundCheck] = []
        created: list[BackgroundCheck] = []
        updated: list[BackgroundCheck] = []
        for row in rows:
            rescreen = (rescreen_date(row.completed) if row.completed and row.status in {
                CheckStatusChoices.CLEARED, CheckStatusChoices.EXPIRED} else None)
            values = {"scope": row.scope, "requested": row.requested,
                      "completed": row.completed, "status": row.status,
                      "rescreen_due": rescreen}
            check = held_checks.get((row.provider, row.reference)) if row.reference else None
            if check is None:
                check = BackgroundCheck(
                    person_id=row.person_id, provider=row.provider, reference=row.reference,
                    source=source, created_by=actor[:150], created=now, updated=now,
                    **values)
                created.append(check)
            else:
                for name, value in values.items():
                    setattr(check, name, value)
                check.updated = now
                updated.append(check)
            checks.append(check)
        BackgroundCheck.objects.bulk_create(created, batch_size=500)
        BackgroundCheck.objects.bulk_update(
            updated, ["scope", "requested", "completed", "status", "rescreen_due", "updated"],
            batch_size=500)
        summary.created, summary.updated = len(created), len(updated)
        held = set(Finding.objects.filter(
            background_check_id__in=[c.pk for c in updated], withdrawn_at=None,
        ).values_list("background_check_id", "category", "notes"))
        new_findings: list[Finding] = []
        for row, check in zip(rows, checks, strict=True):
            new = [Finding(background_check=check, category=category, notes=notes,
                           recorded_by=actor[:150], recorded_at=now)
                   for category, notes in dict.fromkeys(row.findings)
                   if (check.pk, category, notes) not in held]
            new_findings += new
            summary.findings += len(new)
            record("vetting.check_imported", actor=actor, target_type="vetting.check",
                   target_id=str(check.pk), request=request,
                   person=people[row.person_id].code, provider=check.provider,
                   status=check.status, source=source, new_findings=len(new), **context)
            if progress is not None:
                progress(1)
        Finding.objects.bulk_create(new_findings, batch_size=500)
        results = apply_vetting_many(people, actor=actor, request=request, at=now, **context)
        for person_id, person in people.items():
            result = results[person_id]
            if (result.status, result.completed, result.expires,
                    list(result.findings)) != (person.vetting_status, person.vetting_completed,
                                               person.vetting_expires,
                                               list(person.vetting_findings or ())):
                summary.changed.append(person.code)
        summary.people = len(people)
        if summary_action:
            record(summary_action, actor=actor, target_type="vetting.import", request=request,
                   source=source, **summary.as_dict(), **context)
    return summary
